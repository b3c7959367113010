/** Instance and DefaultKey through the plugin process against the emulator. */
import { startHarness, type Harness } from './support/harness';
import { CheckFailed } from './support/engine';
import { popClient } from '../../emulator/test/support/clients';

const INSTANCE = 'alikms:index:Instance';
const DEFAULT_KEY = 'alikms:index:DefaultKey';
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** BssOpenApi through the official POP client, as an operator changing billing settings would. */
const bss = async (action: string, params: Record<string, unknown>): Promise<any> => {
  const client = popClient({ endpoint: h.emulator.endpoint });
  (client as any).apiVersion = '2017-12-14';
  return client.request(action, params, { method: 'POST' });
};
const getInstance = async (id: string) => (await h.cloud('GetKmsInstance', { KmsInstanceId: id })).KmsInstance;
const network = { vpcId: 'vpc-main', zoneIds: ['cn-hangzhou-k', 'cn-hangzhou-j'], vswitchIds: ['vsw-a'] };

describe('Instance', () => {
  let id: string;
  const program = { ...network, paymentType: 'PayAsYouGo' };

  it('Check names bad zones, VPC IDs and subscription-only settings', async () => {
    const err: CheckFailed = await h.sim
      .check(INSTANCE, 'bad', {}, { vpcId: 'x', zoneIds: ['a'], vswitchIds: ['v'], paymentType: 'PayAsYouGo', keyNum: 500 })
      .catch((e) => e);
    expect(err.failures.map((f) => f.property).sort()).toEqual(['keyNum', 'vpcId', 'zoneIds']);
  });

  it('up buys, connects and waits for Connected; zone order never diffs', async () => {
    const made = await h.sim.register(INSTANCE, 'main', program);
    id = made.id;
    expect(made.outputs).toMatchObject({ instanceId: id, status: 'Connected', paymentType: 'PayAsYouGo', vpcId: 'vpc-main' });
    expect(await getInstance(id)).toMatchObject({ Status: 'Connected', ChargeType: 'POSTPAY', VpcId: 'vpc-main' });
    expect((await h.sim.register(INSTANCE, 'main', { ...program, zoneIds: ['cn-hangzhou-j', 'cn-hangzhou-k'] })).step).toBe('same');
  });

  it('bindVpcs drift is reported and repaired; a new VPC forces replacement', async () => {
    const bound = {
      ...program,
      bindVpcs: [{ vpcId: 'vpc-peer', vswitchId: 'vsw-p', regionId: 'cn-hangzhou', vpcOwnerId: '1234567890123456' }],
    };
    expect((await h.sim.register(INSTANCE, 'main', bound)).step).toBe('update');
    await h.cloud('UpdateKmsInstanceBindVpc', { KmsInstanceId: id, BindVpcs: '[]' });
    expect(await h.sim.refresh(INSTANCE, 'main')).toMatchObject({ changes: 'DIFF_SOME', detailedDiff: { bindVpcs: 'UPDATE' } });
    await h.sim.register(INSTANCE, 'main', bound);
    expect((await getInstance(id)).BindVpcs.BindVpc).toHaveLength(1);
    const preview = await h.sim.register(INSTANCE, 'main', { ...bound, vpcId: 'vpc-other' }, true);
    expect(preview.diff).toMatchObject({ replaces: ['vpcId'], detailedDiff: { vpcId: 'UPDATE_REPLACE' } });
  });

  it('replacing the instance buys a new one (no purchase token reused from the same URN) and releases the old', async () => {
    const old = await h.sim.register(INSTANCE, 'swap', program);
    const replaced = await h.sim.register(INSTANCE, 'swap', { ...program, vpcId: 'vpc-next' });
    expect(replaced.step).toBe('replace');
    expect(replaced.id).not.toBe(old.id);
    expect(await getInstance(replaced.id)).toMatchObject({ Status: 'Connected', VpcId: 'vpc-next' });
    await expect(getInstance(old.id)).rejects.toMatchObject({ code: expect.stringMatching(/NotFound/) });
    await h.sim.destroy(INSTANCE, 'swap');
  });

  it('Check lets unknown VPC IDs and renewal periods through at preview', async () => {
    const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
    const inputs = { ...network, vpcId: UNKNOWN, spec: 1000, renewStatus: 'AutoRenewal', renewPeriod: UNKNOWN };
    await expect(h.sim.check(INSTANCE, 'later', {}, inputs)).resolves.toMatchObject({ vpcId: UNKNOWN, renewPeriod: UNKNOWN });
  });

  it('destroy is refused under deletion protection, then releases the instance', async () => {
    await h.sim.register(INSTANCE, 'main', { ...program, deletionProtection: true });
    await expect(h.sim.destroy(INSTANCE, 'main')).rejects.toThrow(/alikms:index:Instance 'main'.*deletion protection/);
    await h.sim.register(INSTANCE, 'main', program);
    await h.sim.destroy(INSTANCE, 'main');
    await expect(getInstance(id)).rejects.toMatchObject({ code: expect.stringMatching(/NotFound/) });
  });

  it('a subscription instance upgrades capacity in place', async () => {
    const sub = { ...network, spec: 1000, keyNum: 1000, vpcNum: 1 };
    const made = await h.sim.register(INSTANCE, 'sub', sub);
    expect(made.outputs).toMatchObject({ paymentType: 'Subscription', keyNum: 1000 });
    const up = await h.sim.register(INSTANCE, 'sub', { ...sub, keyNum: 2000 });
    expect(up).toMatchObject({ step: 'update', diff: { detailedDiff: { keyNum: 'UPDATE' } } });
    expect((await getInstance(made.id)).KeyNum).toBe(2000);
  });

  it('a capacity decrease fails at preview (Check), naming the property', async () => {
    const sub = { ...network, spec: 1000, keyNum: 2000, vpcNum: 1 };
    const err: CheckFailed = await h.sim.register(INSTANCE, 'sub', { ...sub, keyNum: 1000, spec: 2000 }, true).catch((e) => e);
    expect(err.failures).toEqual([
      { property: 'keyNum', reason: 'keyNum cannot decrease (2000 → 1000): KMS instances only upgrade; keep 2000 or replace the instance' },
    ]);
  });

  it('renewal is set through BSS SetRenewal, and a change made out of band is drift for subscriptions', async () => {
    const sub = { ...network, spec: 1000, keyNum: 2000, vpcNum: 1, renewStatus: 'AutoRenewal', renewPeriod: 3 };
    const up = await h.sim.register(INSTANCE, 'sub', sub);
    expect(up).toMatchObject({
      step: 'update',
      diff: { detailedDiff: { renewStatus: 'UPDATE', renewPeriod: 'ADD' } },
      outputs: { renewStatus: 'AutoRenewal', renewPeriod: 3 },
    });
    const billing = async () => (await bss('QueryAvailableInstances', { ProductCode: 'kms', InstanceIDs: up.id })).Data.InstanceList[0];
    expect(await billing()).toMatchObject({ RenewStatus: 'AutoRenewal', RenewalDuration: 3 });
    await bss('SetRenewal', { InstanceIDs: up.id, ProductCode: 'kms', RenewalStatus: 'ManualRenewal' });
    expect(await h.sim.refresh(INSTANCE, 'sub')).toMatchObject({
      changes: 'DIFF_SOME',
      detailedDiff: { renewStatus: 'UPDATE', renewPeriod: 'ADD' },
    });
    await h.sim.register(INSTANCE, 'sub', sub);
    expect(await billing()).toMatchObject({ RenewStatus: 'AutoRenewal', RenewalDuration: 3 });
    const payg: CheckFailed = await h.sim
      .check(INSTANCE, 'p', {}, { ...network, paymentType: 'PayAsYouGo', renewStatus: 'NotRenewal' })
      .catch((e) => e);
    expect(payg.failures).toEqual([{ property: 'renewStatus', reason: 'renewStatus applies to Subscription instances only' }]);
  });
});

describe('Instance tags', () => {
  const tagged = { ...network, paymentType: 'PayAsYouGo', tags: { team: 'payments', env: 'dev' } };
  const liveTags = async (id: string) => {
    const rows = (await h.cloud('ListTagResources', { RegionId: 'cn-hangzhou', ResourceType: 'instance', 'ResourceId.1': id })).TagResources
      .TagResource;
    return Object.fromEntries(rows.map((t: any) => [t.TagKey, t.TagValue]));
  };
  let id: string;

  it('Check refuses reserved tag keys like Key does', async () => {
    const err: CheckFailed = await h.sim.check(INSTANCE, 'bad', {}, { ...tagged, tags: { 'acs:owner': 'x' } }).catch((e) => e);
    expect(err.failures).toEqual([
      { property: 'tags', reason: "tags key 'acs:owner' is reserved (acs:/aliyun prefixes belong to the cloud)" },
    ]);
  });

  it('up tags the connected instance (ResourceType=instance); a second up is a no-op', async () => {
    const made = await h.sim.register(INSTANCE, 'tagged', tagged);
    id = made.id;
    expect(made.outputs).toMatchObject({ status: 'Connected', tags: { team: 'payments', env: 'dev' } });
    expect(await liveTags(id)).toEqual({ team: 'payments', env: 'dev' });
    expect((await h.sim.register(INSTANCE, 'tagged', tagged)).step).toBe('same');
  });

  it('update sets and removes tags in place', async () => {
    const changed = { ...tagged, tags: { team: 'core', owner: 'platform' } };
    const up = await h.sim.register(INSTANCE, 'tagged', changed);
    expect(up).toMatchObject({ step: 'update', diff: { replaces: [], detailedDiff: { tags: 'UPDATE' } }, outputs: { tags: changed.tags } });
    expect(Object.keys(up.diff!.detailedDiff)).toEqual(['tags']);
    expect(await liveTags(id)).toEqual(changed.tags);
    await h.sim.register(INSTANCE, 'tagged', tagged);
    expect(await liveTags(id)).toEqual(tagged.tags);
  });

  it('tags changed out of band with an official SDK are reported as a tags diff alone, and the next up repairs them', async () => {
    await h.cloud('TagResources', {
      RegionId: 'cn-hangzhou',
      ResourceType: 'instance',
      'ResourceId.1': id,
      'Tag.1.Key': 'team',
      'Tag.1.Value': 'rogue',
      'Tag.2.Key': 'extra',
      'Tag.2.Value': 'x',
    });
    await h.cloud('UntagResources', { RegionId: 'cn-hangzhou', ResourceType: 'instance', 'ResourceId.1': id, 'TagKey.1': 'env' });
    const refreshed = await h.sim.refresh(INSTANCE, 'tagged');
    expect(refreshed).toMatchObject({ changes: 'DIFF_SOME', replaces: [] });
    expect(refreshed !== 'deleted' && refreshed.detailedDiff).toEqual({ tags: 'UPDATE' });
    const up = await h.sim.register(INSTANCE, 'tagged', tagged);
    expect(up.step).toBe('update');
    expect(up.diff!.detailedDiff).toEqual({ tags: 'UPDATE' });
    expect(await liveTags(id)).toEqual(tagged.tags);
    expect(await h.sim.refresh(INSTANCE, 'tagged')).toMatchObject({ changes: 'DIFF_NONE' });
    await h.sim.destroy(INSTANCE, 'tagged');
  });
});

describe('DefaultKey', () => {
  it('adopts or enables the region default key, reports drift, and releases it on delete without deleting it', async () => {
    const made = await h.sim.register(DEFAULT_KEY, 'default', { description: 'region default', tags: { owner: 'platform' } });
    expect(made.id).toBe('cn-hangzhou');
    const keyId = made.outputs.keyId as string;
    const meta = (await h.cloud('DescribeKey', { KeyId: keyId })).KeyMetadata;
    expect(meta).toMatchObject({ Description: 'region default', KeyState: 'Enabled' });
    expect(meta.DKMSInstanceId).toBeUndefined();
    await h.cloud('UpdateKeyDescription', { KeyId: keyId, Description: 'hand edit' });
    expect(await h.sim.refresh(DEFAULT_KEY, 'default')).toMatchObject({ changes: 'DIFF_SOME', detailedDiff: { description: 'UPDATE' } });
    await h.sim.register(DEFAULT_KEY, 'default', { description: 'region default', tags: { owner: 'platform' } });
    expect((await h.cloud('DescribeKey', { KeyId: keyId })).KeyMetadata.Description).toBe('region default');
    await h.sim.destroy(DEFAULT_KEY, 'default');
    expect((await h.cloud('DescribeKey', { KeyId: keyId })).KeyMetadata.KeyState).toBe('Enabled');
    // A second program adopts the same key.
    expect((await h.sim.register(DEFAULT_KEY, 'again', {})).outputs.keyId).toBe(keyId);
  });
});
