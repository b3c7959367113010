/**
 * Keys and their versions: lookup by ID / alias / ARN, and the control-plane state changes (creation lives in
 * key-creation.ts). Every change is built as a new record and stored whole; changes to one key are serialised by a
 * per-key lock so two concurrent requests cannot both act on the same old record.
 */
import type { Clock } from './clock';
import { KmsError } from './errors';
import { parseKeyArn } from './ids';
import { KeyCreation, type CreateKeyInput, type RestoreKeyInput } from './key-creation';
import { destroyQuietly, droppedMaterial, materialRefs, type Mode } from './key-material';
import { assertKeyState, type KeyOperation } from './key-state';
import { LIMITS } from './limits';
import { aliasLock, instanceLock, keyLock, type Locks } from './lock';
import { primaryVersion, sameScope, type Key, type KeyVersion, type Scope } from './model';
import { validatePolicy } from './policy';
import type { CryptoBackend } from './ports/crypto-backend';
import type { Store } from './ports/store';
import type { InstanceService } from './instances';
import { rotationPolicyFor, type RotationRules } from './rotation';
import { isSymmetric, type InstanceKind } from './specs';

const DAY_MS = 86_400_000;
/** Service keys live under `alias/acs/<product>`; product codes are lower-case words (oss, ecs, rds, …). */
export const SERVICE_ALIAS_PREFIX = 'alias/acs/';
const SERVICE_PRODUCT = /^[a-z][a-z0-9_-]{0,63}$/;

export type { CreateKeyInput, RestoreKeyInput };

export interface KeyFilter {
  readonly field: 'KeyState' | 'KeySpec' | 'KeyUsage' | 'ProtectionLevel' | 'CreatorType' | 'DKMSInstanceId' | 'Creator';
  readonly values: readonly string[];
}

export class KeyService {
  private readonly creation: KeyCreation;

  constructor(
    private readonly store: Store,
    private readonly crypto: CryptoBackend,
    private readonly clock: Clock,
    private readonly locks: Locks,
    private readonly instances: InstanceService,
    readonly rules: RotationRules,
  ) {
    this.creation = new KeyCreation(store, crypto, clock, locks, instances, rules);
  }

  create = (scope: Scope, input: CreateKeyInput): Promise<Key> => this.creation.create(scope, input);

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
    return existing.keyState === 'Disabled' ? this.enable(scope, existing.keyId) : existing;
  }

  findDefaultKey = async (scope: Scope): Promise<Key | undefined> => (await this.store.listKeys(scope)).find((k) => k.defaultKey);

  /** A seed's key; undefined when a key with its ID exists already. */
  restore = (scope: Scope, input: RestoreKeyInput): Promise<Key | undefined> => this.creation.restore(scope, input);

  /** Key `k` with a fresh primary version (rotation). */
  addVersion = (k: Key, now?: number): Promise<Key> => this.creation.addVersion(k, now);

  /** The key `ref` names (key ID, `alias/…`, or key ARN) in `scope`, whatever its state. */
  async resolve(scope: Scope, ref: string): Promise<Key> {
    let keyId = ref;
    if (ref.startsWith('alias/')) {
      const alias = await this.store.getAlias(scope, ref);
      if (!alias) throw new KmsError('Forbidden.AliasNotFound');
      keyId = alias.keyId;
    } else if (ref.startsWith('acs:')) {
      const arn = parseKeyArn(ref);
      if (!arn || arn.region !== scope.regionId || arn.account !== scope.accountId) throw new KmsError('Forbidden.KeyNotFound');
      keyId = arn.keyId;
    }
    const key = await this.store.getKey(keyId);
    if (!key || !sameScope(key, scope)) throw new KmsError('Forbidden.KeyNotFound');
    return key;
  }

  /**
   * Resolve, then apply the key-state matrix row for `op`. Using `alias/acs/<product>` for cryptography provisions that
   * product's service key on first use, as a cloud product does the first time it encrypts for an account.
   */
  async resolveFor(scope: Scope, ref: string, op: KeyOperation, mode: Mode = 'use'): Promise<Key> {
    const service = op === 'useMaterial' && ref.startsWith(SERVICE_ALIAS_PREFIX) ? ref.slice(SERVICE_ALIAS_PREFIX.length) : undefined;
    const key =
      service === undefined
        ? await this.resolve(scope, ref)
        : mode === 'use'
          ? await this.serviceKey(scope, service)
          : await this.prospectiveServiceKey(scope, service);
    assertKeyState(key, op);
    // Cryptographic calls against an instance's keys count against its Spec (QPS).
    if (op === 'useMaterial' && key.dkmsInstanceId) this.instances.throttle(await this.instances.get(key, key.dkmsInstanceId), mode);
    return key;
  }

  async list(scope: Scope, filters: readonly KeyFilter[] = []): Promise<Key[]> {
    const keys = await this.store.listKeys(scope);
    return keys.filter((k) => filters.every((f) => f.values.includes(filterValue(k, f.field))));
  }

  /** The service key of `product` in `scope`, created (with its alias `alias/acs/<product>`) if it does not exist yet. */
  serviceKey(scope: Scope, product: string): Promise<Key> {
    if (!SERVICE_PRODUCT.test(product)) throw new KmsError('Forbidden.AliasNotFound');
    const aliasName = SERVICE_ALIAS_PREFIX + product;
    return this.locks.run(aliasLock(scope, aliasName), async () => {
      const existing = await this.store.getAlias(scope, aliasName);
      if (existing) return this.resolve(scope, existing.keyId);
      const key = await this.create(scope, {
        description: `Default key that protects ${product} data when no other key is defined`,
        creator: { name: product, type: 'Service' },
      });
      await this.store.putAlias({ ...scope, aliasName, keyId: key.keyId });
      return key;
    });
  }

  /**
   * A dry run's view of `alias/acs/<product>`: the service key if it exists, else the key its first use would make
   * (never stored: a dry run provisions nothing).
   */
  private async prospectiveServiceKey(scope: Scope, product: string): Promise<Key> {
    if (!SERVICE_PRODUCT.test(product)) throw new KmsError('Forbidden.AliasNotFound');
    const existing = await this.store.getAlias(scope, SERVICE_ALIAS_PREFIX + product);
    if (existing) return this.resolve(scope, existing.keyId);
    const now = this.clock.now();
    return {
      ...scope,
      keyId: `service-key-of-${product}`,
      description: '',
      keySpec: 'Aliyun_AES_256',
      keyUsage: 'ENCRYPT/DECRYPT',
      origin: 'Aliyun_KMS',
      protectionLevel: 'SOFTWARE',
      keyState: 'Enabled',
      creator: product,
      creatorType: 'Service',
      createdAt: now,
      rotation: { enabled: false },
      primaryKeyVersionId: 'prospective',
      versions: [{ keyVersionId: 'prospective', createdAt: now }],
      tags: {},
    };
  }

  /** Resolve `ref`, check `op`, and store what `change` makes of the key, holding the key's lock throughout. */
  async update(scope: Scope, ref: string, op: KeyOperation, change: (key: Key) => Key | Promise<Key>): Promise<Key> {
    const { keyId } = await this.resolve(scope, ref);
    return this.withLock(keyId, async () => {
      const key = await this.resolveFor(scope, keyId, op);
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

  enable = (scope: Scope, ref: string) => this.update(scope, ref, 'enable', (k) => ({ ...k, keyState: 'Enabled' }));

  disable = (scope: Scope, ref: string) => this.update(scope, ref, 'disable', (k) => ({ ...k, keyState: 'Disabled' }));

  updateDescription = (scope: Scope, ref: string, description: string) =>
    this.update(scope, ref, 'updateDescription', (k) => {
      if (description.length > LIMITS.descriptionMaxLength) throw new KmsError('InvalidParameter', 'Description');
      return { ...k, description };
    });

  setPolicy = (scope: Scope, ref: string, policy: string) =>
    this.update(scope, ref, 'setKeyPolicy', (k) => {
      validatePolicy(policy);
      return { ...k, policy };
    });

  scheduleDeletion(scope: Scope, ref: string, days: number) {
    return this.update(scope, ref, 'scheduleDeletion', (k) => {
      if (k.deletionProtection) throw new KmsError('Rejected.DeletionProtection', k.deletionProtection.description || k.keyId);
      return { ...k, keyState: 'PendingDeletion', deleteAt: this.clock.now() + days * DAY_MS };
    });
  }

  /**
   * Cancelling returns the key to Enabled, whatever it was before (documented behaviour), except that a key whose
   * primary version has no material (EXTERNAL, never imported or material deleted) goes back to PendingImport:
   * an Enabled key must be usable.
   */
  cancelDeletion = (scope: Scope, ref: string) =>
    this.update(scope, ref, 'cancelDeletion', ({ deleteAt: _, ...k }) => ({
      ...k,
      keyState: primaryVersion(k).material ? 'Enabled' : 'PendingImport',
    }));

  setDeletionProtection(scope: Scope, ref: string, enabled: boolean, description = '') {
    return this.update(scope, ref, 'setDeletionProtection', ({ deletionProtection: _, ...k }) =>
      enabled ? { ...k, deletionProtection: { description } } : k,
    );
  }

  setRotationPolicy(scope: Scope, ref: string, enabled: boolean, intervalSeconds?: number) {
    return this.update(scope, ref, 'updateRotationPolicy', (k) => ({
      ...k,
      rotation: rotationPolicyFor(k, enabled, intervalSeconds, this.rules),
    }));
  }

  setTags = (scope: Scope, ref: string, change: (tags: Record<string, string>) => Record<string, string>) =>
    this.update(scope, ref, 'tag', (k) => ({ ...k, tags: change({ ...k.tags }) }));

  /** A new primary version with new material. Manual versions are for asymmetric keys only (CreateKeyVersion doc). */
  async createVersion(scope: Scope, ref: string): Promise<Key> {
    const key = await this.resolve(scope, ref);
    const instance = key.dkmsInstanceId ? await this.instances.get(scope, key.dkmsInstanceId) : undefined;
    const make = () =>
      this.update(scope, key.keyId, 'createKeyVersion', async (k) => {
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
      for (const alias of await this.store.listAliases(key)) if (alias.keyId === keyId) await this.store.deleteAlias(key, alias.aliasName);
      await this.store.deleteKey(keyId);
      await destroyQuietly(this.crypto, materialRefs(key));
    });
  }

  /** Every key of `scope` gone at once, whatever its state, with its aliases and material (the admin reset). */
  async purgeAll(scope: Scope): Promise<number> {
    const keys = await this.store.listKeys(scope);
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

function filterValue(k: Key, field: KeyFilter['field']): string {
  switch (field) {
    case 'KeyState':
      return k.keyState;
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
