/**
 * KMS instances (KMS 3.0, kms-openapi.md §3.8): bought through BSS, connected to a VPC, then home to keys.
 * An instance's kind sets its keys' protection level and allowed specs; KeyNum caps its keys; Spec caps the
 * cryptographic requests per second against its keys.
 *
 * Our documented choices (the reference leaves them open): ProductVersion "3"/"software"/"software-small" buy a
 * software instance and "5"/"hardware"/"hardware-small" a hardware one; connecting takes `connectDelayMs` of emulator
 * time (default 1 s); an instance may be released once none of its keys is alive (keys pending deletion go with it).
 */
import type { Store } from '../store/store';
import type { Clock } from './clock';
import { KmsError, invalid } from './errors';
import { randomToken, regionCode } from './ids';
import { instanceLock, purchaseLock, type Locks } from './lock';
import type { ChargeType, Instance, InstanceKind, Key, Scope } from './model';
import type { KeySpec } from './specs';

export const INSTANCE_KINDS: Record<string, InstanceKind> = {
  '3': 'software',
  software: 'software',
  'software-small': 'software',
  '5': 'hardware',
  hardware: 'hardware',
  'hardware-small': 'hardware',
};

/** Key specs each kind of instance can hold (AES-128/192 only in HSMs: our reading of the key-spec table). */
export const INSTANCE_SPECS: Record<InstanceKind, readonly KeySpec[]> = {
  software: ['Aliyun_AES_256', 'Aliyun_SM4', 'RSA_2048', 'RSA_3072', 'EC_P256', 'EC_P256K', 'EC_SM2'],
  hardware: ['Aliyun_AES_256', 'Aliyun_AES_192', 'Aliyun_AES_128', 'Aliyun_SM4', 'RSA_2048', 'RSA_3072', 'EC_P256', 'EC_P256K', 'EC_SM2'],
};

export const INSTANCE_LIMITS = {
  specs: [200, 1000, 2000, 4000, 10000, 20000],
  keyNum: { min: 100, max: 100_000 },
  secretNum: { min: 0, max: 100_000 },
  vpcNum: { min: 0, max: 10_000 },
  logStorage: { min: 0, max: 500_000 },
  periodMonths: [1, 2, 3, 6, 12, 24, 36],
} as const;

export type InstanceStatus = 'Uninitialized' | 'Connecting' | 'Connected';

export interface Capacity {
  spec: number;
  keyNum: number;
  secretNum: number;
  vpcNum: number;
  log: boolean;
  logStorage: number;
}

export interface Purchase extends Capacity {
  productVersion: string;
  productType: string;
  chargeType: ChargeType;
  periodMonths?: number;
  renewal?: Instance['renewal'];
  clientToken?: string;
}

const MONTH_MS = 30 * 86_400_000;

export function assertCapacity(c: Capacity): void {
  if (!(INSTANCE_LIMITS.specs as readonly number[]).includes(c.spec)) throw invalid('Spec');
  const inRange = (v: number, r: { min: number; max: number }) => Number.isInteger(v) && v >= r.min && v <= r.max;
  if (!inRange(c.keyNum, INSTANCE_LIMITS.keyNum)) throw invalid('KeyNum');
  if (!inRange(c.secretNum, INSTANCE_LIMITS.secretNum)) throw invalid('SecretNum');
  if (!inRange(c.vpcNum, INSTANCE_LIMITS.vpcNum)) throw invalid('VpcNum');
  if (!inRange(c.logStorage, INSTANCE_LIMITS.logStorage)) throw invalid('LogStorage');
}

export class InstanceService {
  /** Requests counted per instance in the current one-second window (real time: QPS is a wall-clock limit). */
  private readonly windows = new Map<string, { second: number; count: number }>();
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly locks: Locks,
    readonly options: { connectDelayMs: number; throttling: boolean; realNow?: () => number },
  ) {}

  status(instance: Instance): InstanceStatus {
    if (!instance.connection) return 'Uninitialized';
    return this.clock.now() < instance.connection.connectedAt ? 'Connecting' : 'Connected';
  }

  /** BSS CreateInstance. A retry with the same ClientToken (under its lock) returns the instance the first one bought. */
  purchase(scope: Scope, p: Purchase): Promise<Instance> {
    if (!p.clientToken) return this.buy(scope, p);
    const token = p.clientToken;
    return this.locks.run(purchaseLock(scope, token), async () => {
      const earlier = (await this.store.listInstances(scope)).find((i) => i.clientToken === token);
      return earlier ?? this.buy(scope, p);
    });
  }

  private async buy(scope: Scope, p: Purchase): Promise<Instance> {
    const kind = INSTANCE_KINDS[p.productVersion];
    if (!kind) throw invalid('ProductVersion');
    assertCapacity(p);
    const months = p.periodMonths ?? 1;
    if (p.chargeType === 'PREPAY' && !(INSTANCE_LIMITS.periodMonths as readonly number[]).includes(months)) throw invalid('Period');
    const now = this.clock.now();
    const instanceId = `kst-${regionCode(scope.regionId)}${randomToken(21)}`;
    const instance: Instance = {
      ...scope,
      instanceId,
      instanceName: instanceId,
      kind,
      productVersion: p.productVersion,
      productType: p.productType,
      chargeType: p.chargeType,
      spec: p.spec,
      keyNum: p.keyNum,
      secretNum: p.secretNum,
      vpcNum: p.vpcNum,
      log: p.log,
      logStorage: p.logStorage,
      createdAt: now,
      endsAt: p.chargeType === 'PREPAY' ? now + months * MONTH_MS : undefined,
      renewal: p.renewal ?? { status: 'ManualRenewal', period: 1, unit: 'M' },
      bindVpcs: [],
      tags: {},
      clientToken: p.clientToken,
    };
    await this.store.putInstance(instance);
    return instance;
  }

  async get(scope: Scope, instanceId: string): Promise<Instance> {
    const instance = await this.store.getInstance(instanceId);
    if (!instance || instance.accountId !== scope.accountId || instance.regionId !== scope.regionId)
      throw new KmsError('Forbidden.KmsInstanceNotFound', instanceId);
    return instance;
  }

  list = (scope: Scope) => this.store.listInstances(scope);

  /** Read-modify-write of one instance, one at a time per instance, so concurrent changes cannot undo each other. */
  update(scope: Scope, instanceId: string, change: (i: Instance) => Instance): Promise<Instance> {
    return this.locks.run(instanceLock(instanceId), async () => {
      const next = change(await this.get(scope, instanceId));
      await this.store.putInstance(next);
      return next;
    });
  }

  connect(scope: Scope, instanceId: string, vpcId: string, zoneIds: string[], vswitchIds: string[]) {
    return this.update(scope, instanceId, (i) => {
      if (i.connection) throw new KmsError('Forbidden.DKMSInstanceStateInvalid', `${instanceId} is already ${this.status(i)}`);
      return { ...i, connection: { vpcId, zoneIds, vswitchIds, connectedAt: this.clock.now() + this.options.connectDelayMs } };
    });
  }

  /** BSS ModifyInstance: capacity only grows. */
  upgrade(scope: Scope, instanceId: string, to: Partial<Capacity>) {
    return this.update(scope, instanceId, (i) => {
      const next = { ...i, ...to };
      assertCapacity(next);
      for (const field of ['spec', 'keyNum', 'secretNum', 'vpcNum', 'logStorage'] as const)
        if (next[field] < i[field]) throw new KmsError('InvalidParameter', field.charAt(0).toUpperCase() + field.slice(1));
      return next;
    });
  }

  /** The instance a new key may go into: it must be Connected and below its KeyNum. */
  async forNewKey(scope: Scope, instanceId: string, keySpec: KeySpec): Promise<Instance> {
    const instance = await this.get(scope, instanceId);
    if (this.status(instance) !== 'Connected')
      throw new KmsError('Forbidden.DKMSInstanceStateInvalid', `${instanceId} is ${this.status(instance)}`);
    if (!INSTANCE_SPECS[instance.kind].includes(keySpec))
      throw new KmsError('Unsupported.KeySpec', `${keySpec} (${instance.kind} instance)`);
    await this.assertRoom(instance);
    return instance;
  }

  /** Refuses a key beyond the instance's KeyNum (KeyService checks again under the instance's lock before storing). */
  async assertRoom(instance: Instance): Promise<void> {
    if ((await this.keysOf(instance)).length >= instance.keyNum)
      throw new KmsError('Rejected.LimitExceeded', `Instance ${instance.instanceId} holds its KeyNum of ${instance.keyNum} keys.`);
  }

  async keysOf(instance: Instance): Promise<Key[]> {
    return (await this.store.listKeys(instance)).filter((k) => k.dkmsInstanceId === instance.instanceId);
  }

  /** Release (pay-as-you-go) or refund (subscription): refused under deletion protection or while keys are alive. */
  remove(scope: Scope, instanceId: string, how: 'release' | 'refund', purgeKey: (k: Key) => Promise<void>): Promise<void> {
    // Under the instance's lock, which CreateKey takes too: no key can arrive while the instance goes.
    return this.locks.run(instanceLock(instanceId), () => this.removeLocked(scope, instanceId, how, purgeKey));
  }

  private async removeLocked(scope: Scope, instanceId: string, how: 'release' | 'refund', purgeKey: (k: Key) => Promise<void>) {
    const instance = await this.get(scope, instanceId);
    if (how === 'release' && instance.chargeType !== 'POSTPAY')
      throw new KmsError('Rejected.UnsupportedOperation', 'only pay-as-you-go instances are released; refund a subscription');
    if (how === 'refund' && instance.chargeType !== 'PREPAY')
      throw new KmsError('Rejected.UnsupportedOperation', 'only subscription instances are refunded; release a pay-as-you-go one');
    if (instance.deletionProtection)
      throw new KmsError('Rejected.DeletionProtection', instance.deletionProtection.description || instanceId);
    const keys = await this.keysOf(instance);
    if (keys.some((k) => k.keyState !== 'PendingDeletion'))
      throw new KmsError('Rejected.UnsupportedOperation', `instance ${instanceId} still holds keys; schedule their deletion first`);
    for (const k of keys) await purgeKey(k);
    await this.store.deleteInstance(instanceId);
    this.windows.delete(instanceId);
  }

  /** Counts one cryptographic request against the instance's Spec (QPS); throws Rejected.Throttling past it. */
  throttle(instance: Instance): void {
    if (!this.options.throttling) return;
    const second = Math.floor((this.options.realNow ?? Date.now)() / 1000);
    const w = this.windows.get(instance.instanceId);
    if (!w || w.second !== second) this.windows.set(instance.instanceId, { second, count: 1 });
    else if (++w.count > instance.spec) throw new KmsError('Rejected.Throttling', undefined, { headers: { 'x-acs-retry-after': '1000' } });
  }

  async quota(instance: Instance) {
    return [
      { ResourceType: 'key', ResourceQuota: instance.keyNum, UsedQuantity: (await this.keysOf(instance)).length },
      { ResourceType: 'secret', ResourceQuota: instance.secretNum, UsedQuantity: 0 },
      { ResourceType: 'qps', ResourceQuota: instance.spec, UsedQuantity: 0 },
      { ResourceType: 'vpc', ResourceQuota: instance.vpcNum, UsedQuantity: instance.bindVpcs.length + (instance.connection ? 1 : 0) },
    ];
  }
}
