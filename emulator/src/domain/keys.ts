/**
 * Keys and their versions: creation, lookup by ID / alias / ARN, and the control-plane state changes.
 * Every change is built as a new record and stored whole; changes to one key are serialised by a per-key lock so
 * two concurrent requests cannot both act on the same old record.
 */
import { CryptoFailure, type CryptoBackend, type MaterialHome } from '../crypto/backend';
import { destroyQuietly, droppedMaterial, materialHome } from './key-material';
import type { Store } from '../store/store';
import type { Clock } from './clock';
import { KmsError, invalid } from './errors';
import { newKeyId, newKeyVersionId, parseKeyArn } from './ids';
import { assertKeyState, type KeyOperation } from './key-state';
import { LIMITS } from './limits';
import { aliasLock, defaultKeyLock, instanceLock, keyLock, type Locks } from './lock';
import { primaryVersion, sameScope, type Key, type KeyVersion, type Scope } from './model';
import type { InstanceService } from './instances';
import { nextRotation, rotationPolicyFor, type RotationRules } from './rotation';
import {
  isSymmetric,
  SPECS,
  type CreatorType,
  type KeySpec,
  type KeyStorageMechanism,
  type KeyUsage,
  type Origin,
  type ProtectionLevel,
} from './specs';
import { validateTags } from './tags';

const DAY_MS = 86_400_000;
/** Service keys live under `alias/acs/<product>`; product codes are lower-case words (oss, ecs, rds, …). */
export const SERVICE_ALIAS_PREFIX = 'alias/acs/';
const SERVICE_PRODUCT = /^[a-z][a-z0-9_-]{0,63}$/;

export interface CreateKeyInput {
  keySpec?: KeySpec;
  keyUsage?: KeyUsage;
  origin?: Origin;
  protectionLevel?: ProtectionLevel;
  description?: string;
  dkmsInstanceId?: string;
  keyStorageMechanism?: KeyStorageMechanism;
  enableAutomaticRotation?: boolean;
  rotationIntervalSeconds?: number;
  policy?: string;
  tags?: Record<string, string>;
  /** Service keys are created by a product, not by the account. */
  creator?: { name: string; type: CreatorType };
}

export interface KeyFilter {
  readonly field: 'KeyState' | 'KeySpec' | 'KeyUsage' | 'ProtectionLevel' | 'CreatorType' | 'DKMSInstanceId' | 'Creator';
  readonly values: readonly string[];
}

export class KeyService {
  constructor(
    private readonly store: Store,
    private readonly crypto: CryptoBackend,
    private readonly clock: Clock,
    private readonly locks: Locks,
    private readonly instances: InstanceService,
    readonly policy: RotationRules,
  ) {}

  async create(scope: Scope, input: CreateKeyInput): Promise<Key> {
    const keySpec = input.keySpec ?? 'Aliyun_AES_256';
    const info = SPECS[keySpec];
    const keyUsage = input.keyUsage ?? info.usages[0];
    if (!(info.usages as readonly string[]).includes(keyUsage)) throw invalid('KeyUsage');
    const origin = input.origin ?? 'Aliyun_KMS';
    if (origin === 'EXTERNAL' && info.kind !== 'symmetric') throw new KmsError('Unsupported.Origin');
    const instance = input.dkmsInstanceId ? await this.instances.forNewKey(scope, input.dkmsInstanceId, keySpec) : undefined;
    const hardware = instance?.kind === 'hardware';
    const keyStorageMechanism = hardware ? (input.keyStorageMechanism ?? 'HsmInternal') : undefined;
    const now = this.clock.now();
    const keyId = newKeyId(scope.regionId);
    const version: KeyVersion = {
      keyVersionId: newKeyVersionId(),
      createdAt: now,
      material: origin === 'EXTERNAL' ? undefined : await this.newMaterial(keySpec, materialHome({ hardware, keyStorageMechanism })),
    };
    const creatorType = input.creator?.type ?? 'User';
    // The first instance-less AES-256 user key of an account and region is its default CMK (kms-openapi.md §3.9).
    const mayBeDefault = !instance && creatorType === 'User' && keySpec === 'Aliyun_AES_256';
    // KeyNum and "the first default key" are check-then-write: decided and stored under one lock.
    const lock = instance ? instanceLock(instance.instanceId) : mayBeDefault ? defaultKeyLock(scope) : undefined;
    const store = async () => {
      if (instance) await this.instances.assertRoom(instance);
      const defaultKey = mayBeDefault && !(await this.store.listKeys(scope)).some((k) => k.defaultKey);
      const draft: Key = {
        ...scope,
        keyId,
        description: input.description ?? '',
        keySpec,
        keyUsage,
        origin,
        // An instance decides the protection level and the request's value is ignored; a default key is always SOFTWARE.
        protectionLevel: instance ? (hardware ? 'HSM' : 'SOFTWARE') : defaultKey ? 'SOFTWARE' : (input.protectionLevel ?? 'SOFTWARE'),
        keyState: origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
        creator: input.creator?.name ?? scope.accountId,
        creatorType,
        createdAt: now,
        dkmsInstanceId: instance?.instanceId,
        keyStorageMechanism,
        ...(defaultKey && { defaultKey: true as const }),
        policy: input.policy,
        rotation: { enabled: false, lastRotatedAt: now },
        primaryKeyVersionId: version.keyVersionId,
        versions: [version],
        tags: validateTags({}, input.tags ?? {}),
      };
      const key = input.enableAutomaticRotation
        ? { ...draft, rotation: rotationPolicyFor(draft, true, input.rotationIntervalSeconds, this.policy) }
        : draft;
      await this.store.putKey(key);
      return key;
    };
    try {
      return await (lock ? this.locks.run(lock, store) : store());
    } catch (err) {
      // Refused after the material was made (quota, rotation rules): an HSM must not keep an orphan object.
      if (version.material) await destroyQuietly(this.crypto, [version.material]);
      throw err;
    }
  }

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
  async resolveFor(scope: Scope, ref: string, op: KeyOperation): Promise<Key> {
    const key =
      op === 'useMaterial' && ref.startsWith(SERVICE_ALIAS_PREFIX)
        ? await this.serviceKey(scope, ref.slice(SERVICE_ALIAS_PREFIX.length))
        : await this.resolve(scope, ref);
    assertKeyState(key, op);
    // Cryptographic calls against an instance's keys count against its Spec (QPS).
    if (op === 'useMaterial' && key.dkmsInstanceId) this.instances.throttle(await this.instances.get(key, key.dkmsInstanceId));
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
    this.update(scope, ref, 'updateDescription', (k) => ({ ...k, description }));

  scheduleDeletion(scope: Scope, ref: string, days: number) {
    return this.update(scope, ref, 'scheduleDeletion', (k) => {
      if (k.deletionProtection) throw new KmsError('Rejected.DeletionProtection', k.deletionProtection.description || k.keyId);
      if (k.defaultKey) throw new KmsError('Forbidden.NoPermission', 'The default key of a region cannot be deleted.');
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
      rotation: rotationPolicyFor(k, enabled, intervalSeconds, this.policy),
    }));
  }

  setTags = (scope: Scope, ref: string, change: (tags: Record<string, string>) => Record<string, string>) =>
    this.update(scope, ref, 'tag', (k) => ({ ...k, tags: change({ ...k.tags }) }));

  /** A new primary version with new material. Manual versions are for asymmetric keys only (CreateKeyVersion doc). */
  createVersion(scope: Scope, ref: string): Promise<Key> {
    return this.update(scope, ref, 'createKeyVersion', async (k) => {
      if (isSymmetric(k.keySpec)) throw new KmsError('Rejected.UnsupportedOperation', 'CreateKeyVersion needs an asymmetric key');
      if (k.versions.length >= LIMITS.keyVersionsPerKey) throw new KmsError('Rejected.LimitExceeded');
      const newest = k.versions[k.versions.length - 1];
      if (this.clock.now() - newest.createdAt < LIMITS.keyVersionMinIntervalSeconds * 1000)
        throw new KmsError('Rejected.LimitExceeded', 'A key gets at most one new version every 7 days.');
      return this.addVersion(k);
    });
  }

  /** Key `k` with a fresh primary version made at `now` (shared by CreateKeyVersion and rotation). */
  async addVersion(k: Key, now = this.clock.now()): Promise<Key> {
    const version: KeyVersion = {
      keyVersionId: newKeyVersionId(),
      createdAt: now,
      material: await this.newMaterial(k.keySpec, materialHome(k)),
    };
    const rotation = { ...k.rotation, lastRotatedAt: now };
    return {
      ...k,
      versions: [...k.versions, version],
      primaryKeyVersionId: version.keyVersionId,
      rotation: rotation.enabled ? { ...rotation, nextRotationAt: nextRotation(rotation, now) } : rotation,
    };
  }

  /** Material from the backend; an HSM without the spec's mechanisms (SoftHSM2 has no SM2/SM4) refuses the spec. */
  private async newMaterial(spec: KeySpec, home: MaterialHome) {
    try {
      return await this.crypto.generate(spec, home);
    } catch (err) {
      if (err instanceof CryptoFailure && err.kind === 'unsupported') throw new KmsError('Unsupported.KeySpec', `${spec} (${err.message})`);
      throw err;
    }
  }

  version(key: Key, keyVersionId: string): KeyVersion {
    const v = key.versions.find((x) => x.keyVersionId === keyVersionId);
    if (!v) throw new KmsError('Forbidden.KeyVersionNotFound');
    return v;
  }

  primary = primaryVersion;
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
