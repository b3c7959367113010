/**
 * Aliases: `alias/<name>` pointing at one key, unique per account and region. `alias/acs/` is reserved for the
 * service keys that cloud products create, so users may not create, re-point or delete names under it.
 */
import type { Page, Store } from './ports/store';
import { KmsError, invalid } from './errors';
import { SERVICE_ALIAS_PREFIX, type KeyService } from './keys';
import { LIMITS } from './limits';
import { aliasLock, type Locks } from './lock';
import type { Access } from './authorization';
import type { Alias, Key, Scope } from './model';

const ALIAS_NAME = /^alias\/[A-Za-z0-9_\-/]+$/;

export function assertUserAliasName(name: string): void {
  if (name.length > LIMITS.aliasNameMaxLength || !ALIAS_NAME.test(name)) throw invalid('AliasName');
  if (name.startsWith(SERVICE_ALIAS_PREFIX) || name === 'alias/acs') throw invalid('AliasName');
}

export class AliasService {
  constructor(
    private readonly store: Store,
    private readonly locks: Locks,
    private readonly keys: KeyService,
  ) {}

  async create(access: Access, aliasName: string, keyRef: string): Promise<Alias> {
    const { scope } = access;
    assertUserAliasName(aliasName);
    const key = await this.keys.resolveFor(access, keyRef, 'createAlias');
    return this.locked(scope, aliasName, async () => {
      if (await this.store.getAlias(scope, aliasName)) throw new KmsError('AliasAlreadyExists');
      const alias: Alias = { accountId: scope.accountId, regionId: scope.regionId, aliasName, keyId: key.keyId };
      await this.store.putAlias(alias);
      return alias;
    });
  }

  /**
   * A seed's alias for key `keyId`, unless the name is taken already. The name is held to the same rules as
   * CreateAlias; the key may be in any state, as a seed declares where things end up, not how they got there.
   */
  async restore(scope: Scope, aliasName: string, keyId: string): Promise<Alias | undefined> {
    assertUserAliasName(aliasName);
    const key = await this.keys.find(scope, keyId);
    return this.locked(scope, aliasName, async () => {
      if (await this.store.getAlias(scope, aliasName)) return undefined;
      const alias: Alias = { accountId: scope.accountId, regionId: scope.regionId, aliasName, keyId: key.keyId };
      await this.store.putAlias(alias);
      return alias;
    });
  }

  async update(access: Access, aliasName: string, keyRef: string): Promise<Alias> {
    const { scope } = access;
    assertUserAliasName(aliasName);
    return this.locked(scope, aliasName, async () => {
      const existing = await this.store.getAlias(scope, aliasName);
      if (!existing) throw new KmsError('Forbidden.AliasNotFound');
      await this.keys.resolve(access, existing.keyId); // an alias change acts on the alias's key too
      const key = await this.keys.resolveFor(access, keyRef, 'aliasTarget');
      const alias: Alias = { ...existing, keyId: key.keyId };
      await this.store.putAlias(alias);
      return alias;
    });
  }

  async delete(access: Access, aliasName: string): Promise<void> {
    const { scope } = access;
    if (aliasName.startsWith(SERVICE_ALIAS_PREFIX)) throw invalid('AliasName');
    return this.locked(scope, aliasName, async () => {
      const existing = await this.store.getAlias(scope, aliasName);
      if (!existing) throw new KmsError('Forbidden.AliasNotFound');
      await this.keys.resolve(access, existing.keyId);
      await this.store.deleteAlias(scope, aliasName);
    });
  }

  /** Check-then-write on one alias name, one at a time: two CreateAlias calls for a name cannot both succeed. */
  private locked<T>(scope: Scope, aliasName: string, task: () => Promise<T>): Promise<T> {
    return this.locks.run(aliasLock(scope, aliasName), task);
  }

  /** A page of the scope's aliases by name, or of one key's when `key` is given. */
  page(scope: Scope, key: Key | undefined, offset: number, limit: number): Promise<Page<Alias>> {
    return this.store.pageAliases(scope, key?.keyId, offset, limit);
  }
}
