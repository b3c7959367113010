/**
 * Every record in memory, with the indexes the store's questions need, so that none of them scans all keys:
 * keys by scope (in listing order), by instance (with the instance's KeyNum units), the default key of each scope,
 * keys by the time of their next event, aliases by scope (by name) and by key, instances by scope. The embedded store
 * keeps one of these and persists it (lowdb.ts); it is also the whole store when nothing is persisted.
 */
import { nextEventAt, quotaUnits, sameScope, type Alias, type Instance, type Key, type Scope } from '../domain/model';
import { aliasKey, keyOrder, matches, type InstanceCount, type KeyCount, type KeyQuery, type Page } from '../domain/ports/store';
import { SortedList } from './sorted-list';

const scopeKey = (s: Scope) => `${s.accountId}/${s.regionId}`;
const byName = (a: Alias, b: Alias) => (a.aliasName < b.aliasName ? -1 : a.aliasName > b.aliasName ? 1 : 0);
const byEvent = (a: Key, b: Key) => nextEventAt(a)! - nextEventAt(b)! || keyOrder(a, b);

/** A change to the state, as the journal records it (null removes). */
export type Change =
  | { readonly op: 'key'; readonly id: string; readonly v: Key | null }
  | { readonly op: 'alias'; readonly id: string; readonly v: Alias | null }
  | { readonly op: 'instance'; readonly id: string; readonly v: Instance | null }
  | { readonly op: 'setting'; readonly id: string; readonly v: unknown };

/** The records themselves, last change winning: what loading a snapshot and its journal comes to. */
export interface Records {
  readonly keys: Map<string, Key>;
  readonly aliases: Map<string, Alias>;
  readonly instances: Map<string, Instance>;
  readonly settings: Map<string, unknown>;
}

export const emptyRecords = (): Records => ({ keys: new Map(), aliases: new Map(), instances: new Map(), settings: new Map() });

/** Folds one change into `records` (loading replays a snapshot and journals this way, then indexes once). */
export function fold(records: Records, c: Change): void {
  const map: Map<string, unknown> =
    c.op === 'key' ? records.keys : c.op === 'alias' ? records.aliases : c.op === 'instance' ? records.instances : records.settings;
  // A setting may hold null; it is forgotten when undefined (the journal line then has no value).
  if (c.op === 'setting' ? c.v === undefined : c.v === null) map.delete(c.id);
  else map.set(c.id, c.v);
}

export class MemoryIndex {
  private readonly keys = new Map<string, Key>();
  /** When each key was first stored: listing order among keys created in the same millisecond. */
  private readonly seq = new Map<string, number>();
  private nextSeq = 0;
  /** Listing order: creation time, then the order keys were stored (PostgreSQL's `seq`). */
  private readonly listingOrder = (a: Key, b: Key) => a.createdAt - b.createdAt || this.seq.get(a.keyId)! - this.seq.get(b.keyId)!;
  private readonly keysByScope = new Map<string, SortedList<Key>>();
  private readonly keysByInstance = new Map<string, Set<string>>();
  private readonly unitsByInstance = new Map<string, number>();
  private readonly defaultKeys = new Map<string, string>();
  private readonly due = new SortedList<Key>(byEvent);
  /** Keys per `state spec`, kept as keys change so that counting them costs nothing. */
  private readonly keyCounts = new Map<string, { keyState: Key['keyState']; keySpec: Key['keySpec']; count: number }>();
  private readonly aliases = new Map<string, Alias>();
  private readonly aliasesByScope = new Map<string, SortedList<Alias>>();
  private readonly aliasesByKey = new Map<string, Set<string>>();
  private readonly instances = new Map<string, Instance>();
  private readonly settings = new Map<string, unknown>();

  /** An index over `records`, built in one pass and sorted once (inserting 100k keys one by one would not be). */
  static of(records: Records): MemoryIndex {
    const index = new MemoryIndex();
    for (const [id, v] of records.settings) index.settings.set(id, v);
    for (const [id, v] of records.instances) index.instances.set(id, v);
    for (const [id, v] of records.keys) index.setKey(id, v, true);
    for (const [id, v] of records.aliases) index.setAlias(id, v, true);
    for (const list of [index.due, ...index.keysByScope.values(), ...index.aliasesByScope.values()]) list.sortAll();
    return index;
  }

  apply(c: Change): void {
    if (c.op === 'key') this.setKey(c.id, c.v);
    else if (c.op === 'alias') this.setAlias(c.id, c.v);
    else if (c.op === 'instance') this.setInstance(c.id, c.v);
    else if (c.v === undefined) this.settings.delete(c.id);
    else this.settings.set(c.id, c.v);
  }

  /** Every record as a change that recreates it (what a snapshot holds). */
  *changes(): Generator<Change> {
    for (const [id, v] of this.settings) yield { op: 'setting', id, v };
    for (const [id, v] of this.instances) yield { op: 'instance', id, v };
    for (const [id, v] of this.keys) yield { op: 'key', id, v };
    for (const [id, v] of this.aliases) yield { op: 'alias', id, v };
  }

  get size(): number {
    return this.keys.size + this.aliases.size + this.instances.size + this.settings.size;
  }

  getKey = (keyId: string) => this.keys.get(keyId);

  pageKeys(scope: Scope, query: KeyQuery, offset: number, limit: number): Page<Key> {
    const all = this.keysByScope.get(scopeKey(scope))?.items ?? [];
    const filtered = query.filters?.length || query.instanceId !== undefined || query.tags?.length;
    if (!filtered) return { items: all.slice(offset, offset + limit), total: all.length };
    const hits = all.filter((k) => matches(k, query));
    return { items: hits.slice(offset, offset + limit), total: hits.length };
  }

  defaultKey = (scope: Scope) => this.keys.get(this.defaultKeys.get(scopeKey(scope)) ?? '');

  keysDue(until: number, limit: number): Key[] {
    const out: Key[] = [];
    for (const k of this.due.items) {
      if (out.length >= limit || nextEventAt(k)! > until) break;
      out.push(k);
    }
    return out;
  }

  countKeys = (): KeyCount[] => [...this.keyCounts.values()].filter((c) => c.count > 0).map((c) => ({ ...c }));

  getAlias = (scope: Scope, aliasName: string) => this.aliases.get(aliasKey(scope, aliasName));

  pageAliases(scope: Scope, keyId: string | undefined, offset: number, limit: number): Page<Alias> {
    const hits =
      keyId === undefined
        ? (this.aliasesByScope.get(scopeKey(scope))?.items ?? [])
        : [...(this.aliasesByKey.get(keyId) ?? [])]
            .map((id) => this.aliases.get(id)!)
            .filter((a) => sameScope(a, scope))
            .sort(byName);
    return { items: hits.slice(offset, offset + limit), total: hits.length };
  }

  getInstance = (instanceId: string) => this.instances.get(instanceId);

  /** In the order they were first stored (a Map keeps it; PostgreSQL keeps it in a sequence column). */
  listInstances(scope: Scope): Instance[] {
    return [...this.instances.values()].filter((i) => sameScope(i, scope));
  }

  instanceUsage = (instanceId: string) => this.unitsByInstance.get(instanceId) ?? 0;

  /** An emulator holds a handful of instances: counted when asked. */
  countInstances(): InstanceCount[] {
    const counts = new Map<Instance['kind'], number>();
    for (const i of this.instances.values()) counts.set(i.kind, (counts.get(i.kind) ?? 0) + 1);
    return [...counts].map(([kind, count]) => ({ kind, count }));
  }

  getSetting = (name: string) => this.settings.get(name);

  /** `bulk`: appended unsorted, for `of` to sort once. */
  private setKey(keyId: string, key: Key | null, bulk = false): void {
    const old = this.keys.get(keyId);
    if (old) {
      this.keysByScope.get(scopeKey(old))?.remove(old);
      if (nextEventAt(old) !== undefined) this.due.remove(old);
      if (old.dkmsInstanceId) {
        this.keysByInstance.get(old.dkmsInstanceId)?.delete(keyId);
        this.unitsByInstance.set(old.dkmsInstanceId, this.instanceUsage(old.dkmsInstanceId) - quotaUnits(old));
      }
      if (old.defaultKey && this.defaultKeys.get(scopeKey(old)) === keyId) this.defaultKeys.delete(scopeKey(old));
      this.countKey(old, -1);
      if (!key) {
        this.keys.delete(keyId);
        this.seq.delete(keyId);
      }
    }
    if (!key) return;
    this.keys.set(keyId, key);
    if (!this.seq.has(keyId)) this.seq.set(keyId, this.nextSeq++);
    const scope = scopeKey(key);
    let list = this.keysByScope.get(scope);
    if (!list) this.keysByScope.set(scope, (list = new SortedList(this.listingOrder)));
    list.insert(key, bulk);
    if (nextEventAt(key) !== undefined) this.due.insert(key, bulk);
    if (key.dkmsInstanceId) {
      let set = this.keysByInstance.get(key.dkmsInstanceId);
      if (!set) this.keysByInstance.set(key.dkmsInstanceId, (set = new Set()));
      set.add(keyId);
      this.unitsByInstance.set(key.dkmsInstanceId, this.instanceUsage(key.dkmsInstanceId) + quotaUnits(key));
    }
    if (key.defaultKey) this.defaultKeys.set(scope, keyId);
    this.countKey(key, 1);
  }

  private countKey(key: Key, delta: number): void {
    const id = `${key.keyState} ${key.keySpec}`;
    const entry = this.keyCounts.get(id);
    if (entry) entry.count += delta;
    else this.keyCounts.set(id, { keyState: key.keyState, keySpec: key.keySpec, count: delta });
  }

  private setAlias(id: string, alias: Alias | null, bulk = false): void {
    const old = this.aliases.get(id);
    if (old) {
      this.aliasesByScope.get(scopeKey(old))?.remove(old);
      this.aliasesByKey.get(old.keyId)?.delete(id);
      this.aliases.delete(id);
    }
    if (!alias) return;
    this.aliases.set(id, alias);
    let list = this.aliasesByScope.get(scopeKey(alias));
    if (!list) this.aliasesByScope.set(scopeKey(alias), (list = new SortedList(byName)));
    list.insert(alias, bulk);
    let set = this.aliasesByKey.get(alias.keyId);
    if (!set) this.aliasesByKey.set(alias.keyId, (set = new Set()));
    set.add(id);
  }

  private setInstance(id: string, instance: Instance | null): void {
    if (instance) this.instances.set(id, instance);
    else this.instances.delete(id);
  }
}
