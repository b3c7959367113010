/** The instance lifecycle through BSS and the KMS API: purchase, connect, keys, quota, upgrade, release/refund. */
import * as $Kms from '@alicloud/kms20160120';
import { acs3Client, kmsClient } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { bssClient, buyInstance, connectInstance, readyInstance } from '../support/instances';
import { rpcV1Get, send } from '../support/raw';

let emu: TestEmulator;
let acs3: ReturnType<typeof acs3Client>;
let kms: ReturnType<typeof kmsClient>;

useEmulator(
  (e) => {
    emu = e;
    acs3 = acs3Client(emu);
    kms = kmsClient(emu);
  },
  { schedulerIntervalMs: 0, kms: { connectDelayMs: 60_000 } },
);

const getInstance = async (id: string) => (await acs3('GetKmsInstance', { KmsInstanceId: id })).KmsInstance;
const createKey = (query: Record<string, unknown>) => acs3('CreateKey', query);

test('a purchased instance is Uninitialized, then Connecting, then Connected', async () => {
  const id = await buyInstance(emu, { productVersion: '3' });
  expect(id).toMatch(/^kst-hzz[0-9a-z]{21}$/);
  const bought = await getInstance(id);
  expect(bought).toMatchObject({ Status: 'Uninitialized', Spec: 1000, KeyNum: 1000, ChargeType: 'PREPAY', InstanceKind: 'software' });
  await expect(createKey({ DKMSInstanceId: id })).rejects.toMatchObject({ statusCode: 409, code: 'Forbidden.DKMSInstanceStateInvalid' });

  await connectInstance(emu, id);
  expect((await getInstance(id)).Status).toBe('Connecting');
  await expect(connectInstance(emu, id)).rejects.toMatchObject({ statusCode: 409 });
  emu.clock.advance(60_000);
  const connected = await getInstance(id);
  expect(connected).toMatchObject({ Status: 'Connected', VpcId: 'vpc-bp19z7cwmltad5dff0001', ZoneIds: ['cn-hangzhou-k', 'cn-hangzhou-j'] });

  const listed = await acs3('ListKmsInstances', {});
  expect(listed.KmsInstances.KmsInstance).toEqual(
    expect.arrayContaining([{ KmsInstanceId: id, KmsInstanceArn: `acs:kms:cn-hangzhou:1234567890123456:instance/${id}` }]),
  );
  expect((await acs3('GetDefaultKmsInstance', {})).DefaultKmsInstanceId).toMatch(/^kst-/);
});

test('two ConnectKmsInstance calls racing for one instance: exactly one connects it', async () => {
  const id = await buyInstance(emu);
  // Each write of an instance waits until both requests have reached the instance service, so their checks overlap.
  const { instances } = emu.kms;
  const { store } = emu;
  let entered = 0;
  let bothEntered!: () => void;
  const both = new Promise<void>((resolve) => (bothEntered = resolve));
  const [update, putInstance] = [instances.update.bind(instances), store.putInstance.bind(store)];
  instances.update = (...args) => (++entered === 2 && bothEntered(), update(...args));
  store.putInstance = async (instance) => (await both, putInstance(instance));
  try {
    const results = await Promise.allSettled([connectInstance(emu, id), connectInstance(emu, id)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
      statusCode: 409,
      code: 'Forbidden.DKMSInstanceStateInvalid',
    });
  } finally {
    instances.update = update;
    store.putInstance = putInstance;
  }
});

test('a ClientToken makes a retried purchase return the same instance', async () => {
  const a = await buyInstance(emu, { clientToken: 'order-42' });
  const b = await buyInstance(emu, { clientToken: 'order-42' });
  expect(b).toBe(a);
});

test('keys in a software instance are SOFTWARE whatever the request says, and count against KeyNum', async () => {
  const id = await buyInstance(emu, { keyNum: 100 });
  await connectInstance(emu, id);
  emu.clock.advance(60_000);
  const key = (await createKey({ DKMSInstanceId: id, ProtectionLevel: 'HSM' })).KeyMetadata;
  expect(key).toMatchObject({ DKMSInstanceId: id, ProtectionLevel: 'SOFTWARE' });
  const described = await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: key.KeyId }));
  expect(described.keyMetadata.protectionLevel).toBe('SOFTWARE');
  await expect(createKey({ DKMSInstanceId: id, KeySpec: 'Aliyun_AES_128' })).rejects.toMatchObject({ code: 'Unsupported.KeySpec' });

  for (let n = 1; n < 100; n++) await createKey({ DKMSInstanceId: id });
  await expect(createKey({ DKMSInstanceId: id })).rejects.toMatchObject({ statusCode: 400, code: 'Rejected.LimitExceeded' });
  const quota = await acs3('GetKmsInstanceQuotaInfos', { KmsInstanceId: id, ResourceType: 'key' });
  expect(quota.KmsInstanceQuotaInfos).toEqual([{ ResourceType: 'key', ResourceQuota: 100, UsedQuantity: 100 }]);

  // Upgrading KeyNum makes room; downgrades are refused.
  const bss = bssClient(emu);
  const modify = (value: string) =>
    bss.request(
      'ModifyInstance',
      { ProductCode: 'kms', InstanceId: id, ModifyType: 'Upgrade', 'Parameter.1.Code': 'KeyNum', 'Parameter.1.Value': value },
      { method: 'POST' },
    );
  await modify('200');
  expect((await getInstance(id)).KeyNum).toBe(200);
  await createKey({ DKMSInstanceId: id });
  await expect(modify('150')).rejects.toMatchObject({ code: 'InvalidParameter' });
});

test('keys in a hardware instance are HSM and rotate only when stored in the encrypted database', async () => {
  const id = await buyInstance(emu, { productVersion: 'hardware' });
  await connectInstance(emu, id);
  emu.clock.advance(60_000);
  const instance = await getInstance(id);
  expect(instance).toMatchObject({ InstanceKind: 'hardware', HsmMode: 'simulated' });
  const internal = (await createKey({ DKMSInstanceId: id, KeySpec: 'Aliyun_AES_128' })).KeyMetadata;
  expect(internal.ProtectionLevel).toBe('HSM');
  await expect(
    acs3('UpdateRotationPolicy', { KeyId: internal.KeyId, EnableAutomaticRotation: true, RotationInterval: '30d' }),
  ).rejects.toMatchObject({
    code: 'Rejected.UnsupportedOperation',
  });
  const db = (await createKey({ DKMSInstanceId: id, KeyStorageMechanism: 'HsmEncryptedDatabase' })).KeyMetadata;
  await acs3('UpdateRotationPolicy', { KeyId: db.KeyId, EnableAutomaticRotation: true, RotationInterval: '30d' });
  expect((await acs3('DescribeKey', { KeyId: db.KeyId })).KeyMetadata).toMatchObject({
    AutomaticRotation: 'Enabled',
    RotationInterval: '2592000s',
  });
});

test('cryptographic calls beyond the instance Spec are throttled with 429 and x-acs-retry-after', async () => {
  const id = await readyInstance(emu, { spec: 200 });
  emu.clock.advance(60_000);
  const { KeyId } = (await createKey({ DKMSInstanceId: id })).KeyMetadata;
  // 600 Encrypts take well under the 3 s it would need to stay at 200 per second on this machine.
  const results = await Promise.allSettled(Array.from({ length: 600 }, () => acs3('Encrypt', { KeyId, Plaintext: 'aGVsbG8=' })));
  const throttled = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(throttled.length).toBeGreaterThan(0);
  expect(throttled[0].reason).toMatchObject({ statusCode: 429, code: 'Rejected.Throttling' });
  const raw = await Promise.all(
    Array.from({ length: 300 }, () => send(emu.endpoint, rpcV1Get('Encrypt', { KeyId, Plaintext: 'aGVsbG8=' }))),
  );
  const limited = raw.find((r) => r.status === 429);
  expect(limited?.headers['x-acs-retry-after']).toBe('1000');
  expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(200);
  // Control-plane calls are not counted against the instance's QPS.
  await acs3('DescribeKey', { KeyId });
});

test('release and refund: by charge type, blocked by deletion protection and by live keys', async () => {
  const payg = await readyInstance(emu, { payAsYouGo: true });
  const sub = await readyInstance(emu, {});
  emu.clock.advance(60_000);
  await expect(acs3('ReleaseKmsInstance', { KmsInstanceId: sub })).rejects.toMatchObject({ code: 'Rejected.UnsupportedOperation' });

  await acs3('SetDeletionProtection', { KmsInstanceId: payg, EnableDeletionProtection: true, DeletionProtectionDescription: 'prod' });
  expect((await getInstance(payg)).DeletionProtection).toBe(true);
  await expect(acs3('ReleaseKmsInstance', { KmsInstanceId: payg })).rejects.toMatchObject({ code: 'Rejected.DeletionProtection' });
  await acs3('SetDeletionProtection', { KmsInstanceId: payg, EnableDeletionProtection: false });

  const { KeyId } = (await createKey({ DKMSInstanceId: payg })).KeyMetadata;
  await expect(acs3('ReleaseKmsInstance', { KmsInstanceId: payg })).rejects.toMatchObject({ code: 'Rejected.UnsupportedOperation' });
  await acs3('ScheduleKeyDeletion', { KeyId, PendingWindowInDays: 7 });
  await acs3('ReleaseKmsInstance', { KmsInstanceId: payg });
  await expect(getInstance(payg)).rejects.toMatchObject({ statusCode: 404 });
  await expect(acs3('DescribeKey', { KeyId })).rejects.toMatchObject({ code: 'Forbidden.KeyNotFound' });

  const bss = bssClient(emu);
  const renewal = (await bss.request('QueryAvailableInstances', { ProductCode: 'kms', InstanceIDs: sub }, { method: 'POST' })) as any;
  expect(renewal.Data.InstanceList[0]).toMatchObject({ InstanceID: sub, SubscriptionType: 'Subscription', RenewStatus: 'ManualRenewal' });
  await bss.request(
    'SetRenewal',
    { ProductCode: 'kms', InstanceIDs: sub, RenewalStatus: 'AutoRenewal', RenewalPeriod: 12 },
    { method: 'POST' },
  );
  const after = (await bss.request('QueryAvailableInstances', { ProductCode: 'kms', InstanceIDs: sub }, { method: 'POST' })) as any;
  expect(after.Data.InstanceList[0]).toMatchObject({ RenewStatus: 'AutoRenewal', RenewalDuration: 12 });

  await bss.request('RefundInstance', { ProductCode: 'kms', InstanceId: sub, ImmediatelyRelease: '1' }, { method: 'POST' });
  await expect(
    bss.request('RefundInstance', { ProductCode: 'kms', InstanceId: sub, ImmediatelyRelease: '1' }, { method: 'POST' }),
  ).rejects.toMatchObject({
    code: 'ResourceNotExists',
  });
});

test('a key naming an unknown instance is refused', async () => {
  await expect(createKey({ DKMSInstanceId: 'kst-hzz000000000000000000000' })).rejects.toMatchObject({
    statusCode: 404,
    code: 'Forbidden.KmsInstanceNotFound',
  });
});

test('instances take tags through the batch tag actions (ResourceType=instance), and ListKmsInstances filters', async () => {
  const a = await readyInstance(emu, { productVersion: 'software' });
  const b = await buyInstance(emu, { productVersion: 'hardware', payAsYouGo: true });
  await acs3('TagResources', {
    RegionId: 'cn-hangzhou',
    ResourceType: 'instance',
    ResourceId: [a, b],
    Tag: [{ Key: 'team', Value: 'payments' }],
  });
  await acs3('UntagResources', { RegionId: 'cn-hangzhou', ResourceType: 'instance', ResourceId: [b], TagKey: ['team'] });
  const listed = await acs3('ListTagResources', { RegionId: 'cn-hangzhou', ResourceType: 'instance', ResourceId: [a, b] });
  expect(listed.TagResources.TagResource).toEqual([{ ResourceId: a, ResourceType: 'instance', TagKey: 'team', TagValue: 'payments' }]);
  await expect(
    acs3('TagResources', {
      RegionId: 'cn-hangzhou',
      ResourceType: 'instance',
      ResourceId: ['kst-hzznothere'],
      Tag: [{ Key: 'x', Value: 'y' }],
    }),
  ).rejects.toMatchObject({ statusCode: 404, code: 'Forbidden.KmsInstanceNotFound' });

  const filter = (Key: string, Values: string[]) =>
    acs3('ListKmsInstances', { Filters: JSON.stringify([{ Key, Values }]), PageSize: 100 }).then((r) =>
      r.KmsInstances.KmsInstance.map((x: any) => x.KmsInstanceId),
    );
  expect(await filter('KmsInstanceId', [b])).toEqual([b]);
  expect(await filter('ChargeType', ['POSTPAY'])).toContain(b);
  expect(await filter('ChargeType', ['POSTPAY'])).not.toContain(a);
  expect(await filter('Status', ['Uninitialized'])).toContain(b);
  expect(await filter('InstanceKind', ['hardware'])).not.toContain(a);
  await expect(filter('Colour', ['blue'])).rejects.toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
});
