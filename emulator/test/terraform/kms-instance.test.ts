/** alicloud_kms_instance against the emulator, as terraform-provider-alicloud drives it (./kms-instance.sequence.ts). */
import { kmsInstance } from './kms-instance.sequence';
import { SdkError } from './support/go-wire';
import { converge, destroy, destroyAndVerify, importAndVerify, useTerraform } from './support/terraform';

const tf = useTerraform(300);
beforeEach(() => tf.p.wire.take());

const network = {
  vpc_id: 'vpc-bp1tf000000000000001',
  zone_ids: ['cn-hangzhou-k', 'cn-hangzhou-j'],
  vswitch_ids: ['vsw-bp1tf000000000000001'],
};
const subscription = { ...network, vpc_num: 1, key_num: 1000, secret_num: 0, spec: 1000, product_version: '3' };
/** The calls of one step, each action once (the waits repeat GetKmsInstance). */
const actions = () => [...new Set(tf.p.wire.take())];
const sent = (action: string) => tf.p.wire.calls.filter((c) => c.action === action).map((c) => c.params);

test('a subscription without renewal settings: renamed, upgraded, tagged, renewal set and unset, imported, refunded', async () => {
  const created = await converge(tf.p, kmsInstance, subscription);
  expect(created.attrs).toMatchObject({ payment_type: 'Subscription', status: 'Connected', renew_period: 0, key_num: 1000, vpc_num: 1 });
  expect(actions()).toEqual([
    'BssOpenApi CreateInstance',
    'Kms GetKmsInstance',
    'Kms ConnectKmsInstance',
    'BssOpenApi QueryAvailableInstances',
    `Kms ListTagResources RegionId=${tf.emu.region}`,
  ]);

  const renamed = { ...subscription, instance_name: 'tf-orders', key_num: 2000, tags: { env: 'dev' } };
  const updated = await converge(tf.p, kmsInstance, renamed, created);
  expect(updated.attrs).toMatchObject({ instance_name: 'tf-orders', key_num: 2000, tags: { env: 'dev' } });
  expect(actions()).toEqual(
    expect.arrayContaining(['BssOpenApi ModifyInstance', 'Kms UpdateKmsInstance', `Kms TagResources RegionId=${tf.emu.region}`]),
  );

  const auto = { ...renamed, renew_status: 'AutoRenewal', renew_period: 3 };
  const renewing = await converge(tf.p, kmsInstance, auto, updated);
  expect(renewing.attrs).toMatchObject({ renew_status: 'AutoRenewal', renew_period: 3 });
  // Back to manual renewal with renew_period removed: the provider sends RenewalPeriod=0.
  const manual = { ...renamed, renew_status: 'ManualRenewal' };
  tf.p.wire.calls.length = 0;
  const stopped = await converge(tf.p, kmsInstance, manual, renewing);
  expect(sent('SetRenewal')).toEqual([expect.objectContaining({ RenewalStatus: 'ManualRenewal', RenewalPeriod: '0' })]);
  expect(stopped.attrs).toMatchObject({ renew_status: 'ManualRenewal', renew_period: 0 });

  await importAndVerify(tf.p, kmsInstance, stopped);
  await destroyAndVerify(tf.p, kmsInstance, stopped);
  expect(actions()).toContain('BssOpenApi RefundInstance');
});

test('a subscription bought with renew_period and renew_status', async () => {
  const config = { ...subscription, renew_status: 'AutoRenewal', renew_period: 6 };
  const inst = await converge(tf.p, kmsInstance, config);
  expect(sent('CreateInstance')[0]).toMatchObject({
    Period: '1',
    RenewPeriod: '6',
    RenewalStatus: 'AutoRenewal',
    'Parameter.1.Code': 'Region',
    'Parameter.1.Value': tf.emu.region,
  });
  expect(inst.attrs).toMatchObject({ renew_status: 'AutoRenewal', renew_period: 6 });
  await destroyAndVerify(tf.p, kmsInstance, inst);
});

const shared = (n: number) => ({
  vpc_id: `vpc-bp1tf00000000000000${n}`,
  vswitch_id: `vsw-bp1tf00000000000000${n}`,
  region_id: 'cn-hangzhou',
  vpc_owner_id: '1234567890123456',
});

test('vpc_num 7 with three bound VPCs, then unbound, then vpc_num 5 through ModifyInstance (ModifyType=Upgrade)', async () => {
  // The steps of the provider's own acceptance test TestAccAliCloudKmsInstance_basic4048.
  const seven = { ...subscription, vpc_num: 7 };
  const inst = await converge(tf.p, kmsInstance, seven);
  const bound = await converge(tf.p, kmsInstance, { ...seven, bind_vpcs: [shared(2), shared(3), shared(4)] }, inst);
  expect(bound.attrs.bind_vpcs).toHaveLength(3);
  const unbound = await converge(tf.p, kmsInstance, seven, bound);
  expect(sent('UpdateKmsInstanceBindVpc').at(-1)).toEqual({ KmsInstanceId: inst.id, BindVpcs: '[]' });
  tf.p.wire.take();
  const five = { ...subscription, vpc_num: 5, key_num: 2000, secret_num: 2000, spec: 2000, renew_status: 'ManualRenewal', renew_period: 3 };
  const lowered = await converge(tf.p, kmsInstance, five, unbound);
  expect(sent('ModifyInstance')).toEqual([
    expect.objectContaining({ ModifyType: 'Upgrade', 'Parameter.1.Code': 'VpcNum', 'Parameter.1.Value': '5' }),
  ]);
  expect(lowered.attrs).toMatchObject({
    vpc_num: 5,
    key_num: 2000,
    secret_num: 2000,
    spec: 2000,
    renew_status: 'ManualRenewal',
    renew_period: 3,
  });
  await importAndVerify(tf.p, kmsInstance, lowered);
  await destroyAndVerify(tf.p, kmsInstance, lowered);
});

test('pay-as-you-go with bind_vpcs: a vpc_owner_id above 2^53 kept exact, imported, released', async () => {
  const owner = '1234567890123456789';
  const other = {
    vpc_id: 'vpc-bp1tf000000000000002',
    vswitch_id: 'vsw-bp1tf000000000000002',
    region_id: tf.emu.region,
    vpc_owner_id: owner,
  };
  const config = {
    ...network,
    payment_type: 'PayAsYouGo',
    product_version: '3',
    bind_vpcs: [other, shared(3)],
    force_delete_without_backup: 'true',
  };
  const inst = await converge(tf.p, kmsInstance, config);
  expect(sent('CreateInstance')[0]).toMatchObject({ SubscriptionType: 'PayAsYouGo', ProductType: 'kms_ppi_public_cn' });
  expect(sent('CreateInstance')[0]).not.toHaveProperty('Parameter.2.Code');
  // Go's json.Marshal: keys sorted, the int64 as a bare number.
  expect(sent('UpdateKmsInstanceBindVpc')[0].BindVpcs).toBe(
    `[{"RegionId":"${tf.emu.region}","VSwitchId":"vsw-bp1tf000000000000002","VpcId":"vpc-bp1tf000000000000002","VpcOwnerId":${owner}},` +
      `{"RegionId":"cn-hangzhou","VSwitchId":"vsw-bp1tf000000000000003","VpcId":"vpc-bp1tf000000000000003","VpcOwnerId":1234567890123456}]`,
  );
  expect(inst.attrs.bind_vpcs).toEqual(expect.arrayContaining([other, shared(3)]));

  const unbound = await converge(tf.p, kmsInstance, { ...config, bind_vpcs: undefined }, inst);
  const max = { ...shared(4), vpc_owner_id: '9223372036854775807' };
  const grown = await converge(tf.p, kmsInstance, { ...config, bind_vpcs: [other, shared(3), max], tags: { team: 'payments' } }, unbound);
  expect(grown.attrs.bind_vpcs).toEqual(expect.arrayContaining([other, shared(3), max]));
  await importAndVerify(tf.p, kmsInstance, grown);
  await destroyAndVerify(tf.p, kmsInstance, grown);
  expect(sent('ReleaseKmsInstance').at(-1)).toMatchObject({ ForceDeleteWithoutBackup: 'true' });
});

test('deletion protection holds off a refund until it is turned off', async () => {
  const inst = await converge(tf.p, kmsInstance, { ...subscription, deletion_protection: true });
  expect(inst.attrs.deletion_protection).toBe(true);
  await expect(destroy(tf.p, kmsInstance, inst)).rejects.toBeInstanceOf(SdkError);
  const open = await converge(tf.p, kmsInstance, { ...subscription, deletion_protection: false }, inst);
  await destroyAndVerify(tf.p, kmsInstance, open);
});
