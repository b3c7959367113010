/** Default keys (the region's default CMK and KMS 1.0 keys) and service keys under alias/acs/<product>. */
import * as $Kms from '@alicloud/kms20160120';
import { acs3Client, kmsClient } from '../support/clients';
import { removeDir, startTestEmulator, type TestEmulator, useEmulator } from '../support/emulator';

let emu: TestEmulator;
let acs3: ReturnType<typeof acs3Client>;
let kms: ReturnType<typeof kmsClient>;
const admin = (path: string, body: unknown) =>
  fetch(`${emu.endpoint}/_alikms/${path}`, {
    method: 'POST',
    headers: { authorization: 'Basic ' + Buffer.from('test:test').toString('base64'), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

useEmulator(
  (e) => {
    emu = e;
    acs3 = acs3Client(emu);
    kms = kmsClient(emu);
  },
  { schedulerIntervalMs: 0 },
);

describe('default keys', () => {
  let defaultKeyId: string;

  test('the first instance-less key is the default CMK: AES-256, SOFTWARE, no instance, and cannot be deleted', async () => {
    const created = await acs3('CreateKey', { ProtectionLevel: 'HSM', Description: 'default' });
    defaultKeyId = created.KeyMetadata.KeyId;
    expect(created.KeyMetadata).toMatchObject({ KeySpec: 'Aliyun_AES_256', ProtectionLevel: 'SOFTWARE' });
    expect(created.KeyMetadata.DKMSInstanceId).toBeUndefined();
    await expect(acs3('ScheduleKeyDeletion', { KeyId: defaultKeyId, PendingWindowInDays: 7 })).rejects.toMatchObject({
      statusCode: 403,
      code: 'Forbidden.NoPermission',
    });
  });

  test('the default CMK refuses rotation without the add-on', async () => {
    await expect(
      acs3('UpdateRotationPolicy', { KeyId: defaultKeyId, EnableAutomaticRotation: true, RotationInterval: '365d' }),
    ).rejects.toMatchObject({
      code: 'Rejected.UnsupportedOperation',
    });
  });

  test('further instance-less keys are KMS 1.0 keys of any spec, listed the same way', async () => {
    const rsa = (await acs3('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN/VERIFY' })).KeyMetadata;
    const aes = (await acs3('CreateKey', {})).KeyMetadata;
    await acs3('ScheduleKeyDeletion', { KeyId: aes.KeyId, PendingWindowInDays: 7 }); // not the default key
    const ids = (await kms.listKeys(new $Kms.ListKeysRequest({ pageSize: 100 }))).keys.key.map((k) => k.keyId);
    expect(ids).toEqual(expect.arrayContaining([defaultKeyId, rsa.KeyId, aes.KeyId]));
  });

  test('with the add-on, the default CMK rotates every 365d and only that', async () => {
    const withAddon = await startTestEmulator({ schedulerIntervalMs: 0, kms: { rotation: { defaultKeyRotation: true } } });
    try {
      const client = acs3Client(withAddon);
      const { KeyId } = (await client('CreateKey', {})).KeyMetadata;
      await expect(client('UpdateRotationPolicy', { KeyId, EnableAutomaticRotation: true, RotationInterval: '30d' })).rejects.toMatchObject(
        {
          code: 'InvalidParameter',
        },
      );
      await client('UpdateRotationPolicy', { KeyId, EnableAutomaticRotation: true, RotationInterval: '365d' });
      expect((await client('DescribeKey', { KeyId })).KeyMetadata.RotationInterval).toBe('31536000s');
    } finally {
      await withAddon.stop();
      removeDir(withAddon.dir);
    }
  });
});

describe('service keys', () => {
  let serviceKeyId: string;

  test('the admin endpoint provisions alias/acs/<product> ahead of time, once', async () => {
    const first = (await (await admin('service-keys', { product: 'oss' })).json()) as any;
    expect(first.AliasName).toBe('alias/acs/oss');
    expect(first.KeyMetadata).toMatchObject({ Creator: 'oss', KeySpec: 'Aliyun_AES_256' });
    const again = (await (await admin('service-keys', { product: 'oss' })).json()) as any;
    expect(again.KeyMetadata.KeyId).toBe(first.KeyMetadata.KeyId);
    serviceKeyId = first.KeyMetadata.KeyId;
    expect((await admin('service-keys', { product: 'Not A Product' })).status).toBe(404);
  });

  test('service keys appear in ListKeys (CreatorType=Service), DescribeKey and ListAliases', async () => {
    const service = await acs3('ListKeys', { Filters: JSON.stringify([{ Key: 'CreatorType', Values: ['Service'] }]) });
    expect(service.Keys.Key.map((k: any) => k.KeyId)).toEqual([serviceKeyId]);
    const users = await acs3('ListKeys', { Filters: JSON.stringify([{ Key: 'CreatorType', Values: ['User'] }]), PageSize: 100 });
    expect(users.Keys.Key.map((k: any) => k.KeyId)).not.toContain(serviceKeyId);
    expect((await acs3('DescribeKey', { KeyId: 'alias/acs/oss' })).KeyMetadata.KeyId).toBe(serviceKeyId);
    const aliases = (await kms.listAliases(new $Kms.ListAliasesRequest({ pageSize: 100 }))).aliases.alias;
    expect(aliases).toEqual(expect.arrayContaining([expect.objectContaining({ aliasName: 'alias/acs/oss', keyId: serviceKeyId })]));
  });

  test.each([
    ['DisableKey', { KeyId: 'alias/acs/oss' }],
    ['ScheduleKeyDeletion', { KeyId: 'alias/acs/oss', PendingWindowInDays: 7 }],
    ['SetDeletionProtection', { KeyId: 'alias/acs/oss', EnableDeletionProtection: true }],
    ['UpdateKeyDescription', { KeyId: 'alias/acs/oss', Description: 'mine now' }],
    ['UpdateRotationPolicy', { KeyId: 'alias/acs/oss', EnableAutomaticRotation: true, RotationInterval: '30d' }],
    ['TagResource', { KeyId: 'alias/acs/oss', Tags: JSON.stringify([{ TagKey: 'a', TagValue: 'b' }]) }],
    ['SetKeyPolicy', { KeyId: 'alias/acs/oss', Policy: '{"Version":"1"}' }],
    ['CreateAlias', { KeyId: 'alias/acs/oss', AliasName: 'alias/my-oss' }],
  ])('%s on a service key is refused with 403', async (action, query) => {
    await expect(acs3(action, query)).rejects.toMatchObject({ statusCode: 403, code: 'Forbidden.NoPermission' });
  });

  test.each([
    ['CreateAlias', { KeyId: 'alias/acs/oss', AliasName: 'alias/acs/mine' }],
    ['UpdateAlias', { KeyId: 'alias/acs/oss', AliasName: 'alias/acs/oss' }],
    ['DeleteAlias', { AliasName: 'alias/acs/oss' }],
  ])('%s under alias/acs/ is refused', async (action, query) => {
    await expect(acs3(action, query)).rejects.toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
  });
});
