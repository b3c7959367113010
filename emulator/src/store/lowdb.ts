/**
 * The embedded store (the default): every record in memory, indexed (memory-index.ts); on disk a snapshot written
 * through lowdb plus an append-only journal (journal.ts). Why this layout: a write appends one line, so its cost does
 * not grow with the state (the format-1 store rewrote the whole file on every write: 9.7 MB per CreateKey at 10k
 * keys), and every read is answered from memory. The snapshot is rewritten in the background once the journal has
 * grown as large as it (so the rewriting costs a constant share of each write), and at start-up the snapshot is read
 * and the journals after it replayed.
 *
 * Guarantees, as before: an acknowledged write survives kill -9 (it is in the journal before the request is
 * answered); a crash at any moment leaves files that load (a partial last journal line is skipped, a snapshot is
 * renamed into place whole); a format-1 `state.json` loads and is migrated. Files are 0600 in a 0700 folder.
 * Without a file, nothing is persisted.
 */
import { readFileSync, statSync } from 'node:fs';
import { Low } from 'lowdb';
import type { Alias, Instance, Key, Scope } from '../domain/model';
import { aliasKey, type KeyQuery, type Store } from '../domain/ports/store';
import { ensureFolderOf } from './files';
import { Journal, journalPath, journals, readSnapshot, replay, SnapshotFile, type Snapshot } from './journal';
import { emptyRecords, MemoryIndex, type Change } from './memory-index';

/** A journal smaller than this is never worth a snapshot. */
const MIN_COMPACT_BYTES = 4 * 1024 * 1024;

export class LowdbStore implements Store {
  private compacting?: Promise<void>;

  private constructor(
    private readonly index: MemoryIndex,
    private readonly persisted?: { file: string; db: Low<Snapshot>; journal: Journal; snapshotBytes: number },
  ) {}

  /** `file` undefined keeps state in memory only (tests, throwaway runs). */
  static async open(file?: string): Promise<LowdbStore> {
    if (!file) return new LowdbStore(MemoryIndex.of(emptyRecords()));
    ensureFolderOf(file);
    const snapshot = readSnapshot(file);
    const generations = journals(file).filter((n) => n >= snapshot.journal);
    for (const n of generations) replay(snapshot.records, readFileSync(journalPath(file, n), 'utf8'));
    const index = MemoryIndex.of(snapshot.records);
    const current = Math.max(snapshot.journal, ...generations);
    const db = new Low<Snapshot>(new SnapshotFile(file), { index, journal: current });
    const journal = new Journal(file, current);
    const store = new LowdbStore(index, { file, db, journal, snapshotBytes: fileSize(file) });
    // A format-1 file, or journals left to replay, become a fresh snapshot: start-up reads less next time.
    if (snapshot.format === 1 || generations.length > 1) await store.compact();
    return store;
  }

  private async write(change: Change): Promise<void> {
    this.index.apply(change);
    if (!this.persisted) return;
    await this.persisted.journal.append(change);
    const { journal, snapshotBytes } = this.persisted;
    if (!this.compacting && journal.bytes > Math.max(MIN_COMPACT_BYTES, snapshotBytes)) void this.compact();
  }

  /** A new snapshot of everything, while writes go on into the next journal; then the older journals go. */
  compact(): Promise<void> {
    const p = this.persisted;
    if (!p) return Promise.resolve();
    this.compacting ??= (async () => {
      try {
        const next = p.journal.rotate();
        p.db.data = { index: this.index, journal: next };
        await p.db.write();
        p.journal.dropBefore(next);
        p.snapshotBytes = fileSize(p.file);
      } finally {
        this.compacting = undefined;
      }
    })();
    return this.compacting;
  }

  async getKey(keyId: string) {
    return this.index.getKey(keyId);
  }

  async pageKeys(scope: Scope, query: KeyQuery, offset: number, limit: number) {
    return this.index.pageKeys(scope, query, offset, limit);
  }

  async defaultKey(scope: Scope) {
    return this.index.defaultKey(scope);
  }

  async keysDue(until: number, limit: number) {
    return this.index.keysDue(until, limit);
  }

  async countKeys() {
    return this.index.countKeys();
  }

  putKey = (key: Key) => this.write({ op: 'key', id: key.keyId, v: key });
  deleteKey = (keyId: string) => this.write({ op: 'key', id: keyId, v: null });

  async getAlias(scope: Scope, aliasName: string) {
    return this.index.getAlias(scope, aliasName);
  }

  async pageAliases(scope: Scope, keyId: string | undefined, offset: number, limit: number) {
    return this.index.pageAliases(scope, keyId, offset, limit);
  }

  putAlias = (alias: Alias) => this.write({ op: 'alias', id: aliasKey(alias, alias.aliasName), v: alias });
  deleteAlias = (scope: Scope, aliasName: string) => this.write({ op: 'alias', id: aliasKey(scope, aliasName), v: null });

  async getInstance(instanceId: string) {
    return this.index.getInstance(instanceId);
  }

  async listInstances(scope: Scope) {
    return this.index.listInstances(scope);
  }

  async instanceUsage(instanceId: string) {
    return this.index.instanceUsage(instanceId);
  }

  async countInstances() {
    return this.index.countInstances();
  }

  putInstance = (instance: Instance) => this.write({ op: 'instance', id: instance.instanceId, v: instance });
  deleteInstance = (instanceId: string) => this.write({ op: 'instance', id: instanceId, v: null });

  async getSetting(name: string) {
    return this.index.getSetting(name);
  }

  putSetting = (name: string, value: unknown) => this.write({ op: 'setting', id: name, v: value });

  async close() {
    await this.compacting;
    this.persisted?.journal.close();
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
