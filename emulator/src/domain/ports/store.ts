/**
 * Where the emulator keeps its records: the embedded store (an in-memory index over a snapshot and a journal, on
 * disk through lowdb) is the default, and a PostgreSQL implementation sits behind the same interface. The store
 * answers the domain's questions (a page of keys, an instance's usage, the next events due) rather than handing
 * out whole tables, so the cost of a request does not grow with the number of keys stored.
 *
 * Reads return the stored (read-only) records; writes resolve only once the change is durable, so an acknowledged
 * request survives a restart or a kill -9.
 */
import type { Alias, Instance, Key, Scope } from '../model';
import type { InstanceKind, KeySpec, KeyState } from '../specs';

/** ListKeys' filters (AND across fields, OR within a field's values) plus the emulator's own. */
export interface KeyQuery {
  readonly filters?: readonly KeyFilter[];
  /** Keys of this instance only. */
  readonly instanceId?: string;
  /** Keys carrying every one of these tags (a tag without a value matches any value). */
  readonly tags?: readonly { readonly key: string; readonly value?: string }[];
}

export interface KeyFilter {
  readonly field: KeyFilterField;
  readonly values: readonly string[];
}

export const KEY_FILTER_FIELDS = [
  'KeyState',
  'KeySpec',
  'KeyUsage',
  'ProtectionLevel',
  'CreatorType',
  'DKMSInstanceId',
  'Creator',
] as const;
export type KeyFilterField = (typeof KEY_FILTER_FIELDS)[number];

/** A page of a listing: `offset` items skipped, at most `limit` returned, and how many there are in all. */
export interface Page<T> {
  readonly items: T[];
  readonly total: number;
}

/** How many keys share a state and spec, over every account and region. */
export interface KeyCount {
  readonly keyState: KeyState;
  readonly keySpec: KeySpec;
  readonly count: number;
}

/** How many instances there are of one kind, over every account and region. */
export interface InstanceCount {
  readonly kind: InstanceKind;
  readonly count: number;
}

/** Keys by creation time, then ID: a strict order, for indexes that need one. */
export const keyOrder = (a: Key, b: Key) => a.createdAt - b.createdAt || (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0);

export interface Store {
  getKey(keyId: string): Promise<Key | undefined>;
  /** Keys of `scope` matching `query`, in listing order (creation time, then the order they were first stored). */
  pageKeys(scope: Scope, query: KeyQuery, offset: number, limit: number): Promise<Page<Key>>;
  /** The region's default CMK, if it has one. */
  defaultKey(scope: Scope): Promise<Key | undefined>;
  /**
   * Keys with a lifecycle event (rotation, deletion, material expiry) due at or before `until`, earliest first
   * (their `nextEventAt`), at most `limit` of them. Read from an index on the event time.
   */
  keysDue(until: number, limit: number): Promise<Key[]>;
  /** Keys by state and spec, emulator-wide (metrics read it at each scrape: kept counts or one grouped query). */
  countKeys(): Promise<KeyCount[]>;
  putKey(key: Key): Promise<void>;
  deleteKey(keyId: string): Promise<void>;

  getAlias(scope: Scope, aliasName: string): Promise<Alias | undefined>;
  /** Aliases of `scope` by name, or of one key when `keyId` is given. */
  pageAliases(scope: Scope, keyId: string | undefined, offset: number, limit: number): Promise<Page<Alias>>;
  putAlias(alias: Alias): Promise<void>;
  deleteAlias(scope: Scope, aliasName: string): Promise<void>;

  getInstance(instanceId: string): Promise<Instance | undefined>;
  /** An account and region hold a handful of instances: they are listed whole, oldest first. */
  listInstances(scope: Scope): Promise<Instance[]>;
  /** Units of the instance's KeyNum in use (model.ts quotaUnits, summed over its keys). */
  instanceUsage(instanceId: string): Promise<number>;
  /** Instances by kind, emulator-wide (metrics). */
  countInstances(): Promise<InstanceCount[]>;
  putInstance(instance: Instance): Promise<void>;
  deleteInstance(instanceId: string): Promise<void>;

  /** Small emulator-wide values (e.g. how far the clock was moved), kept with the rest of the state. */
  getSetting(name: string): Promise<unknown>;
  putSetting(name: string, value: unknown): Promise<void>;

  /**
   * Runs `task` while holding a named lock that every process sharing this store respects (the domain takes one
   * around each check-then-write: domain/lock.ts lists the names). Stores used by one process only leave it out.
   */
  withLock?<T>(name: string, task: () => Promise<T>): Promise<T>;

  close(): Promise<void>;
}

export const aliasKey = (scope: Scope, aliasName: string) => `${scope.accountId}/${scope.regionId}/${aliasName}`;

/** The value a ListKeys filter field reads from a key. */
export function filterValue(k: Key, field: KeyFilterField): string {
  switch (field) {
    case 'KeyState':
      return k.keyState satisfies KeyState;
    case 'KeySpec':
      return k.keySpec;
    case 'KeyUsage':
      return k.keyUsage;
    case 'ProtectionLevel':
      return k.protectionLevel;
    case 'CreatorType':
      return k.creatorType;
    case 'DKMSInstanceId':
      return k.dkmsInstanceId ?? '';
    case 'Creator':
      return k.creator;
  }
}

/** Whether `k` matches `query` (the in-memory store's test; the PostgreSQL store says the same in SQL). */
export function matches(k: Key, query: KeyQuery): boolean {
  if (query.instanceId !== undefined && k.dkmsInstanceId !== query.instanceId) return false;
  if (query.filters && !query.filters.every((f) => f.values.includes(filterValue(k, f.field)))) return false;
  if (query.tags && !query.tags.every((t) => Object.hasOwn(k.tags, t.key) && (t.value === undefined || k.tags[t.key] === t.value)))
    return false;
  return true;
}
