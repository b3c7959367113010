/**
 * Keys and their versions: lookup by ID / alias / ARN, where every call that names a key is authorized
 * (authorization.ts), and the control-plane state changes (creation lives in key-creation.ts). Every change is built as a new record and stored whole; changes to one key are serialised by a
 * per-key lock so two concurrent requests cannot both act on the same old record.
 */
import { authorizeKey, type Access, type EncryptionContext } from './authorization';
import type { Clock } from './clock';
import { KmsError } from './errors';
import { keyArn, parseKeyArn } from './ids';
import { KeyCreation, type CreateKeyInput, type RestoreKeyInput } from './key-creation';
import { destroyQuietly, droppedMaterial, materialRefs, type Mode } from './key-material';
import { assertKeyState, type KeyOperation } from './key-state';
import { LIMITS } from './limits';
import { instanceLock, keyLock, type Locks } from './lock';
import { primaryVersion, type Key, type KeyVersion, type Scope } from './model';
import { parsePolicy } from './policy';
import type { CryptoBackend } from './ports/crypto-backend';
import type { KeyQuery, Page, Store } from './ports/store';
import { all } from './paging';
import type { InstanceService } from './instances';
import { rotationPolicyFor, type RotationRules } from './rotation';
import { SERVICE_ALIAS_PREFIX, ServiceKeys } from './service-keys';
import { isSymmetric, type InstanceKind } from './specs';

const DAY_MS = 86_400_000;
export { SERVICE_ALIAS_PREFIX };
export type { CreateKeyInput, RestoreKeyInput };

/** How a call uses the key it names: dry run or not, its encryption context, and whether a ciphertext named it. */
export interface KeyUse {
  readonly mode?: Mode;
  readonly context?: EncryptionContext;
  /** Named by the key ID inside a ciphertext, which stands for the key's ARN: the key may be another account's. */
  readonly ciphertext?: boolean;
}

export class KeyService {
  private readonly creation: KeyCreation;
  private readonly services: ServiceKeys;

  constructor(
    private readonly store: Store,
    private readonly crypto: CryptoBackend,
    private readonly clock: Clock,
    private readonly locks: Locks,
    private readonly instances: InstanceService,
    readonly rules: RotationRules,
  ) {
    this.creation = new KeyCreation(store, crypto, clock, locks, instances, rules);
    this.services = new ServiceKeys(
      store,
      clock,
      locks,
      (scope, input) => this.creation.create(scope, input),
      (scope, keyId) => this.find(scope, keyId),
    );
  }

  /** CreateKey: a new key of the caller's account (who may create keys was decided before: authorizeAccount). */
  async create(access: Access, input: CreateKeyInput): Promise<Key> {
    const key = await this.creation.create(access.scope, input);
    access.touched?.(keyArn(key.regionId, key.accountId, key.keyId));
    return key;
  }

  /**
   * The region's default CMK, ready to use: "provided by default … to use it, simply enable it" (the console's Default
   * Keys tab). Made when the region has none, enabled when it is Disabled; one per account and region.
   */
  async provideDefaultKey(scope: Scope): Promise<Key> {
    const existing = await this.findDefaultKey(scope);
    if (!existing) {
      try {
        return await this.creation.create(scope, { defaultKey: true, description: 'Default master key' });
      } catch (err) {
        // Made meanwhile by another request (the default-key lock decided): use that one.
        const made = await this.findDefaultKey(scope);
        if (!made) throw err;
        return made;
      }
    }
    return existing.keyState === 'Disabled' ? this.modify(existing.keyId, 'enable', (k) => ({ ...k, keyState: 'Enabled' })) : existing;
  }

  findDefaultKey = (scope: Scope): Promise<Key | undefined> => this.store.defaultKey(scope);

  /** A seed's key; undefined when a key with its ID exists already. */
  restore = (scope: Scope, input: RestoreKeyInput): Promise<Key | undefined> => this.creation.restore(scope, input);

  /** Key `k` with a fresh primary version (rotation). */
  addVersion = (k: Key, now?: number): Promise<Key> => this.creation.addVersion(k, now);

  /** The key `ref` names (key ID, `alias/…`, or key ARN) in `scope`, whatever its state: the emulator's own lookups. */
  find = async (scope: Scope, ref: string): Promise<Key> => this.locate(scope, ref, false);

  /**
   * The key a call names, whatever its state, once the caller may make the call on it (authorization.ts). A key ARN
   * may name another account's key in the region; only authorization decides whether that account's key may be used.
   */
  async resolve(access: Access, ref: string, use: KeyUse = {}): Promise<Key> {
    return this.admit(access, await this.locate(access.scope, ref, true, use.ciphertext), use.context);
  }

  /**
   * Resolve, then apply the key-state matrix row for `op`. Using `alias/acs/<product>` for cryptography provisions that
   * product's service key on first use, as a cloud product does the first time it encrypts for an account.
   */
  async resolveFor(access: Access, ref: string, op: KeyOperation, use: KeyUse = {}): Promise<Key> {
    const { scope } = access;
    const mode = use.mode ?? 'use';
    const service = op === 'useMaterial' && ref.startsWith(SERVICE_ALIAS_PREFIX) ? ref.slice(SERVICE_ALIAS_PREFIX.length) : undefined;
    const key =
      service === undefined
        ? await this.resolve(access, ref, use)
        : this.admit(
            access,
            await (mode === 'use' ? this.services.key(scope, service) : this.services.prospective(scope, service)),
            use.context,
            mode === 'use', // a dry run's prospective service key is no key anyone can name yet
          );
    assertKeyState(key, op);
    // Cryptographic calls against an instance's keys count against its Spec (QPS).
    if (op === 'useMaterial' && key.dkmsInstanceId) this.instances.throttle(await this.instances.get(key, key.dkmsInstanceId), mode);
    return key;
  }

  /**
   * The key `ref` names from `scope`: by ID or alias in the scope, by ARN in the scope's region (in another account
   * only when `foreign`), by the ID inside a ciphertext in the region (`ciphertext`).
   */
  private async locate(scope: Scope, ref: string, foreign: boolean, ciphertext = false): Promise<Key> {
    let keyId = ref;
    let owner: string | undefined = scope.accountId;
    if (ciphertext) owner = undefined;
    else if (ref.startsWith('alias/')) {
      const alias = await this.store.getAlias(scope, ref);
      if (!alias) throw new KmsError('Forbidden.AliasNotFound');
      keyId = alias.keyId;
    } else if (ref.startsWith('acs:')) {
      const arn = parseKeyArn(ref);
      if (!arn || arn.region !== scope.regionId || (arn.account !== scope.accountId && !foreign))
        throw new KmsError('Forbidden.KeyNotFound');
      [keyId, owner] = [arn.keyId, arn.account];
    }
    const key = await this.store.getKey(keyId);
    if (!key || key.regionId !== scope.regionId || (owner !== undefined && key.accountId !== owner))
      throw new KmsError('Forbidden.KeyNotFound');
    return key;
  }

  /** Reports the key to the call, then lets it through if the caller may make the call on it. */
  private admit(access: Access, key: Key, context?: EncryptionContext, report = true): Key {
    if (report) access.touched?.(keyArn(key.regionId, key.accountId, key.keyId));
    authorizeKey(access, key, context);
    return key;
  }

  /** A page of the scope's keys matching `query`, in listing order (creation time, then ID). */
  page(scope: Scope, query: KeyQuery, offset: number, limit: number): Promise<Page<Key>> {
    return this.store.pageKeys(scope, query, offset, limit);
  }

  /** The service key of `product` in `scope`, created (with its alias `alias/acs/<product>`) if it does not exist yet. */
  serviceKey = (scope: Scope, product: string): Promise<Key> => this.services.key(scope, product);

  /** Resolve `ref` for the call, then `modify` the key. */
  async update(access: Access, ref: string, op: KeyOperation, change: (key: Key) => Key | Promise<Key>): Promise<Key> {
    return this.modify((await this.resolve(access, ref)).keyId, op, change);
  }

  /** Check `op` against key `keyId` and store what `change` makes of it, holding the key's lock throughout. */
  modify(keyId: string, op: KeyOperation, change: (key: Key) => Key | Promise<Key>): Promise<Key> {
    return this.withLock(keyId, async () => {
      const key = await this.store.getKey(keyId);
      if (!key) throw new KmsError('Forbidden.KeyNotFound');
      assertKeyState(key, op);
      const next = await change(key);
      if (next === key) return next;
      await this.store.putKey(next);
      await destroyQuietly(this.crypto, droppedMaterial(key, next));
      return next;
    });
  }

  /** Runs `task` holding the key's lock: every read-modify-write of a key, and its final deletion, goes through here. */
  withLock<T>(keyId: string, task: () => Promise<T>): Promise<T> {
    return this.locks.run(keyLock(keyId), task);
  }

  enable = (access: Access, ref: string) => this.update(access, ref, 'enable', (k) => ({ ...k, keyState: 'Enabled' }));

  disable = (access: Access, ref: string) => this.update(access, ref, 'disable', (k) => ({ ...k, keyState: 'Disabled' }));

  updateDescription = (access: Access, ref: string, description: string) =>
    this.update(access, ref, 'updateDescription', (k) => {
      if (description.length > LIMITS.descriptionMaxLength) throw new KmsError('InvalidParameter', 'Description');
      return { ...k, description };
    });

  /**
   * SetKeyPolicy. A default key (the default CMK, a service key) cannot be shared, so it takes no policy. In an
   * instance, each account the instance's keys are shared with takes one unit of its VpcNum: decided under the
   * instance's lock, as key creation is.
   */
  async setPolicy(access: Access, ref: string, policy: string): Promise<Key> {
    const key = await this.resolve(access, ref);
    if (key.defaultKey) throw new KmsError('Forbidden.NoPermission', `Key ${key.keyId} is the default CMK: default keys cannot be shared.`);
    assertKeyState(key, 'setKeyPolicy'); // a service key's refusal comes before any complaint about the policy
    const { accounts } = parsePolicy(policy);
    const set = () =>
      this.modify(key.keyId, 'setKeyPolicy', async (k) => {
        if (k.dkmsInstanceId) await this.instances.assertSharingRoom(k, accounts);
        return { ...k, policy };
      });
    return key.dkmsInstanceId ? this.locks.run(instanceLock(key.dkmsInstanceId), set) : set();
  }

  scheduleDeletion(access: Access, ref: string, days: number) {
    return this.update(access, ref, 'scheduleDeletion', (k) => {
      if (k.deletionProtection) throw new KmsError('Rejected.DeletionProtection', k.deletionProtection.description || k.keyId);
      return { ...k, keyState: 'PendingDeletion', deleteAt: this.clock.now() + days * DAY_MS };
    });
  }

  /**
   * Cancelling returns the key to Enabled, whatever it was before (documented behaviour), except that a key whose
   * primary version has no material (EXTERNAL, never imported or material deleted) goes back to PendingImport:
   * an Enabled key must be usable.
   */
  cancelDeletion = (access: Access, ref: string) =>
    this.update(access, ref, 'cancelDeletion', ({ deleteAt: _, ...k }) => ({
      ...k,
      keyState: primaryVersion(k).material ? 'Enabled' : 'PendingImport',
    }));

  setDeletionProtection(access: Access, ref: string, enabled: boolean, description = '') {
    return this.update(access, ref, 'setDeletionProtection', ({ deletionProtection: _, ...k }) =>
      enabled ? { ...k, deletionProtection: { description } } : k,
    );
  }

  setRotationPolicy(access: Access, ref: string, enabled: boolean, intervalSeconds?: number) {
    return this.update(access, ref, 'updateRotationPolicy', (k) => ({
      ...k,
      rotation: rotationPolicyFor(k, enabled, intervalSeconds, this.rules),
    }));
  }

  setTags = (access: Access, ref: string, change: (tags: Record<string, string>) => Record<string, string>) =>
    this.update(access, ref, 'tag', (k) => ({ ...k, tags: change({ ...k.tags }) }));

  /** A new primary version with new material. Manual versions are for asymmetric keys only (CreateKeyVersion doc). */
  async createVersion(access: Access, ref: string): Promise<Key> {
    const key = await this.resolve(access, ref);
    const instance = key.dkmsInstanceId ? await this.instances.get(key, key.dkmsInstanceId) : undefined;
    const make = () =>
      this.modify(key.keyId, 'createKeyVersion', async (k) => {
        assertVersionable(k, instance?.kind);
        if (k.versions.length >= LIMITS.keyVersionsPerKey) throw new KmsError('Rejected.LimitExceeded', 'A key has at most 50 versions.');
        const lastManual = k.versions.filter((v) => v.manual).at(-1);
        if (lastManual && this.clock.now() - lastManual.createdAt < LIMITS.keyVersionMinIntervalSeconds * 1000)
          throw new KmsError('Rejected.LimitExceeded', 'A key gets at most one new version every 7 days.');
        if (instance) await this.instances.assertRoom(instance);
        return this.creation.addVersion(k, this.clock.now(), true);
      });
    // A version of an instance key takes one unit of KeyNum: decided under the instance's lock, as key creation is.
    return instance ? this.locks.run(instanceLock(instance.instanceId), make) : make();
  }

  /**
   * The end of a deletion window: the key, its aliases and its material are gone for good. Under the key's lock, and
   * only if `still` holds for the key as it is then: a CancelKeyDeletion that got in first keeps the key.
   */
  purge(keyId: string, still: (key: Key) => boolean): Promise<void> {
    return this.withLock(keyId, async () => {
      const key = await this.store.getKey(keyId);
      if (!key || !still(key)) return;
      for (const alias of await all((offset, limit) => this.store.pageAliases(key, keyId, offset, limit)))
        await this.store.deleteAlias(key, alias.aliasName);
      await this.store.deleteKey(keyId);
      await destroyQuietly(this.crypto, materialRefs(key));
    });
  }

  /** Every key of `scope` gone at once, whatever its state, with its aliases and material (the admin reset). */
  async purgeAll(scope: Scope): Promise<number> {
    const keys = await all((offset, limit) => this.store.pageKeys(scope, {}, offset, limit));
    for (const k of keys) await this.purge(k.keyId, () => true);
    return keys.length;
  }

  version(key: Key, keyVersionId: string): KeyVersion {
    const v = key.versions.find((x) => x.keyVersionId === keyVersionId);
    if (!v) throw new KmsError('Forbidden.KeyVersionNotFound');
    return v;
  }

  primary = primaryVersion;
}

/**
 * Who gets manual versions (CreateKeyVersion doc): symmetric keys in software KMS instances (the current reference) and
 * asymmetric keys (the earlier one). Symmetric keys elsewhere rotate automatically instead.
 */
function assertVersionable(k: Key, instanceKind: InstanceKind | undefined): void {
  if (isSymmetric(k.keySpec) && instanceKind !== 'software')
    throw new KmsError(
      'Rejected.UnsupportedOperation',
      'CreateKeyVersion takes symmetric keys of software KMS instances, or asymmetric keys',
    );
}
