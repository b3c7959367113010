/**
 * Keys and their versions: creation, lookup by ID / alias / ARN, and the control-plane state changes.
 * Every change is built as a new record and stored whole; changes to one key are serialised by a per-key lock so
 * two concurrent requests cannot both act on the same old record.
 */
import type { CryptoBackend } from '../crypto/backend';
import type { Store } from '../store/store';
import type { Clock } from './clock';
import { KmsError, invalid } from './errors';
import { keyArn, newKeyId, newKeyVersionId, parseKeyArn } from './ids';
import { assertKeyState, type KeyOperation } from './key-state';
import { LIMITS } from './limits';
import { KeyedLock } from './lock';
import { primaryVersion, sameScope, type Key, type KeyVersion, type Scope } from './model';
import { nextRotation, rotationPolicyFor } from './rotation';
import {
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
  private readonly lock = new KeyedLock();

  constructor(
    private readonly store: Store,
    private readonly crypto: CryptoBackend,
    private readonly clock: Clock,
    /** Checks that a DKMSInstanceId names an instance the key may live in (the instances issue plugs in here). */
    private readonly instanceExists: (scope: Scope, instanceId: string) => Promise<boolean> = async () => false,
  ) {}

  async create(scope: Scope, input: CreateKeyInput): Promise<Key> {
    const keySpec = input.keySpec ?? 'Aliyun_AES_256';
    const info = SPECS[keySpec];
    const keyUsage = input.keyUsage ?? info.usages[0];
    if (!(info.usages as readonly string[]).includes(keyUsage)) throw invalid('KeyUsage');
    const origin = input.origin ?? 'Aliyun_KMS';
    if (origin === 'EXTERNAL' && info.kind !== 'symmetric') throw new KmsError('Unsupported.Origin');
    if (input.dkmsInstanceId && !(await this.instanceExists(scope, input.dkmsInstanceId)))
      throw new KmsError('Forbidden.KmsInstanceNotFound', input.dkmsInstanceId);
    const now = this.clock.now();
    const keyId = newKeyId(scope.regionId);
    const version: KeyVersion = {
      keyVersionId: newKeyVersionId(),
      createdAt: now,
      material: origin === 'EXTERNAL' ? undefined : await this.crypto.generate(keySpec),
    };
    const draft: Key = {
      ...scope,
      keyId,
      description: input.description ?? '',
      keySpec,
      keyUsage,
      origin,
      protectionLevel: input.protectionLevel ?? 'SOFTWARE',
      keyState: origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
      creator: input.creator?.name ?? scope.accountId,
      creatorType: input.creator?.type ?? 'User',
      createdAt: now,
      dkmsInstanceId: input.dkmsInstanceId,
      keyStorageMechanism: input.keyStorageMechanism,
      policy: input.policy,
      rotation: { enabled: false, lastRotatedAt: now },
      primaryKeyVersionId: version.keyVersionId,
      versions: [version],
      tags: validateTags({}, input.tags ?? {}),
    };
    const key = input.enableAutomaticRotation
      ? { ...draft, rotation: rotationPolicyFor(draft, true, input.rotationIntervalSeconds) }
      : draft;
    await this.store.putKey(key);
    return key;
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

  /** Resolve, then apply the key-state matrix row for `op`. */
  async resolveFor(scope: Scope, ref: string, op: KeyOperation): Promise<Key> {
    const key = await this.resolve(scope, ref);
    assertKeyState(key, op);
    return key;
  }

  async list(scope: Scope, filters: readonly KeyFilter[] = []): Promise<Key[]> {
    const keys = await this.store.listKeys(scope);
    return keys.filter((k) => filters.every((f) => f.values.includes(filterValue(k, f.field))));
  }

  /** Resolve `ref`, check `op`, and store what `change` makes of the key, holding the key's lock throughout. */
  async update(scope: Scope, ref: string, op: KeyOperation, change: (key: Key) => Key | Promise<Key>): Promise<Key> {
    const { keyId } = await this.resolve(scope, ref);
    return this.lock.run(keyId, async () => {
      const key = await this.resolveFor(scope, keyId, op);
      const next = await change(key);
      if (next !== key) await this.store.putKey(next);
      return next;
    });
  }

  enable = (scope: Scope, ref: string) => this.update(scope, ref, 'enable', (k) => ({ ...k, keyState: 'Enabled' }));

  disable = (scope: Scope, ref: string) => this.update(scope, ref, 'disable', (k) => ({ ...k, keyState: 'Disabled' }));

  updateDescription = (scope: Scope, ref: string, description: string) =>
    this.update(scope, ref, 'read', (k) => ({ ...k, description }));

  scheduleDeletion(scope: Scope, ref: string, days: number) {
    return this.update(scope, ref, 'scheduleDeletion', (k) => {
      if (k.deletionProtection) throw new KmsError('Rejected.DeletionProtection', k.deletionProtection.description || k.keyId);
      return { ...k, keyState: 'PendingDeletion', deleteAt: this.clock.now() + days * DAY_MS };
    });
  }

  /** Cancelling returns the key to Enabled, whatever it was before (documented behaviour). */
  cancelDeletion = (scope: Scope, ref: string) =>
    this.update(scope, ref, 'cancelDeletion', ({ deleteAt: _, ...k }) => ({ ...k, keyState: 'Enabled' }));

  setDeletionProtection(scope: Scope, ref: string, enabled: boolean, description = '') {
    return this.update(scope, ref, 'setDeletionProtection', ({ deletionProtection: _, ...k }) =>
      enabled ? { ...k, deletionProtection: { description } } : k,
    );
  }

  setRotationPolicy(scope: Scope, ref: string, enabled: boolean, intervalSeconds?: number) {
    return this.update(scope, ref, 'updateRotationPolicy', (k) => ({ ...k, rotation: rotationPolicyFor(k, enabled, intervalSeconds) }));
  }

  setTags = (scope: Scope, ref: string, change: (tags: Record<string, string>) => Record<string, string>) =>
    this.update(scope, ref, 'read', (k) => ({ ...k, tags: change({ ...k.tags }) }));

  /** A new primary version with new material. Manual versions are for asymmetric keys only (CreateKeyVersion doc). */
  createVersion(scope: Scope, ref: string): Promise<Key> {
    return this.update(scope, ref, 'createKeyVersion', async (k) => {
      if (SPECS[k.keySpec].kind === 'symmetric') throw new KmsError('Rejected.UnsupportedOperation', 'CreateKeyVersion needs an asymmetric key');
      if (k.versions.length >= LIMITS.keyVersionsPerKey) throw new KmsError('Rejected.LimitExceeded');
      const newest = k.versions[k.versions.length - 1];
      if (this.clock.now() - newest.createdAt < LIMITS.keyVersionMinIntervalSeconds * 1000)
        throw new KmsError('Rejected.LimitExceeded', 'A key gets at most one new version every 7 days.');
      return this.addVersion(k);
    });
  }

  /** Key `k` with a fresh primary version made at `now` (shared by CreateKeyVersion and rotation). */
  async addVersion(k: Key, now = this.clock.now()): Promise<Key> {
    const version: KeyVersion = { keyVersionId: newKeyVersionId(), createdAt: now, material: await this.crypto.generate(k.keySpec) };
    const rotation = { ...k.rotation, lastRotatedAt: now };
    return {
      ...k,
      versions: [...k.versions, version],
      primaryKeyVersionId: version.keyVersionId,
      rotation: rotation.enabled ? { ...rotation, nextRotationAt: nextRotation(rotation, now) } : rotation,
    };
  }

  version(key: Key, keyVersionId: string): KeyVersion {
    const v = key.versions.find((x) => x.keyVersionId === keyVersionId);
    if (!v) throw new KmsError('Forbidden.KeyVersionNotFound');
    return v;
  }

  arn = (key: Key) => keyArn(key.regionId, key.accountId, key.keyId);
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
