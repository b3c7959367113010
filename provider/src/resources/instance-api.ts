/**
 * The calls behind alikms:index:Instance (instance.ts): the BSS purchase parameters, connecting and waiting for an
 * instance, the settings applied after create and on update (VPC bindings, deletion protection, renewal, tags), and
 * reading an instance back as the resource's properties.
 */
import { isNotFound, type KmsClient } from '../client';
import { clientOf, deadlineOf, ResourceError, userTags, type ResourceContext } from '../resource';
import type { Props } from '../values';
import { syncTags } from './common';

const vpcKey = (b: Props) => [b.vpcId, b.vswitchId, b.regionId, b.vpcOwnerId].join('|');
export const bindSet = (v: unknown) => (Array.isArray(v) ? (v as Props[]).map(vpcKey).sort() : []);
export const CAPACITY = { spec: 'Spec', keyNum: 'KeyNum', secretNum: 'SecretNum', vpcNum: 'VpcNum', logStorage: 'LogStorage' } as const;

/** A set input that differs from the live value (unset inputs are left to the cloud). */
export const differs = (desired: unknown, live: unknown) => desired !== undefined && desired !== live;

export function purchaseParameters(i: Props, region: string): { Code: string; Value: string }[] {
  const p = [
    { Code: 'ProductVersion', Value: String(i.productVersion ?? '3') },
    { Code: 'Region', Value: region },
  ];
  for (const [k, code] of Object.entries(CAPACITY)) if (i[k] !== undefined) p.push({ Code: code, Value: String(i[k]) });
  p.push({ Code: 'Log', Value: i.log ? '1' : '0' });
  return p;
}

export async function applySettings(client: KmsClient, id: string, olds: Props, news: Props) {
  if (news.bindVpcs !== undefined && JSON.stringify(bindSet(news.bindVpcs)) !== JSON.stringify(bindSet(olds.bindVpcs))) {
    const BindVpcs = (news.bindVpcs as Props[]).map((b) => ({
      VpcId: b.vpcId,
      VSwitchId: b.vswitchId,
      RegionId: b.regionId,
      VpcOwnerId: b.vpcOwnerId,
    }));
    await client.call('UpdateKmsInstanceBindVpc', { KmsInstanceId: id, BindVpcs: JSON.stringify(BindVpcs) });
  }
  if ((news.deletionProtection ?? false) !== (olds.deletionProtection ?? false))
    await client.call('SetDeletionProtection', { KmsInstanceId: id, EnableDeletionProtection: news.deletionProtection ?? false });
  // Against the live tags, not the old state: an out-of-band change is repaired by the next up.
  await syncTags(client, 'instance', id, news.tags);
}

export async function connect(ctx: ResourceContext, id: string, inputs: Props) {
  const VSwitchIds = (inputs.vswitchIds as string[]).join(','),
    ZoneIds = (inputs.zoneIds as string[]).join(',');
  await clientOf(ctx).call('ConnectKmsInstance', { KmsInstanceId: id, KMProvider: 'Aliyun', VpcId: inputs.vpcId, ZoneIds, VSwitchIds });
  await waitFor(ctx, id, (s) => s === 'Connected');
}

/** How long a wait may take when the program sets no customTimeouts (terraform-provider-alicloud's 60 minutes). */
const DEFAULT_WAIT_MS = 60 * 60_000;

/**
 * Polls GetKmsInstance (backing off to 30 s, never past the deadline) until `done(status)`; `Error` ends the wait with
 * a failure, and so does the operation's customTimeouts entry (else 60 minutes).
 */
export async function waitFor(ctx: ResourceContext, id: string, done: (status: string | undefined) => boolean) {
  const client = clientOf(ctx);
  const deadline = deadlineOf(ctx, DEFAULT_WAIT_MS);
  for (let delay = 250; ; delay = Math.min(delay * 2, 30_000)) {
    const live = await readInstance(client, id, {});
    const status = live?.status as string | undefined;
    if (done(status)) return;
    if (status === 'Error') throw new ResourceError(`instance ${id} went to status Error while connecting`);
    const left = deadline.at - Date.now();
    if (left <= 0) throw new ResourceError(`instance ${id} is still ${status ?? 'missing'} after ${deadline.label}`);
    await new Promise((r) => setTimeout(r, Math.min(delay, left)));
  }
}

/** After a release or refund: waits (bounded like waitFor, by customTimeouts.delete) until the instance is gone. */
export const waitGone = (ctx: ResourceContext, id: string) => waitFor(ctx, id, (s) => s === undefined);

export async function readInstance(client: KmsClient, id: string, known: Props): Promise<Props | undefined> {
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
    bindVpcs: (i.BindVpcs?.BindVpc ?? []).map((b: any) => ({
      vpcId: b.VpcId,
      vswitchId: b.VSwitchId,
      regionId: b.RegionId,
      vpcOwnerId: String(b.VpcOwnerId),
    })),
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
