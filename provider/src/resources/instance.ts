/**
 * alikms:index:Instance — a KMS 3.0 instance (iac-anchors.md §5.1), bought through BssOpenApi and connected to a VPC.
 * Capacity only grows (refused at Check, so at preview). Renewal is BSS state (SetRenewal / QueryAvailableInstances),
 * managed and compared for subscriptions only. Tags go through the batch tag actions with ResourceType=instance (as
 * terraform-provider-alicloud does) and compare per §5.6. Deviation from §5.1, pending the emulator: no `instanceName`
 * (UpdateKmsInstance is not emulated), so the name is output only.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, isNotFound } from '../client';
import { PaymentType, ProductVersion } from '../enums';
import { clientOf, finishCreate, ResourceError, type CheckFailure, type PropertySpec, type ResourceDefinition } from '../resource';
import { checkTags, tagsSpec } from './common';
import { applySettings, bindSet, CAPACITY, connect, differs, purchaseParameters, readInstance, waitFor, waitGone } from './instance-api';

const sortedList = (v: unknown) => (Array.isArray(v) ? [...v].sort() : v);
const capacity = (description: string): PropertySpec => ({
  type: 'integer',
  input: 'optional',
  diff: 'whenSet',
  description: `${description} Upgrade only; Subscription only.`,
});
const out = (description: string, stable = false) => ({ type: 'string' as const, description, stable });

export const Instance: ResourceDefinition = {
  token: 'alikms:index:Instance',
  description:
    'A KMS instance (KMS 3.0): bought through BssOpenApi CreateInstance, connected to a VPC (ConnectKmsInstance) and ' +
    'waited for until Connected (bounded by customTimeouts.create/update, else 60 minutes). `productVersion` `3` buys ' +
    'software key management, `5` hardware key management (its keys are HSM-protected and may use keyStorageMechanism). ' +
    'A create that fails after the purchase keeps the instance in the stack; the next `up` finishes it in place. ' +
    'VPC, zones, vSwitches, product version and payment type force replacement; capacity ' +
    'can only grow. Deleting refunds a subscription or releases a pay-as-you-go instance; it is refused under deletion ' +
    'protection. Renewal (renewStatus, renewPeriod) is managed through BSS SetRenewal and compared for subscriptions. ' +
    'Tags are managed with TagResources/UntagResources (ResourceType=instance). Instance names are not managed yet ' +
    '(no UpdateKmsInstance); `instanceName` is output only.',
  properties: {
    vpcId: {
      type: 'string',
      input: 'required',
      replaceOnChanges: true,
      alwaysOutput: true,
      description: 'The VPC (`vpc-…`) the instance connects to.',
    },
    zoneIds: {
      type: 'array',
      items: { type: 'string' },
      input: 'required',
      replaceOnChanges: true,
      alwaysOutput: true,
      normalize: sortedList,
      description: 'Exactly two zones; order is not compared.',
    },
    vswitchIds: {
      type: 'array',
      items: { type: 'string' },
      input: 'required',
      replaceOnChanges: true,
      alwaysOutput: true,
      normalize: sortedList,
      description: 'One or two vSwitches, paired with zoneIds by position.',
    },
    productVersion: {
      type: 'string',
      input: 'optional',
      replaceOnChanges: true,
      enumType: ProductVersion,
      default: '3',
      alwaysOutput: true,
      description:
        '`3`: software key management; `5`: hardware key management (keys in an HSM: ProtectionLevel HSM, Aliyun_AES_128/192 ' +
        'allowed, automatic rotation only for symmetric keys stored HsmEncryptedDatabase). Forces replacement.',
    },
    paymentType: {
      type: 'string',
      input: 'optional',
      replaceOnChanges: true,
      enumType: PaymentType,
      default: 'Subscription',
      alwaysOutput: true,
      description: 'Billing. Forces replacement.',
    },
    spec: capacity('Computing performance: 1000, 2000 or 4000 (200 legacy).'),
    keyNum: capacity('Key quota, 100-100000.'),
    secretNum: capacity('Secret quota, 0-100000.'),
    vpcNum: capacity('VPC quota, 0-10000.'),
    log: { type: 'boolean', input: 'optional', default: false, description: 'Whether logging is on.' },
    logStorage: capacity('Log storage in GB, 0-500000.'),
    // No schema default: SDKs fill defaults in client-side, and a default period would make every pay-as-you-go
    // instance fail the subscription-only check.
    period: {
      type: 'integer',
      input: 'optional',
      diff: 'never',
      description: 'Subscription months at purchase (1,2,3,6,12,24,36; 1 when unset); create-only, never diffed. Subscription only.',
    },
    renewStatus: {
      type: 'string',
      input: 'optional',
      enum: ['AutoRenewal', 'ManualRenewal', 'NotRenewal'],
      diff: 'whenSet',
      description: 'Renewal of a subscription (BSS SetRenewal); compared when set. Subscription only.',
    },
    renewPeriod: {
      type: 'integer',
      input: 'optional',
      diff: 'whenSet',
      description: 'Auto-renewal months (1-36); needs renewStatus AutoRenewal. Subscription only.',
    },
    bindVpcs: {
      type: 'array',
      items: { $ref: '#/types/alikms:index:InstanceBindVpc' },
      input: 'optional',
      normalize: bindSet,
      description: 'Extra VPCs allowed to reach the instance, compared as a set.',
    },
    deletionProtection: { type: 'boolean', input: 'optional', default: false, alwaysOutput: true, description: 'Deletion protection.' },
    forceDeleteWithoutBackup: {
      type: 'boolean',
      input: 'optional',
      default: false,
      diff: 'never',
      description: 'Release a pay-as-you-go instance without a backup; delete-time only.',
    },
    tags: tagsSpec('instance'),
    instanceId: { type: 'string', alwaysOutput: true, stable: true, description: 'The instance ID (`kst-…`).' },
    status: { type: 'string', alwaysOutput: true, description: 'Uninitialized, Connecting, Connected, Disconnected or Error.' },
    instanceName: out('The instance name.', true),
    caCertificateChainPem: out('CA certificate chain of the instance (PEM).', true),
    createTime: out('When the instance was bought.', true),
    startDate: out('When the instance was connected.'),
    endDate: out('When the subscription ends.', true),
  },

  check(news, unknown) {
    const f: CheckFailure[] = [...checkTags(news.tags)];
    if (typeof news.vpcId === 'string' && !news.vpcId.startsWith('vpc-'))
      f.push({ property: 'vpcId', reason: `vpcId must be a VPC ID (vpc-…); got '${news.vpcId}'` });
    const zones = news.zoneIds as string[] | undefined,
      vsw = news.vswitchIds as string[] | undefined;
    if (Array.isArray(zones) && !unknown.has('zoneIds') && (zones.length !== 2 || zones[0] === zones[1]))
      f.push({ property: 'zoneIds', reason: 'zoneIds must list exactly two different zones' });
    if (Array.isArray(vsw) && !unknown.has('vswitchIds') && (vsw.length < 1 || vsw.length > 2))
      f.push({ property: 'vswitchIds', reason: 'vswitchIds must list one or two vSwitches' });
    const ranges: Record<string, [number, number]> = {
      keyNum: [100, 100000],
      secretNum: [0, 100000],
      vpcNum: [0, 10000],
      logStorage: [0, 500000],
    };
    for (const [k, [min, max]] of Object.entries(ranges)) {
      const v = news[k];
      if (typeof v === 'number' && (v < min || v > max)) f.push({ property: k, reason: `${k} must be ${min}-${max}; got ${v}` });
    }
    if (typeof news.spec === 'number' && ![200, 1000, 2000, 4000].includes(news.spec))
      f.push({ property: 'spec', reason: `spec must be 1000, 2000 or 4000 (200 legacy); got ${news.spec}` });
    if (typeof news.period === 'number' && ![1, 2, 3, 6, 12, 24, 36].includes(news.period))
      f.push({ property: 'period', reason: `period must be one of 1,2,3,6,12,24,36; got ${news.period}` });
    if (news.renewStatus === 'AutoRenewal' && news.renewPeriod === undefined && !unknown.has('renewPeriod'))
      f.push({ property: 'renewPeriod', reason: 'renewPeriod is required with renewStatus AutoRenewal' });
    if (news.renewPeriod !== undefined && news.renewStatus !== 'AutoRenewal' && !unknown.has('renewStatus'))
      f.push({ property: 'renewPeriod', reason: 'renewPeriod applies only with renewStatus AutoRenewal' });
    if (typeof news.renewPeriod === 'number' && (news.renewPeriod < 1 || news.renewPeriod > 36))
      f.push({ property: 'renewPeriod', reason: `renewPeriod must be 1-36 months; got ${news.renewPeriod}` });
    if (news.paymentType === 'PayAsYouGo')
      for (const k of [...Object.keys(CAPACITY), 'period', 'renewStatus', 'renewPeriod'])
        if (news[k] !== undefined && k !== 'logStorage') f.push({ property: k, reason: `${k} applies to Subscription instances only` });
    return f;
  },

  validateChange(olds, news) {
    const f: CheckFailure[] = [];
    for (const k of Object.keys(CAPACITY)) {
      const was = olds[k],
        now = news[k];
      if (typeof was === 'number' && typeof now === 'number' && now < was)
        f.push({
          property: k,
          reason: `${k} cannot decrease (${was} → ${now}): KMS instances only upgrade; keep ${was} or replace the instance`,
        });
    }
    return f;
  },

  async create(ctx, inputs) {
    const client = clientOf(ctx);
    const subscription = inputs.paymentType !== 'PayAsYouGo';
    const bought = await client.bss.call<{ Success?: boolean; Code?: string; Message?: string; Data?: { InstanceId: string } }>(
      'CreateInstance',
      {
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
      },
    );
    const id = bought.Data?.InstanceId;
    if (!id) throw new ApiError('CreateInstance', bought.Code ?? 'Unknown', bought.Message ?? 'no InstanceId in the reply');
    ctx.log.log('info', `bought KMS instance ${id}; connecting it to ${inputs.vpcId}`, ctx.urn);
    // From here on the instance is paid for: a failure must leave it in the stack (partial create, with every input so
    // the next up is an Update), never leak it.
    return finishCreate(id, { instanceId: id }, async () => {
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
    const settable = Object.entries(Instance.properties)
      .filter(([, s]) => s.input)
      .map(([k]) => k);
    const derived = Object.fromEntries(
      settable
        .filter((k) => (inputs ? inputs[k] !== undefined : live[k] !== undefined))
        .map((k) => [k, inputs && Instance.properties[k].diff === 'never' ? inputs[k] : live[k]]),
    );
    // An import takes tags only when the instance has some (unset and {} mean the same: no user tags).
    if (!inputs && Object.keys(live.tags as object).length === 0) delete derived.tags;
    return { id, outputs: live, inputs: derived };
  },

  async update(ctx, id, _olds, news) {
    const client = clientOf(ctx);
    // Compared with the live instance, not the old outputs: after a partial create those are the desired inputs, and
    // an out-of-band change is repaired too. A create that failed before or while connecting is finished here.
    let live = await readInstance(client, id, news);
    if (!live) throw new ResourceError(`instance ${id} is gone`);
    if (live.status === 'Uninitialized') await connect(ctx, id, news);
    else if (live.status !== 'Connected') await waitFor(ctx, id, (s) => s === 'Connected');
    const grow = Object.keys(CAPACITY).filter((k) => news[k] !== undefined && news[k] !== live![k]);
    if (grow.length || (news.log ?? false) !== live.log)
      await client.bss.call('ModifyInstance', {
        ProductCode: 'kms',
        InstanceId: id,
        ModifyType: 'Upgrade',
        SubscriptionType: news.paymentType,
        Parameter: purchaseParameters(news, ctx.region).filter((p) => p.Code !== 'ProductVersion' && p.Code !== 'Region'),
      });
    await applySettings(client, id, live, news);
    if (news.paymentType !== 'PayAsYouGo' && (differs(news.renewStatus, live.renewStatus) || differs(news.renewPeriod, live.renewPeriod)))
      await client.bss.call('SetRenewal', {
        InstanceIDs: id,
        ProductCode: 'kms',
        SubscriptionType: 'Subscription',
        RenewalStatus: news.renewStatus ?? live.renewStatus,
        RenewalPeriod: news.renewPeriod,
        RenewalPeriodUnit: news.renewPeriod !== undefined ? 'M' : undefined,
      });
    live = await readInstance(client, id, news);
    if (!live) throw new ResourceError(`instance ${id} disappeared during update`);
    return live;
  },

  async delete(ctx, id, olds, oldInputs) {
    const client = clientOf(ctx);
    const live = await readInstance(client, id, {});
    if (!live) return;
    if (live.deletionProtection)
      throw new ResourceError(`instance ${id} has deletion protection enabled; set deletionProtection: false and run \`pulumi up\` first`);
    try {
      if (live.paymentType === 'PayAsYouGo')
        await client.call('ReleaseKmsInstance', {
          KmsInstanceId: id,
          ForceDeleteWithoutBackup: String(oldInputs.forceDeleteWithoutBackup ?? olds.forceDeleteWithoutBackup ?? false),
        });
      else await client.bss.call('RefundInstance', { InstanceId: id, ProductCode: 'kms', ImmediatelyRelease: '1' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    await waitGone(ctx, id);
  },
};
