/**
 * KMS instances (KMS 3.0, kms-openapi.md §3.8): bought through BSS, connected to a VPC, then home to keys.
 * An instance's kind sets its keys' protection level and allowed specs (the spec registry's `instanceKinds`);
 * KeyNum caps its keys; Spec caps the cryptographic requests per second against its keys. The BSS rules (what an
 * order means, upgrades, renewal, refunds) live here too, so the API handlers only translate parameters.
 *
 * Our documented choices (the reference leaves them open): ProductVersion "3"/"software"/"software-small" buy a
 * software instance and "5"/"hardware"/"hardware-small" a hardware one; connecting takes `connectDelayMs` of emulator
 * time (default 1 s); an instance may be released once none of its keys is alive (keys pending deletion go with it).
 */
import type { Clock } from './clock';
import { KmsError, invalid } from './errors';
import { randomToken, regionCode } from './ids';
import type { Mode } from './key-material';
import { instanceLock, purchaseLock, type Locks } from './lock';
import type { BindVpc, ChargeType, Instance, Key, Scope } from './model';
import { keyPolicyOf } from './authorization';
import { all } from './paging';
import type { Store } from './ports/store';
import { assertCapacity, DEFAULT_CAPACITY, INSTANCE_LIMITS, PRODUCT_VERSIONS, type Capacity } from './instance-capacity';
import { specOf, type InstanceKind, type KeySpec } from './specs';

export { INSTANCE_LIMITS, PRODUCT_VERSIONS, type Capacity };

/** An instance bought without renewal settings: manual renewal, no renewal period (what QueryAvailableInstances reads back). */
const NO_RENEWAL: Renewal = { status: 'ManualRenewal', period: 0, unit: 'M' };

export type InstanceStatus = 'Uninitialized' | 'Connecting' | 'Connected';
export type Renewal = Instance['renewal'];

/** BSS CreateInstance as the domain reads it: the parameters present, nothing defaulted yet. */
export interface Order {
  productVersion?: string;
  productType?: string;
  subscriptionType?: 'Subscription' | 'PayAsYouGo';
  periodMonths?: number;
  renewal?: { status: Renewal['status']; period?: number };
  clientToken?: string;
  /** `Parameter.Region`: must be the region the order is placed in. */
  region?: string;
  capacity: Partial<Capacity>;
}

/** An instance as a seed declares it. */
export interface RestoreInstanceInput extends Capacity {
  instanceId: string;
  kind: InstanceKind;
  chargeType: ChargeType;
  connected: boolean;
  deletionProtection?: string;
}

const MONTH_MS = 30 * 86_400_000;

export class InstanceService {
  /** Requests counted per instance in the current one-second window (real time: QPS is a wall-clock limit). */
  private readonly windows = new Map<string, { second: number; count: number }>();
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly locks: Locks,
    readonly options: { connectDelayMs: number; throttling: boolean; realNow?: () => number },
    /** Deletes a key whose deletion is pending, when its instance goes (KeyService.purge). */
    private readonly purgeKey: (keyId: string) => Promise<void>,
  ) {}

  status(instance: Instance): InstanceStatus {
    if (!instance.connection) return 'Uninitialized';
    return this.clock.now() < instance.connection.connectedAt ? 'Connecting' : 'Connected';
  }

  /** BSS CreateInstance. A retry with the same ClientToken (under its lock) returns the instance the first one bought. */
  purchase(scope: Scope, order: Order): Promise<Instance> {
    if (!order.clientToken) return this.buy(scope, order);
    const token = order.clientToken;
    return this.locks.run(purchaseLock(scope, token), async () => {
      const earlier = (await this.store.listInstances(scope)).find((i) => i.clientToken === token);
      return earlier ?? this.buy(scope, order);
    });
  }

  private async buy(scope: Scope, order: Order): Promise<Instance> {
    if (order.region && order.region !== scope.regionId) throw invalid('Parameter.Region');
    if (!order.productVersion) throw new KmsError('MissingParameter', 'Parameter.ProductVersion');
    const kind = PRODUCT_VERSIONS[order.productVersion];
    if (!kind) throw invalid('ProductVersion');
    const chargeType: ChargeType =
      order.subscriptionType === 'PayAsYouGo' || order.productType?.startsWith('kms_ppi') ? 'POSTPAY' : 'PREPAY';
    const capacity = { ...DEFAULT_CAPACITY[chargeType], ...order.capacity };
    assertCapacity(capacity);
    const months = order.periodMonths ?? 1;
    if (chargeType === 'PREPAY' && !(INSTANCE_LIMITS.periodMonths as readonly number[]).includes(months)) throw invalid('Period');
    const now = this.clock.now();
    return this.put(scope, `kst-${regionCode(scope.regionId)}${randomToken(21)}`, kind, chargeType, capacity, {
      productVersion: order.productVersion,
      ...(order.productType && { productType: order.productType }),
      endsAt: chargeType === 'PREPAY' ? now + months * MONTH_MS : undefined,
      ...(order.renewal && { renewal: { status: order.renewal.status, period: order.renewal.period ?? 0, unit: 'M' } }),
      clientToken: order.clientToken,
    });
  }

  /** Stores a new instance record: what a purchase or a seed says, over the defaults of a fresh instance. */
  private async put(
    scope: Scope,
    instanceId: string,
    kind: InstanceKind,
    chargeType: ChargeType,
    capacity: Capacity,
    fields: Partial<Instance>,
  ): Promise<Instance> {
    const instance: Instance = {
      ...scope,
      ...capacity,
      instanceId,
      instanceName: instanceId,
      kind,
      productVersion: kind === 'hardware' ? '5' : '3',
      productType: chargeType === 'PREPAY' ? 'kms_ddi_public_cn' : 'kms_ppi_public_cn',
      chargeType,
      createdAt: this.clock.now(),
      renewal: NO_RENEWAL,
      bindVpcs: [],
      tags: {},
      ...fields,
    };
    await this.store.putInstance(instance);
    return instance;
  }

  /** A seed's instance, unless one with its ID exists already. */
  async restore(scope: Scope, input: RestoreInstanceInput): Promise<Instance | undefined> {
    return this.locks.run(instanceLock(input.instanceId), async () => {
      if (await this.store.getInstance(input.instanceId)) return undefined;
      assertCapacity(input);
      const now = this.clock.now();
      const { instanceId, kind, chargeType, connected, deletionProtection, ...capacity } = input;
      return this.put(scope, instanceId, kind, chargeType, capacity, {
        connection: connected
          ? { vpcId: 'vpc-seeded', zoneIds: [`${scope.regionId}-a`, `${scope.regionId}-b`], vswitchIds: ['vsw-seeded'], connectedAt: now }
          : undefined,
        ...(deletionProtection !== undefined && { deletionProtection: { description: deletionProtection } }),
      });
    });
  }

  async get(scope: Scope, instanceId: string): Promise<Instance> {
    const instance = await this.store.getInstance(instanceId);
    if (!instance || instance.accountId !== scope.accountId || instance.regionId !== scope.regionId)
      throw new KmsError('Forbidden.KmsInstanceNotFound', instanceId);
    return instance;
  }

  list = (scope: Scope) => this.store.listInstances(scope);

  /** Read-modify-write of one instance, one at a time per instance, so concurrent changes cannot undo each other. */
  update(scope: Scope, instanceId: string, change: (i: Instance) => Instance | Promise<Instance>): Promise<Instance> {
    return this.locks.run(instanceLock(instanceId), async () => {
      const next = await change(await this.get(scope, instanceId));
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

  /**
   * BSS ModifyInstance (ModifyType=Upgrade, the only type the cloud takes): capacity grows, except that the number of
   * VPCs may also shrink, down to the VPCs bound (terraform-provider-alicloud's acceptance test lowers vpc_num that
   * way; our reading is that VPC access is not a purchased resource the way keys and QPS are).
   */
  modify(scope: Scope, instanceId: string, modifyType: 'Upgrade' | 'Downgrade', to: Partial<Capacity>) {
    if (modifyType !== 'Upgrade') throw new KmsError('Rejected.UnsupportedOperation', 'KMS instances can only be upgraded');
    return this.update(scope, instanceId, async (i) => {
      const next = { ...i, ...to };
      assertCapacity(next);
      for (const field of ['spec', 'keyNum', 'secretNum', 'logStorage'] as const)
        if (next[field] < i[field]) throw new KmsError('InvalidParameter', field.charAt(0).toUpperCase() + field.slice(1));
      const shared = (await this.sharedAccounts(i)).size;
      if (next.vpcNum < i.bindVpcs.length + shared)
        throw new KmsError(
          'Rejected.LimitExceeded',
          `The instance has ${i.bindVpcs.length} VPCs bound and its keys shared with ${shared} accounts; unbind or unshare first.`,
        );
      return next;
    });
  }

  /** UpdateKmsInstance (our reading of what terraform-provider-alicloud sends: only the name is changed this way). */
  rename(scope: Scope, instanceId: string, instanceName: string) {
    return this.update(scope, instanceId, (i) => ({ ...i, instanceName }));
  }

  /** BSS SetRenewal: subscriptions only; an unset period keeps the current one. */
  async setRenewal(
    scope: Scope,
    instanceIds: readonly string[],
    status: Renewal['status'],
    period: number | undefined,
    unit: Renewal['unit'],
  ) {
    for (const id of instanceIds)
      await this.update(scope, id, (x) => {
        if (x.chargeType !== 'PREPAY') throw new KmsError('Rejected.UnsupportedOperation', 'pay-as-you-go instances are not renewed');
        return { ...x, renewal: { status, period: period ?? x.renewal.period, unit } };
      });
  }

  /** UpdateKmsInstanceBindVpc: the extra VPCs (possibly of other accounts) that may reach the instance, up to VpcNum. */
  bindVpcs(scope: Scope, instanceId: string, vpcs: readonly BindVpc[]) {
    return this.update(scope, instanceId, async (instance) => {
      if (vpcs.length + (await this.sharedAccounts(instance)).size > instance.vpcNum)
        throw new KmsError('Rejected.LimitExceeded', `The instance allows ${instance.vpcNum} VPCs and accounts its keys are shared with.`);
      return { ...instance, bindVpcs: [...vpcs] };
    });
  }

  /** The instance a new key may go into: it must be Connected, hold the spec and be below its KeyNum. */
  async forNewKey(scope: Scope, instanceId: string, keySpec: KeySpec): Promise<Instance> {
    const instance = await this.get(scope, instanceId);
    if (this.status(instance) !== 'Connected')
      throw new KmsError('Forbidden.DKMSInstanceStateInvalid', `${instanceId} is ${this.status(instance)}`);
    if (!specOf(keySpec).instanceKinds.includes(instance.kind))
      throw new KmsError('Unsupported.KeySpec', `${keySpec} (${instance.kind} instance)`);
    await this.assertRoom(instance);
    return instance;
  }

  /** Refuses a key (or a manual version) beyond the instance's KeyNum; callers check again under the instance's lock. */
  async assertRoom(instance: Instance): Promise<void> {
    if ((await this.keyUnits(instance)) >= instance.keyNum)
      throw new KmsError('Rejected.LimitExceeded', `Instance ${instance.instanceId} holds its KeyNum of ${instance.keyNum} keys.`);
  }

  /** KeyNum units in use: each key, and each version made by CreateKeyVersion. */
  private keyUnits = (instance: Instance): Promise<number> => this.store.instanceUsage(instance.instanceId);

  /**
   * The accounts other than its owner that the instance's keys are shared with (their key policies' Allow principals),
   * counting `replacing`'s `accounts` in place of what its stored policy says. Each takes one unit of VpcNum, as a bound
   * VPC does (the access-management quota, key-policies.md §Quota); a revoked share frees its unit at once (our choice:
   * the cloud takes about five minutes).
   */
  async sharedAccounts(instance: Instance, replacing?: { key: Key; accounts: readonly string[] }): Promise<Set<string>> {
    const shared = new Set<string>();
    for (const k of await this.keysOf(instance))
      if (k.keyId !== replacing?.key.keyId) for (const a of keyPolicyOf(k).accounts) shared.add(a);
    for (const a of replacing?.accounts ?? []) shared.add(a);
    shared.delete(instance.accountId);
    return shared;
  }

  /** Refuses a policy for `key` (of an instance) that would share the instance's keys beyond its VpcNum. */
  async assertSharingRoom(key: Key, accounts: readonly string[]): Promise<void> {
    const instance = await this.get(key, key.dkmsInstanceId!);
    const shared = await this.sharedAccounts(instance, { key, accounts });
    if (instance.bindVpcs.length + shared.size > instance.vpcNum)
      throw new KmsError(
        'Rejected.LimitExceeded',
        `Instance ${instance.instanceId} allows ${instance.vpcNum} VPCs and accounts its keys are shared with (VpcNum); ` +
          `this policy makes ${instance.bindVpcs.length + shared.size}.`,
      );
  }

  keysOf(instance: Instance): Promise<Key[]> {
    return all((offset, limit) => this.store.pageKeys(instance, { instanceId: instance.instanceId }, offset, limit));
  }

  /** ReleaseKmsInstance: pay-as-you-go instances only. */
  release = (scope: Scope, instanceId: string) => this.remove(scope, instanceId, 'release');

  /** BSS RefundInstance: subscriptions only; an instance that does not exist is BSS's ResourceNotExists. */
  async refund(scope: Scope, instanceId: string): Promise<void> {
    if (!(await this.list(scope)).some((x) => x.instanceId === instanceId)) throw new KmsError('ResourceNotExists');
    await this.remove(scope, instanceId, 'refund');
  }

  /** Refused under deletion protection or while keys are alive; keys pending deletion go with the instance. */
  private remove(scope: Scope, instanceId: string, how: 'release' | 'refund'): Promise<void> {
    // Under the instance's lock, which CreateKey takes too: no key can arrive while the instance goes.
    return this.locks.run(instanceLock(instanceId), async () => {
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
      for (const k of keys) await this.purgeKey(k.keyId);
      await this.store.deleteInstance(instanceId);
      this.windows.delete(instanceId);
    });
  }

  /** Every instance of `scope` gone, whatever its protection (the admin reset, after its keys are gone). */
  async discardAll(scope: Scope): Promise<number> {
    const instances = await this.list(scope);
    for (const i of instances)
      await this.locks.run(instanceLock(i.instanceId), async () => {
        await this.store.deleteInstance(i.instanceId);
        this.windows.delete(i.instanceId);
      });
    return instances.length;
  }

  /**
   * Counts one cryptographic request against the instance's Spec (QPS); throws Rejected.Throttling past it.
   * A dry run ('check') is refused when the window is full but does not count.
   */
  throttle(instance: Instance, mode: Mode = 'use'): void {
    if (!this.options.throttling) return;
    const second = Math.floor((this.options.realNow ?? Date.now)() / 1000);
    const w = this.windows.get(instance.instanceId);
    const used = w && w.second === second ? w.count : 0;
    if (used >= instance.spec) throw new KmsError('Rejected.Throttling', undefined, { retryAfterMs: 1000 });
    if (mode === 'check') return;
    if (w && w.second === second) w.count++;
    else this.windows.set(instance.instanceId, { second, count: 1 });
  }

  async quota(instance: Instance) {
    return [
      { ResourceType: 'key', ResourceQuota: instance.keyNum, UsedQuantity: await this.keyUnits(instance) },
      { ResourceType: 'secret', ResourceQuota: instance.secretNum, UsedQuantity: 0 },
      { ResourceType: 'qps', ResourceQuota: instance.spec, UsedQuantity: 0 },
      {
        ResourceType: 'vpc',
        ResourceQuota: instance.vpcNum,
        UsedQuantity: instance.bindVpcs.length + (instance.connection ? 1 : 0) + (await this.sharedAccounts(instance)).size,
      },
    ];
  }
}
