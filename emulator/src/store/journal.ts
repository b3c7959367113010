/**
 * The embedded store's files. A write is one JSON line appended to the current journal (`<data>.journal.<n>`), so
 * its cost does not grow with the state; the whole state is written only now and then, as a snapshot (`<data>`,
 * through lowdb), after which older journals are deleted.
 *
 * Snapshot (format 2): a header line `{"format":2,"journal":n}`, then one change per record. It says "replay journals
 * n and later on top of me". A snapshot is written while writes go on (to journal n, opened just before), so it may
 * or may not hold a change also in journal n; replaying puts and deletes again is harmless. Written to a temporary
 * file and renamed, so a crash leaves the old snapshot and its journals, which still load. Format 1 (one JSON
 * object, what earlier versions wrote) loads and is rewritten as format 2.
 *
 * Appends are batched: every change of one event-loop turn is one write, and each caller resolves after the write
 * that holds its change (the kernel has it: it survives kill -9). A crash mid-append can leave a partial last line,
 * which loading skips: that write was never acknowledged.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { open as openFile, rename } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Adapter } from 'lowdb';
import type { Alias, Instance, Key } from '../domain/model';
import { aliasKey } from '../domain/ports/store';
import { emptyRecords, fold, type Change, type MemoryIndex, type Records } from './memory-index';
import { SECRET_FILE_MODE } from './files';

/** What lowdb holds: the index, and the first journal the snapshot on disk expects to be replayed. */
export interface Snapshot {
  index: MemoryIndex;
  journal: number;
}

/** Journal generations of `dataFile` on disk, oldest first. */
export function journals(dataFile: string): number[] {
  const prefix = `${basename(dataFile)}.journal.`;
  if (!existsSync(dirname(dataFile))) return [];
  return readdirSync(dirname(dataFile))
    .filter((f) => f.startsWith(prefix) && /^\d+$/.test(f.slice(prefix.length)))
    .map((f) => Number(f.slice(prefix.length)))
    .sort((a, b) => a - b);
}

export const journalPath = (dataFile: string, n: number) => `${dataFile}.journal.${n}`;

/** Whether there is a state at `dataFile`: a snapshot, or journals written before the first snapshot. */
export const stateExists = (dataFile: string) => existsSync(dataFile) || journals(dataFile).length > 0;

/** Folds a journal (or a format 2 snapshot's body) into `records`; a partial last line is skipped. */
export function replay(records: Records, text: string, from = 0): void {
  let start = from;
  for (let end = text.indexOf('\n', start); end >= 0; start = end + 1, end = text.indexOf('\n', start))
    if (end > start) fold(records, JSON.parse(text.slice(start, end)) as Change);
}

/** The records a snapshot file holds, and the journal after it; a missing file is an empty state. */
export function readSnapshot(file: string): { records: Records; journal: number; format: 1 | 2 } {
  const records = emptyRecords();
  if (!existsSync(file)) return { records, journal: 0, format: 2 };
  const text = readFileSync(file, 'utf8');
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const header = tryParse(firstLine) as { format?: unknown; journal?: unknown } | undefined;
  if (header?.format === 2 && typeof header.journal === 'number') {
    replay(records, text, firstLine.length + 1);
    return { records, journal: header.journal, format: 2 };
  }
  const old = JSON.parse(text) as { format?: unknown } & Record<string, Record<string, unknown> | undefined>;
  if (old.format !== 1) throw new Error(`${file}: unknown state format ${String(old.format)}`);
  // Ids come from the records themselves (format 1 keyed its tables by them; aliases by account/region/name).
  const idOf: Record<'key' | 'alias' | 'instance', (v: never) => string> = {
    key: (v: Key) => v.keyId,
    alias: (v: Alias) => aliasKey(v, v.aliasName),
    instance: (v: Instance) => v.instanceId,
  };
  for (const [op, table] of [
    ['key', 'keys'],
    ['alias', 'aliases'],
    ['instance', 'instances'],
  ] as const)
    for (const v of Object.values(old[table] ?? {})) fold(records, { op, id: idOf[op](v as never), v } as Change);
  for (const [id, v] of Object.entries(old.settings ?? {})) fold(records, { op: 'setting', id, v });
  return { records, journal: 0, format: 1 };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Writes a snapshot through lowdb (Low.write): streamed in chunks, so a large state does not stall requests. */
export class SnapshotFile implements Adapter<Snapshot> {
  constructor(private readonly file: string) {}

  /** Loading goes through readSnapshot (the store folds in the journals before indexing); lowdb is only told "empty". */
  async read(): Promise<Snapshot | null> {
    return null;
  }

  async write(data: Snapshot): Promise<void> {
    const temp = `${this.file}.tmp`;
    const out = await openFile(temp, 'w', SECRET_FILE_MODE);
    try {
      let chunk = JSON.stringify({ format: 2, journal: data.journal }) + '\n';
      for (const change of data.index.changes()) {
        chunk += JSON.stringify(change) + '\n';
        if (chunk.length > 1 << 20) {
          await out.write(chunk);
          chunk = '';
        }
      }
      await out.write(chunk);
    } finally {
      await out.close();
    }
    await rename(temp, this.file);
  }
}

/** The current journal: batched appends. */
export class Journal {
  private fd: number;
  private pending: string[] = [];
  private waiting: Array<() => void> = [];
  private scheduled = false;
  /** Bytes in the current journal. */
  bytes = 0;

  constructor(
    private readonly dataFile: string,
    public generation: number,
  ) {
    const path = journalPath(dataFile, generation);
    // A line a crash cut short was never acknowledged: drop it, or the next append would continue it.
    if (existsSync(path)) {
      const text = readFileSync(path);
      const whole = text.lastIndexOf(0x0a) + 1;
      if (whole < text.length) truncateSync(path, whole);
      this.bytes = whole;
    }
    this.fd = openSync(path, 'a', SECRET_FILE_MODE);
  }

  append(change: Change): Promise<void> {
    this.pending.push(JSON.stringify(change) + '\n');
    const done = new Promise<void>((resolve) => this.waiting.push(resolve));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return done;
  }

  /** Writes what is pending in one write, then answers its callers. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    const waiting = this.waiting;
    this.pending = [];
    this.waiting = [];
    const bytes = Buffer.from(text, 'utf8');
    writeSync(this.fd, bytes);
    this.bytes += bytes.length;
    for (const resolve of waiting) resolve();
  }

  /** Starts the next journal; later appends go there. Returns its generation. */
  rotate(): number {
    this.flush();
    closeSync(this.fd);
    this.generation++;
    this.fd = openSync(journalPath(this.dataFile, this.generation), 'a', SECRET_FILE_MODE);
    this.bytes = 0;
    return this.generation;
  }

  /** Journals older than `generation`, which the snapshot on disk now holds. */
  dropBefore(generation: number): void {
    for (const n of journals(this.dataFile)) if (n < generation) rmSync(journalPath(this.dataFile, n), { force: true });
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
