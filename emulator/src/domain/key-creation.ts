/**
 * How keys and key versions come to exist. CreateKey and a seed's keys (`restore`) go through the same plan: the
 * spec's usages and origins, the instance's kind, state and KeyNum, tags, description, policy and rotation rules.
 * A restored key differs only in what the seed fixes: its IDs, dates, state and, optionally, its material.
 */
import { destroyQuietly, materialHome } from './key-material';
import { KmsError, invalid } from './errors';
import type { Clock } from './clock';
import { newKeyId, newKeyVersionId } from './ids';
import type { InstanceService } from './instances';
import { LIMITS } from './limits';
import { defaultKeyLock, instanceLock, type Locks } from './lock';
import type { Instance, Key, KeyVersion, MaterialRef, Scope } from './model';
import { parsePolicy, type Policy } from './policy';
import { CryptoFailure, type CryptoBackend, type MaterialHome } from './ports/crypto-backend';
import type { Store } from './ports/store';
import { nextRotation, rotationPolicyFor, type RotationRules } from './rotation';
import {
  specOf,
  type CreatorType,
  type KeySpec,
  type KeyState,
  type KeyStorageMechanism,
  type KeyUsage,
  type Origin,
  type ProtectionLevel,
} from './specs';
import { validateTags } from './tags';

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
  /**
   * The region's default CMK, made on purpose (never by an ordinary CreateKey): an instance-less Aliyun_AES_256 key,
   * one per account and region.
   */
  defaultKey?: boolean;
}

/** A key as a seed declares it: CreateKey's input plus the facts a seed fixes. */
export interface RestoreKeyInput extends CreateKeyInput {
  keyId: string;
  createdAt?: number;
  state?: KeyState;
  /** Required with state PendingDeletion. */
  deleteAt?: number;
  /** Deletion protection on, with this description. */
  deletionProtection?: string;
  /** Oldest first; the last is the primary. Material: raw bytes (symmetric) or PKCS#8 DER (asymmetric). */
  versions?: readonly { keyVersionId?: string; createdAt?: number; material?: Buffer }[];
  lastRotatedAt?: number;
}

/** What CreateKey's parameters come to once checked: everything a new key record needs but its IDs and material. */
interface KeyPlan {
  keySpec: KeySpec;
  keyUsage: KeyUsage;
  origin: Origin;
  instance?: Instance;
  keyStorageMechanism?: KeyStorageMechanism;
  home: MaterialHome;
  creatorType: CreatorType;
  policy?: Policy;
}

export class KeyCreation {
  constructor(
    private readonly store: Store,
    private readonly crypto: CryptoBackend,
    private readonly clock: Clock,
    private readonly locks: Locks,
    private readonly instances: InstanceService,
    readonly rules: RotationRules,
  ) {}

  async create(scope: Scope, input: CreateKeyInput): Promise<Key> {
    const plan = await this.plan(scope, input);
    const now = this.clock.now();
    const material = plan.origin === 'EXTERNAL' ? undefined : await this.newMaterial(plan.keySpec, plan.home);
    const version: KeyVersion = { keyVersionId: newKeyVersionId(), createdAt: now, material };
    const key = (isDefault: boolean) =>
      this.build(scope, input, plan, isDefault, {
        keyId: newKeyId(scope.regionId),
        createdAt: now,
        state: plan.origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
        versions: [version],
        lastRotatedAt: now,
      });
    return this.storeNew(scope, plan, input.defaultKey ? 'yes' : 'no', key, [material]);
  }

  /** A seed's key, unless a key with its ID exists already (a restart never overwrites what happened since). */
  async restore(scope: Scope, input: RestoreKeyInput): Promise<Key | undefined> {
    if (await this.store.getKey(input.keyId)) return undefined;
    const plan = await this.plan(scope, input);
    const now = this.clock.now();
    const createdAt = input.createdAt ?? now;
    const declared = input.versions ?? [{}];
    if (declared.length > (plan.origin === 'EXTERNAL' ? 1 : LIMITS.keyVersionsPerKey)) throw invalid('versions');
    if (plan.home === 'hsm' && declared.some((v) => v.material))
      throw new KmsError('InvalidParameter', 'KeyStorageMechanism (material cannot be written into an HSM: use HsmEncryptedDatabase)');
    const made: MaterialRef[] = [];
    try {
      const versions: KeyVersion[] = [];
      for (const v of declared) {
        const material = v.material
          ? await this.adopt(plan.keySpec, v.material)
          : plan.origin === 'EXTERNAL'
            ? undefined
            : await this.newMaterial(plan.keySpec, plan.home);
        if (material) made.push(material);
        versions.push({ keyVersionId: v.keyVersionId ?? newKeyVersionId(), createdAt: v.createdAt ?? createdAt, material });
      }
      if (new Set(versions.map((v) => v.keyVersionId)).size !== versions.length) throw invalid('keyVersionId');
      const primary = versions[versions.length - 1];
      const state = input.state ?? (primary.material ? 'Enabled' : 'PendingImport');
      if ((state === 'PendingImport') !== (primary.material === undefined) && state !== 'PendingDeletion') throw invalid('state');
      if ((state === 'PendingDeletion') !== (input.deleteAt !== undefined)) throw invalid('deleteDate');
      const key = (isDefault: boolean) =>
        this.build(scope, input, plan, isDefault, {
          keyId: input.keyId,
          createdAt,
          state,
          deleteAt: input.deleteAt,
          deletionProtection: input.deletionProtection,
          versions,
          lastRotatedAt: input.lastRotatedAt ?? primary.createdAt,
        });
      return await this.storeNew(scope, plan, input.defaultKey ? 'yes' : 'no', key, []);
    } catch (err) {
      await destroyQuietly(this.crypto, made);
      throw err;
    }
  }

  /** Checks CreateKey's parameters against the spec registry and the instance the key goes into. */
  private async plan(scope: Scope, input: CreateKeyInput): Promise<KeyPlan> {
    const keySpec = input.keySpec ?? 'Aliyun_AES_256';
    const row = specOf(keySpec);
    const keyUsage = input.keyUsage ?? row.usages[0];
    if (!row.usages.includes(keyUsage)) throw invalid('KeyUsage');
    const origin = input.origin ?? 'Aliyun_KMS';
    if (origin === 'EXTERNAL' && !row.importable) throw new KmsError('Unsupported.Origin');
    if (input.description !== undefined && input.description.length > LIMITS.descriptionMaxLength) throw invalid('Description');
    const policy = input.policy === undefined ? undefined : parsePolicy(input.policy);
    validateTags({}, input.tags ?? {});
    const instance = input.dkmsInstanceId ? await this.instances.forNewKey(scope, input.dkmsInstanceId, keySpec) : undefined;
    const hardware = instance?.kind === 'hardware';
    const keyStorageMechanism = hardware ? (input.keyStorageMechanism ?? 'HsmInternal') : undefined;
    const home = materialHome({ hardware, keyStorageMechanism });
    return { keySpec, keyUsage, origin, instance, keyStorageMechanism, home, creatorType: input.creator?.type ?? 'User', policy };
  }

  /** The key record; rotation rules are checked on it, as UpdateRotationPolicy would. */
  private build(
    scope: Scope,
    input: CreateKeyInput,
    plan: KeyPlan,
    defaultKey: boolean,
    fixed: {
      keyId: string;
      createdAt: number;
      state: KeyState;
      deleteAt?: number;
      deletionProtection?: string;
      versions: KeyVersion[];
      lastRotatedAt: number;
    },
  ): Key {
    const { instance } = plan;
    const draft: Key = {
      ...scope,
      keyId: fixed.keyId,
      description: input.description ?? '',
      keySpec: plan.keySpec,
      keyUsage: plan.keyUsage,
      origin: plan.origin,
      // An instance decides the protection level and the request's value is ignored; a default key is always SOFTWARE.
      protectionLevel: instance
        ? instance.kind === 'hardware'
          ? 'HSM'
          : 'SOFTWARE'
        : defaultKey
          ? 'SOFTWARE'
          : (input.protectionLevel ?? 'SOFTWARE'),
      keyState: fixed.state,
      ...(fixed.deleteAt !== undefined && { deleteAt: fixed.deleteAt }),
      ...(fixed.deletionProtection !== undefined && { deletionProtection: { description: fixed.deletionProtection } }),
      creator: input.creator?.name ?? scope.accountId,
      creatorType: plan.creatorType,
      createdAt: fixed.createdAt,
      dkmsInstanceId: instance?.instanceId,
      keyStorageMechanism: plan.keyStorageMechanism,
      ...(defaultKey && { defaultKey: true as const }),
      policy: input.policy,
      rotation: { enabled: false, lastRotatedAt: fixed.lastRotatedAt },
      primaryKeyVersionId: fixed.versions[fixed.versions.length - 1].keyVersionId,
      versions: fixed.versions,
      tags: { ...(input.tags ?? {}) },
    };
    return input.enableAutomaticRotation
      ? { ...draft, rotation: rotationPolicyFor(draft, true, input.rotationIntervalSeconds, this.rules) }
      : draft;
  }

  /**
   * Stores the key built by `make` under the lock its check-then-write needs: the instance's (KeyNum) or, for the
   * default CMK, the region's default-key lock (one per account and region). Material made for a key that is then
   * refused is destroyed, so an HSM keeps no orphan object.
   */
  private async storeNew(
    scope: Scope,
    plan: KeyPlan,
    defaultKey: 'no' | 'yes',
    make: (isDefault: boolean) => Key,
    made: readonly (MaterialRef | undefined)[],
  ): Promise<Key> {
    const isDefault = defaultKey === 'yes';
    if (isDefault && (plan.instance || plan.keySpec !== 'Aliyun_AES_256' || plan.creatorType !== 'User'))
      throw new KmsError('InvalidParameter', 'defaultKey (the default CMK is an Aliyun_AES_256 key outside any instance)');
    if (isDefault && plan.policy !== undefined) throw new KmsError('InvalidParameter', 'policy (default keys cannot be shared)');
    const lock = plan.instance ? instanceLock(plan.instance.instanceId) : isDefault ? defaultKeyLock(scope) : undefined;
    const put = async () => {
      if (plan.instance) await this.instances.assertRoom(plan.instance);
      if (isDefault && (await this.store.defaultKey(scope)))
        throw new KmsError('InvalidParameter', `defaultKey (${scope.regionId} has a default CMK already)`);
      const key = make(isDefault);
      if (plan.instance && plan.policy) await this.instances.assertSharingRoom(key, plan.policy.accounts);
      await this.store.putKey(key);
      return key;
    };
    try {
      return await (lock ? this.locks.run(lock, put) : put());
    } catch (err) {
      await destroyQuietly(
        this.crypto,
        made.filter((m): m is MaterialRef => m !== undefined),
      );
      throw err;
    }
  }

  /** Key `k` with a fresh primary version made at `now` (rotation, or CreateKeyVersion when `manual`). */
  async addVersion(k: Key, now = this.clock.now(), manual = false): Promise<Key> {
    const version: KeyVersion = {
      keyVersionId: newKeyVersionId(),
      createdAt: now,
      material: await this.newMaterial(k.keySpec, materialHome(k)),
      ...(manual && { manual: true as const }),
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
  private async newMaterial(spec: KeySpec, home: MaterialHome): Promise<MaterialRef> {
    try {
      return await this.crypto.generate(spec, home);
    } catch (err) {
      if (err instanceof CryptoFailure && err.kind === 'unsupported') throw new KmsError('Unsupported.KeySpec', `${spec} (${err.message})`);
      throw err;
    }
  }

  /** Seeded material: it must be a key of the spec. */
  private async adopt(spec: KeySpec, material: Buffer): Promise<MaterialRef> {
    try {
      return await this.crypto.adopt(spec, material);
    } catch (err) {
      if (err instanceof CryptoFailure) throw new KmsError('InvalidKeyMaterial', `${spec}: ${err.message}`);
      throw err;
    }
  }
}
