/**
 * Default keys (the region's default CMK, made on request, and KMS 1.0 keys: every instance-less key) and service keys
 * under alias/acs/<product>.
 */
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

  test('an instance-less CreateKey is an ordinary KMS 1.0 key: rotatable, deletable, never the default CMK', async () => {
    const key = (await acs3('CreateKey', { Description: 'first key of the account' })).KeyMetadata;
    expect(key.DefaultKey).toBeUndefined();
    await acs3('UpdateRotationPolicy', { KeyId: key.KeyId, EnableAutomaticRotation: true, RotationInterval: '30d' });
    await acs3('ScheduleKeyDeletion', { KeyId: key.KeyId, PendingWindowInDays: 7 });
    const rsa = (await acs3('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN/VERIFY' })).KeyMetadata;
    const ids = (await kms.listKeys(new $Kms.ListKeysRequest({ pageSize: 100 }))).keys.key.map((k) => k.keyId);
    expect(ids).toEqual(expect.arrayContaining([key.KeyId, rsa.KeyId]));
  });

  test('the default CMK is made on request: AES-256, SOFTWARE, no instance, marked, once per region', async () => {
    const made = await admin('default-key', {});
    expect(made.status).toBe(200);
    const metadata = ((await made.json()) as any).KeyMetadata;
    defaultKeyId = metadata.KeyId;
    expect(metadata).toMatchObject({ KeySpec: 'Aliyun_AES_256', ProtectionLevel: 'SOFTWARE', KeyState: 'Enabled', DefaultKey: true });
    expect(metadata.DKMSInstanceId).toBeUndefined();
    expect((await acs3('DescribeKey', { KeyId: defaultKeyId })).KeyMetadata.DefaultKey).toBe(true);
    // Asking again gives the same key; a Disabled one is enabled ("to use it, simply enable it").
    await acs3('DisableKey', { KeyId: defaultKeyId });
    const again = ((await (await admin('default-key', {})).json()) as any).KeyMetadata;
    expect(again).toMatchObject({ KeyId: defaultKeyId, KeyState: 'Enabled' });
    const shanghai = ((await (await admin('default-key', { regionId: 'cn-shanghai' })).json()) as any).KeyMetadata;
    expect(shanghai.KeyId).not.toBe(defaultKeyId);
  });

  test('the default CMK refuses rotation without the add-on', async () => {
    await expect(
      acs3('UpdateRotationPolicy', { KeyId: defaultKeyId, EnableAutomaticRotation: true, RotationInterval: '365d' }),
    ).rejects.toMatchObject({ code: 'Rejected.UnsupportedOperation' });
  });

  test('the default CMK is deletable like any CMK, its pending window applies, and it can be made again', async () => {
    await acs3('ScheduleKeyDeletion', { KeyId: defaultKeyId, PendingWindowInDays: 7 });
    expect((await acs3('DescribeKey', { KeyId: defaultKeyId })).KeyMetadata.KeyState).toBe('PendingDeletion');
    await emu.kms.lifecycle.advance(8 * 86_400_000);
    const next = ((await (await admin('default-key', {})).json()) as any).KeyMetadata;
    expect(next.KeyId).not.toBe(defaultKeyId);
  });

  test('with the add-on, the default CMK rotates every 365d and only that; --default-key makes it at start', async () => {
    const withAddon = await startTestEmulator({
      schedulerIntervalMs: 0,
      defaultKey: true,
      kms: { rotation: { defaultKeyRotation: true } },
    });
    try {
      const client = acs3Client(withAddon);
      const keys = (await client('ListKeys', {})).Keys.Key as { KeyId: string }[];
      expect(keys).toHaveLength(1);
      const { KeyId } = keys[0];
      expect((await client('DescribeKey', { KeyId })).KeyMetadata.DefaultKey).toBe(true);
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
