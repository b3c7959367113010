import type { Scope } from './model';

/** Runs tasks one at a time per name (e.g. per key ID), in arrival order; different names run concurrently. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(name: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(name) ?? Promise.resolve();
    const result = before.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(name, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(name) === tail) this.tails.delete(name);
    }
  }
}

/** A store that can also lock a name for the other processes sharing it (PostgreSQL advisory locks). */
export interface SharedLocks {
  withLock?<T>(name: string, task: () => Promise<T>): Promise<T>;
}

/**
 * Named locks for every check-then-write in the domain (`key:<id>`, `alias:<account/region/name>`, `instance:<id>`,
 * `default-key:<account/region>`, `purchase:<account/region/token>`): held in this process, and in the store as well
 * when the store is shared, so emulators sharing a database serialise the same steps.
 */
export class Locks {
  private readonly local = new KeyedLock();

  constructor(private readonly shared: SharedLocks) {}

  run<T>(name: string, task: () => Promise<T>): Promise<T> {
    return this.local.run(name, () => (this.shared.withLock ? this.shared.withLock(name, task) : task()));
  }
}

/** The lock names, in one place so that every service taking one agrees on its spelling. */
export const keyLock = (keyId: string) => `key:${keyId}`;
export const aliasLock = (scope: Scope, aliasName: string) => `alias:${scope.accountId}/${scope.regionId}/${aliasName}`;
export const instanceLock = (instanceId: string) => `instance:${instanceId}`;
export const defaultKeyLock = (scope: Scope) => `default-key:${scope.accountId}/${scope.regionId}`;
export const purchaseLock = (scope: Scope, clientToken: string) => `purchase:${scope.accountId}/${scope.regionId}/${clientToken}`;
