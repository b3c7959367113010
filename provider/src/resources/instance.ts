/**
 * alikms:index:Instance — a KMS 3.0 instance (iac-anchors.md §5.1), bought through BssOpenApi and connected to a VPC.
 * Capacity only grows (refused at Check, so at preview). Renewal is BSS state (SetRenewal / QueryAvailableInstances),
 * managed and compared for subscriptions only. Tags go through the batch tag actions with ResourceType=instance (as
 * terraform-provider-alicloud does) and compare per §5.6. Deviation from §5.1, pending the emulator: no `instanceName`
 * (UpdateKmsInstance is not emulated), so the name is output only.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, isNotFound, type KmsClient } from '../client';
import { clientOf, finishCreate, ResourceError, userTags, type CheckFailure, type PropertySpec, type ResourceContext, type ResourceDefinition } from '../resource';
import type { Props } from '../values';
import { checkTags, syncTags, tagsSpec } from './common';

const sortedList = (v: unknown) => (Array.isArray(v) ? [...v].sort() : v);
const vpcKey = (b: Props) => [b.vpcId, b.vswitchId, b.regionId, b.vpcOwnerId].join('|');
const bindSet = (v: unknown) => (Array.isArray(v) ? (v as Props[]).map(vpcKey).sort() : []);
const CAPACITY = { spec: 'Spec', keyNum: 'KeyNum', secretNum: 'SecretNum', vpcNum: 'VpcNum', logStorage: 'LogStorage' } as const;
const capacity = (description: string): PropertySpec => ({ type: 'integer', input: 'optional', diff: 'whenSet', description: `${description} Upgrade only; Subscription only.` });
const out = (description: string) => ({ type: 'string' as const, description });

export const Instance: ResourceDefinition = {
  token: 'alikms:index:Instance',
  description:
    'A KMS instance (KMS 3.0): bought through BssOpenApi CreateInstance, connected to a VPC (ConnectKmsInstance) and ' +
    'waited for until Connected. VPC, zones, vSwitches, product version and payment type force replacement; capacity ' +
    'can only grow. Deleting refunds a subscription or releases a pay-as-you-go instance; it is refused under deletion ' +
    'protection. Renewal (renewStatus, renewPeriod) is managed through BSS SetRenewal and compared for subscriptions. ' +
    'Tags are managed with TagResources/UntagResources (ResourceType=instance). Instance names are not managed yet ' +
    '(no UpdateKmsInstance); `instanceName` is output only.',
  properties: {
    vpcId: { type: 'string', input: 'required', replaceOnChanges: true, alwaysOutput: true, description: 'The VPC (`vpc-…`) the instance connects to.' },
    zoneIds: { type: 'array', items: { type: 'string' }, input: 'required', replaceOnChanges: true, alwaysOutput: true, normalize: sortedList, description: 'Exactly two zones; order is not compared.' },
    vswitchIds: { type: 'array', items: { type: 'string' }, input: 'required', replaceOnChanges: true, alwaysOutput: true, normalize: sortedList, description: 'One or two vSwitches, paired with zoneIds by position.' },
    productVersion: { type: 'string', input: 'optional', replaceOnChanges: true, enum: ['3'], default: '3', description: 'KMS 3.0 (software). Forces replacement.' },
    paymentType: { type: 'string', input: 'optional', replaceOnChanges: true, enum: ['Subscription', 'PayAsYouGo'], default: 'Subscription', alwaysOutput: true, description: 'Billing. Forces replacement.' },
    spec: capacity('Computing performance: 1000, 2000 or 4000 (200 legacy).'),
    keyNum: capacity('Key quota, 100-100000.'),
    secretNum: capacity('Secret quota, 0-100000.'),
    vpcNum: capacity('VPC quota, 0-10000.'),
    log: { type: 'boolean', input: 'optional', default: false, description: 'Whether logging is on.' },
    logStorage: capacity('Log storage in GB, 0-500000.'),
    // No schema default: SDKs fill defaults in client-side, and a default period would make every pay-as-you-go
    // instance fail the subscription-only check.
    period: { type: 'integer', input: 'optional', diff: 'never', description: 'Subscription months at purchase (1,2,3,6,12,24,36; 1 when unset); create-only, never diffed. Subscription only.' },
    renewStatus: { type: 'string', input: 'optional', enum: ['AutoRenewal', 'ManualRenewal', 'NotRenewal'], diff: 'whenSet', description: 'Renewal of a subscription (BSS SetRenewal); compared when set. Subscription only.' },
    renewPeriod: { type: 'integer', input: 'optional', diff: 'whenSet', description: 'Auto-renewal months (1-36); needs renewStatus AutoRenewal. Subscription only.' },
    bindVpcs: { type: 'array', items: { $ref: '#/types/alikms:index:InstanceBindVpc' }, input: 'optional', normalize: bindSet, description: 'Extra VPCs allowed to reach the instance, compared as a set.' },
    deletionProtection: { type: 'boolean', input: 'optional', default: false, alwaysOutput: true, description: 'Deletion protection.' },
    forceDeleteWithoutBackup: { type: 'boolean', input: 'optional', default: false, diff: 'never', description: 'Release a pay-as-you-go instance without a backup; delete-time only.' },
    tags: tagsSpec('instance'),
    instanceId: { type: 'string', alwaysOutput: true, description: 'The instance ID (`kst-…`).' },
    status: { type: 'string', alwaysOutput: true, description: 'Uninitialized, Connecting, Connected, Disconnected or Error.' },
    instanceName: out('The instance name.'),
    caCertificateChainPem: out('CA certificate chain of the instance (PEM).'),
    createTime: out('When the instance was bought.'),
    startDate: out('When the instance was connected.'),
    endDate: out('When the subscription ends.'),
  },

  async check(_ctx, news, unknown) {
    const f: CheckFailure[] = [...checkTags(news.tags)];
    if (typeof news.vpcId === 'string' && !news.vpcId.startsWith('vpc-')) f.push({ property: 'vpcId', reason: `vpcId must be a VPC ID (vpc-…); got '${news.vpcId}'` });
    const zones = news.zoneIds as string[] | undefined, vsw = news.vswitchIds as string[] | undefined;
    if (Array.isArray(zones) && !unknown.has('zoneIds') && (zones.length !== 2 || zones[0] === zones[1])) f.push({ property: 'zoneIds', reason: 'zoneIds must list exactly two different zones' });
    if (Array.isArray(vsw) && !unknown.has('vswitchIds') && (vsw.length < 1 || vsw.length > 2)) f.push({ property: 'vswitchIds', reason: 'vswitchIds must list one or two vSwitches' });
    const ranges: Record<string, [number, number]> = { keyNum: [100, 100000], secretNum: [0, 100000], vpcNum: [0, 10000], logStorage: [0, 500000] };
    for (const [k, [min, max]] of Object.entries(ranges)) {
      const v = news[k];
      if (typeof v === 'number' && (v < min || v > max)) f.push({ property: k, reason: `${k} must be ${min}-${max}; got ${v}` });
    }
    if (typeof news.spec === 'number' && ![200, 1000, 2000, 4000].includes(news.spec)) f.push({ property: 'spec', reason: `spec must be 1000, 2000 or 4000 (200 legacy); got ${news.spec}` });
    if (typeof news.period === 'number' && ![1, 2, 3, 6, 12, 24, 36].includes(news.period)) f.push({ property: 'period', reason: `period must be one of 1,2,3,6,12,24,36; got ${news.period}` });
    if (news.renewStatus === 'AutoRenewal' && news.renewPeriod === undefined && !unknown.has('renewPeriod')) f.push({ property: 'renewPeriod', reason: 'renewPeriod is required with renewStatus AutoRenewal' });
    if (news.renewPeriod !== undefined && news.renewStatus !== 'AutoRenewal' && !unknown.has('renewStatus'))
      f.push({ property: 'renewPeriod', reason: 'renewPeriod applies only with renewStatus AutoRenewal' });
    if (typeof news.renewPeriod === 'number' && (news.renewPeriod < 1 || news.renewPeriod > 36)) f.push({ property: 'renewPeriod', reason: `renewPeriod must be 1-36 months; got ${news.renewPeriod}` });
    if (news.paymentType === 'PayAsYouGo')
      for (const k of [...Object.keys(CAPACITY), 'period', 'renewStatus', 'renewPeriod'])
        if (news[k] !== undefined && k !== 'logStorage') f.push({ property: k, reason: `${k} applies to Subscription instances only` });
    return f;
  },

  validateChange(olds, news) {
    const f: CheckFailure[] = [];
    for (const k of Object.keys(CAPACITY)) {
      const was = olds[k], now = news[k];
      if (typeof was === 'number' && typeof now === 'number' && now < was)
        f.push({ property: k, reason: `${k} cannot decrease (${was} → ${now}): KMS instances only upgrade; keep ${was} or replace the instance` });
    }
    return f;
  },

  async create(ctx, inputs) {
    const client = clientOf(ctx);
    const subscription = inputs.paymentType !== 'PayAsYouGo';
    const bought = await client.bss.call<{ Success?: boolean; Code?: string; Message?: string; Data?: { InstanceId: string } }>('CreateInstance', {
      ProductCode: 'kms',
      ProductType: subscription ? 'kms_ddi_public_cn' : 'kms_ppi_public_cn',
      SubscriptionType: inputs.paymentType,
      Period: subscription ? (inputs.period ?? 1) : undefined,
      RenewalStatus: subscription ? inputs.renewStatus : undefined,
      RenewPeriod: subscription ? inputs.renewPeriod : undefined,
      // One token per create, reused by the client's retries: a retried purchase never buys twice. Not derived from the
      // URN: a replacement (same URN) would get the old instance back, which the engine then deletes.
      ClientToken: randomUUID(),
      Parameter: purchaseParameters(inputs, ctx.region),
    });
    const id = bought.Data?.InstanceId;
    if (!id) throw new ApiError('CreateInstance', bought.Code ?? 'Unknown', bought.Message ?? 'no InstanceId in the reply');
    ctx.log.log('info', `bought KMS instance ${id}; connecting it to ${inputs.vpcId}`, ctx.urn);
    // From here on the instance is paid for: a failure must leave it in the stack (partial create), never leak it.
    return finishCreate(id, { instanceId: id, paymentType: inputs.paymentType }, async () => {
      await waitFor(ctx, id, (s) => s !== undefined);
      await connect(ctx, id, inputs);
      await applySettings(client, id, {}, inputs);
      const live = await readInstance(client, id, inputs);
      if (!live) throw new ResourceError(`instance ${id} disappeared right after it was connected`);
      return live;
    });
  },

  async read(ctx, id, state, inputs) {
    const live = await readInstance(clientOf(ctx), id, { ...state, ...(inputs ?? {}) });
    if (!live) return undefined;
    if (live.status !== 'Connected') ctx.log.log('warning', `instance ${id} is ${live.status}`, ctx.urn);
    const settable = Object.entries(Instance.properties).filter(([, s]) => s.input).map(([k]) => k);
    const derived = Object.fromEntries(settable.filter((k) => (inputs ? inputs[k] !== undefined : live[k] !== undefined)).map((k) => [k, inputs && Instance.properties[k].diff === 'never' ? inputs[k] : live[k]]));
    // An import takes tags only when the instance has some (unset and {} mean the same: no user tags).
    if (!inputs && Object.keys(live.tags as object).length === 0) delete derived.tags;
    return { id, outputs: live, inputs: derived };
  },

  async update(ctx, id, olds, news) {
    const client = clientOf(ctx);
    // A create that failed before the connection (partial create) is finished here.
    if ((await readInstance(client, id, {}))?.status === 'Uninitialized') await connect(ctx, id, news);
    const grow = Object.entries(CAPACITY).filter(([k]) => news[k] !== undefined && news[k] !== olds[k]);
    if (grow.length || news.log !== olds.log)
      await client.bss.call('ModifyInstance', { ProductCode: 'kms', InstanceId: id, ModifyType: 'Upgrade', SubscriptionType: news.paymentType, Parameter: purchaseParameters(news, ctx.region).filter((p) => p.Code !== 'ProductVersion' && p.Code !== 'Region') });
    await applySettings(client, id, olds, news);
    if (news.paymentType !== 'PayAsYouGo' && (differs(news.renewStatus, olds.renewStatus) || differs(news.renewPeriod, olds.renewPeriod)))
      await client.bss.call('SetRenewal', {
        InstanceIDs: id,
        ProductCode: 'kms',
        SubscriptionType: 'Subscription',
        RenewalStatus: news.renewStatus ?? olds.renewStatus,
        RenewalPeriod: news.renewPeriod,
        RenewalPeriodUnit: news.renewPeriod !== undefined ? 'M' : undefined,
      });
    const live = await readInstance(client, id, news);
    if (!live) throw new ResourceError(`instance ${id} disappeared during update`);
    return live;
  },

  async delete(ctx, id, olds, oldInputs) {
    const client = clientOf(ctx);
    const live = await readInstance(client, id, {});
    if (!live) return;
    if (live.deletionProtection) throw new ResourceError(`instance ${id} has deletion protection enabled; set deletionProtection: false and run \`pulumi up\` first`);
    try {
      if (live.paymentType === 'PayAsYouGo')
        await client.call('ReleaseKmsInstance', { KmsInstanceId: id, ForceDeleteWithoutBackup: String(oldInputs.forceDeleteWithoutBackup ?? olds.forceDeleteWithoutBackup ?? false) });
      else await client.bss.call('RefundInstance', { InstanceId: id, ProductCode: 'kms', ImmediatelyRelease: '1' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  },
};

/** A set input that differs from the live value (unset inputs are left to the cloud). */
const differs = (desired: unknown, live: unknown) => desired !== undefined && desired !== live;

function purchaseParameters(i: Props, region: string): { Code: string; Value: string }[] {
  const p = [{ Code: 'ProductVersion', Value: String(i.productVersion ?? '3') }, { Code: 'Region', Value: region }];
  for (const [k, code] of Object.entries(CAPACITY)) if (i[k] !== undefined) p.push({ Code: code, Value: String(i[k]) });
  p.push({ Code: 'Log', Value: i.log ? '1' : '0' });
  return p;
}

async function applySettings(client: KmsClient, id: string, olds: Props, news: Props) {
  if (news.bindVpcs !== undefined && JSON.stringify(bindSet(news.bindVpcs)) !== JSON.stringify(bindSet(olds.bindVpcs))) {
    const BindVpcs = (news.bindVpcs as Props[]).map((b) => ({ VpcId: b.vpcId, VSwitchId: b.vswitchId, RegionId: b.regionId, VpcOwnerId: b.vpcOwnerId }));
    await client.call('UpdateKmsInstanceBindVpc', { KmsInstanceId: id, BindVpcs: JSON.stringify(BindVpcs) });
  }
  if ((news.deletionProtection ?? false) !== (olds.deletionProtection ?? false))
    await client.call('SetDeletionProtection', { KmsInstanceId: id, EnableDeletionProtection: news.deletionProtection ?? false });
  // Against the live tags, not the old state: an out-of-band change is repaired by the next up.
  await syncTags(client, 'instance', id, news.tags);
}

async function connect(ctx: ResourceContext, id: string, inputs: Props) {
  const VSwitchIds = (inputs.vswitchIds as string[]).join(','), ZoneIds = (inputs.zoneIds as string[]).join(',');
  await clientOf(ctx).call('ConnectKmsInstance', { KmsInstanceId: id, KMProvider: 'Aliyun', VpcId: inputs.vpcId, ZoneIds, VSwitchIds });
  await waitFor(ctx, id, (s) => s === 'Connected');
}

/** Polls GetKmsInstance (backing off to 30 s) until `done(status)`; `Error` ends the wait with a failure. */
async function waitFor(ctx: ResourceContext, id: string, done: (status: string | undefined) => boolean, timeoutMs = 60 * 60_000) {
  const client = clientOf(ctx);
  const deadline = Date.now() + timeoutMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 30_000)) {
    const live = await readInstance(client, id, {});
    const status = live?.status as string | undefined;
    if (done(status)) return;
    if (status === 'Error') throw new ResourceError(`instance ${id} went to status Error while connecting`);
    if (Date.now() > deadline) throw new ResourceError(`instance ${id} is still ${status ?? 'missing'} after ${timeoutMs / 60_000} minutes`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

async function readInstance(client: KmsClient, id: string, known: Props): Promise<Props | undefined> {
  let i: Record<string, any>;
  try {
    i = (await client.call<{ KmsInstance: Record<string, any> }>('GetKmsInstance', { KmsInstanceId: id })).KmsInstance;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
  const subscription = i.ChargeType !== 'POSTPAY';
  const [renewal, tags] = await Promise.all([subscription ? readRenewal(client, id) : undefined, client.listTags('instance', id)]);
  return {
    vpcId: i.VpcId || known.vpcId,
    zoneIds: i.ZoneIds?.length ? i.ZoneIds : known.zoneIds,
    vswitchIds: i.VswitchIds?.length ? i.VswitchIds : known.vswitchIds,
    productVersion: String(i.ProductVersion),
    paymentType: subscription ? 'Subscription' : 'PayAsYouGo',
    // Capacity is only compared for subscriptions (pay-as-you-go has none to set).
    ...(subscription && { spec: i.Spec, keyNum: i.KeyNum, secretNum: Number(i.SecretNum), vpcNum: i.VpcNum }),
    log: Number(i.Log) === 1,
    logStorage: i.LogStorage,
    period: subscription ? (known.period ?? 1) : undefined,
    renewStatus: renewal?.RenewStatus,
    // The period only means something for auto-renewal; elsewhere it would be a value nobody set.
    renewPeriod: renewal?.RenewStatus === 'AutoRenewal' ? renewal.RenewalDuration : undefined,
    bindVpcs: (i.BindVpcs?.BindVpc ?? []).map((b: any) => ({ vpcId: b.VpcId, vswitchId: b.VSwitchId, regionId: b.RegionId, vpcOwnerId: String(b.VpcOwnerId) })),
    deletionProtection: i.DeletionProtection === true || i.DeletionProtection === 'true',
    forceDeleteWithoutBackup: known.forceDeleteWithoutBackup ?? false,
    tags: userTags(tags),
    instanceId: i.InstanceId,
    status: i.Status,
    instanceName: i.InstanceName || undefined,
    caCertificateChainPem: i.CaCertificateChainPem || undefined,
    createTime: i.CreateTime || undefined,
    startDate: i.StartDate || undefined,
    endDate: i.EndDate || undefined,
  };
}

/** Renewal lives in the billing view (BSS QueryAvailableInstances), not in GetKmsInstance. */
async function readRenewal(client: KmsClient, id: string): Promise<{ RenewStatus?: string; RenewalDuration?: number } | undefined> {
  const res = await client.bss.call<{ Data?: { InstanceList?: { InstanceID: string; RenewStatus?: string; RenewalDuration?: number }[] } }>(
    'QueryAvailableInstances',
    { ProductCode: 'kms', SubscriptionType: 'Subscription', InstanceIDs: id },
  );
  return res.Data?.InstanceList?.find((x) => x.InstanceID === id);
}
