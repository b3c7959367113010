/**
 * Where the emulator keeps its records. Small on purpose: the embedded lowdb file is the default and a PostgreSQL
 * implementation sits behind the same interface. Reads return the stored (read-only) records; writes resolve only
 * once the change is durable, so an acknowledged request survives a restart or a kill -9.
 */
import type { Alias, Instance, Key, Scope } from '../model';

export interface Store {
  getKey(keyId: string): Promise<Key | undefined>;
  listKeys(scope: Scope): Promise<Key[]>;
  /** Every key of every account and region (the scheduler's scan). */
  listAllKeys(): Promise<Key[]>;
  putKey(key: Key): Promise<void>;
  deleteKey(keyId: string): Promise<void>;

  getAlias(scope: Scope, aliasName: string): Promise<Alias | undefined>;
  listAliases(scope: Scope): Promise<Alias[]>;
  putAlias(alias: Alias): Promise<void>;
  deleteAlias(scope: Scope, aliasName: string): Promise<void>;

  getInstance(instanceId: string): Promise<Instance | undefined>;
  listInstances(scope: Scope): Promise<Instance[]>;
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
