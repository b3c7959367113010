/**
 * Instance settings as terraform-provider-alicloud manages them: renewal that reads back what was set, renaming
 * (UpdateKmsInstance), VPC binding on pay-as-you-go instances, fewer VPCs through ModifyInstance, and account ids
 * beyond 2^53 in BindVpcs. (The provider's whole call sequences are replayed in test/terraform.)
 */
import { acs3Client } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { bssClient, buyInstance, readyInstance } from '../support/instances';
import { acs3Post, rpcV1Get, send } from '../support/raw';
import { startTestEmulator, stopTestEmulator } from '../support/emulator';

let emu: TestEmulator;
let acs3: ReturnType<typeof acs3Client>;
useEmulator(
  (e) => {
    emu = e;
    acs3 = acs3Client(e);
  },
  { schedulerIntervalMs: 0, kms: { connectDelayMs: 0 } },
);

const bss = (action: string, params: Record<string, unknown>) =>
  bssClient(emu).request(action, { ProductCode: 'kms', ...params }, { method: 'POST' }) as Promise<any>;
const billing = async (id: string) => (await bss('QueryAvailableInstances', { InstanceIDs: id })).Data.InstanceList[0];
const instance = async (id: string) => (await acs3('GetKmsInstance', { KmsInstanceId: id })).KmsInstance;
const bindVpcs = (id: string, vpcs: string) => acs3('UpdateKmsInstanceBindVpc', { KmsInstanceId: id, BindVpcs: vpcs });
const vpc = (n: number, owner: string | number = '1207089758812345') => ({
  VpcId: `vpc-${n}`,
  VSwitchId: `vsw-${n}`,
  RegionId: 'cn-hangzhou',
  VpcOwnerId: owner,
});

test('an instance bought without renewal settings reads RenewalDuration 0, and SetRenewal takes a period of 0', async () => {
  const id = await buyInstance(emu);
  expect(await billing(id)).toMatchObject({ RenewStatus: 'ManualRenewal', RenewalDuration: 0 });
  await bss('SetRenewal', { InstanceIDs: id, RenewalStatus: 'ManualRenewal', RenewalPeriod: 0 });
  await bss('SetRenewal', { InstanceIDs: id, RenewalStatus: 'AutoRenewal', RenewalPeriod: 3 });
  expect(await billing(id)).toMatchObject({ RenewStatus: 'AutoRenewal', RenewalDuration: 3 });
});

test('UpdateKmsInstance renames an instance', async () => {
  const id = await buyInstance(emu);
  await acs3('UpdateKmsInstance', { KmsInstanceId: id, InstanceName: 'payments' });
  expect((await instance(id)).InstanceName).toBe('payments');
  await expect(acs3('UpdateKmsInstance', { KmsInstanceId: 'kst-hzznothere', InstanceName: 'x' })).rejects.toMatchObject({
    code: 'Forbidden.KmsInstanceNotFound',
  });
});

test('a pay-as-you-go instance bought without capacity binds VPCs freely', async () => {
  const id = await readyInstance(emu, { payAsYouGo: true, omitCapacity: true });
  expect(await instance(id)).toMatchObject({ ChargeType: 'POSTPAY', VpcNum: 10000, KeyNum: 100000 });
  await bindVpcs(id, JSON.stringify([vpc(1), vpc(2), vpc(3)]));
  expect((await instance(id)).BindVpcs.BindVpc).toHaveLength(3);
});

test('ModifyInstance (Upgrade) may lower VpcNum, but not below the VPCs bound', async () => {
  const id = await readyInstance(emu);
  await bss('ModifyInstance', { InstanceId: id, ModifyType: 'Upgrade', 'Parameter.1.Code': 'VpcNum', 'Parameter.1.Value': '7' });
  await bindVpcs(id, JSON.stringify([vpc(1), vpc(2), vpc(3), vpc(4), vpc(5), vpc(6)]));
  await expect(
    bss('ModifyInstance', { InstanceId: id, ModifyType: 'Upgrade', 'Parameter.1.Code': 'VpcNum', 'Parameter.1.Value': '5' }),
  ).rejects.toMatchObject({ code: 'Rejected.LimitExceeded' });
  await bindVpcs(id, JSON.stringify([vpc(1)]));
  await bss('ModifyInstance', { InstanceId: id, ModifyType: 'Upgrade', 'Parameter.1.Code': 'VpcNum', 'Parameter.1.Value': '5' });
  expect((await instance(id)).VpcNum).toBe(5);
  // Other capacity still only grows.
  await expect(
    bss('ModifyInstance', { InstanceId: id, ModifyType: 'Upgrade', 'Parameter.1.Code': 'KeyNum', 'Parameter.1.Value': '100' }),
  ).rejects.toMatchObject({ code: 'InvalidParameter' });
});

test('a VpcOwnerId beyond 2^53, sent as a bare JSON number, reads back exactly', async () => {
  const id = await readyInstance(emu);
  const owner = '1207089758812345655';
  // Written by hand: JSON.stringify of a JS number would already have rounded it.
  await bindVpcs(id, `[{"VpcId":"vpc-big","VSwitchId":"vsw-big","RegionId":"cn-hangzhou","VpcOwnerId":${owner}}]`);
  expect((await instance(id)).BindVpcs.BindVpc[0].VpcOwnerId).toBe(owner);
});

describe('clients that name no region', () => {
  test('reach a region by a signed x-acs-region-id header (ACS3), or by the Host kms.<region>.aliyuncs.com', async () => {
    const shanghai = (await acs3('CreateKey', { RegionId: 'cn-shanghai' })).KeyMetadata.KeyId;
    const viaHeader = await send(
      emu.endpoint,
      acs3Post(emu.endpoint, 'DescribeKey', { KeyId: shanghai }, { headers: { 'x-acs-region-id': 'cn-shanghai' } }),
    );
    expect(viaHeader.json?.KeyMetadata?.KeyId).toBe(shanghai);
    const viaHost = await send(emu.endpoint, {
      ...rpcV1Get('DescribeKey', { KeyId: shanghai }),
      headers: { host: 'kms.cn-shanghai.aliyuncs.com' },
    });
    expect(viaHost.json?.KeyMetadata?.KeyId).toBe(shanghai);
    // An RPC v1 request signs only its parameters, so an x-acs-region-id header does not move it.
    const unsigned = await send(emu.endpoint, {
      ...rpcV1Get('DescribeKey', { KeyId: shanghai }),
      headers: { 'x-acs-region-id': 'cn-shanghai' },
    });
    expect(unsigned.json).toMatchObject({ Code: 'Forbidden.KeyNotFound' });
  });

  test('reach a region through its own port (--region-port)', async () => {
    const regional = await startTestEmulator({ schedulerIntervalMs: 0, regionPorts: { 'cn-shanghai': 0 } });
    try {
      const shanghaiEndpoint = regional.regionEndpoints['cn-shanghai'];
      const key = (await acs3Client({ endpoint: shanghaiEndpoint })('CreateKey', {})).KeyMetadata;
      expect(key.Arn).toContain(':cn-shanghai:');
      expect((await acs3Client(regional)('DescribeKey', { KeyId: key.KeyId, RegionId: 'cn-shanghai' })).KeyMetadata.KeyId).toBe(key.KeyId);
    } finally {
      await stopTestEmulator(regional);
    }
  });
});
