/**
 * Key control plane through the official clients: CreateKey, DescribeKey, ListKeys (paging, Filters), Enable/DisableKey,
 * Schedule/CancelKeyDeletion, SetDeletionProtection, UpdateKeyDescription, UpdateRotationPolicy, Get/SetKeyPolicy,
 * DescribeRegions. Each test that counts keys works in its own account so the counts do not depend on test order.
 */
import * as $Kms from '@alicloud/kms20160120';
import { Accounts, DEFAULT_ACCOUNT_ID } from '../../src/wire/accounts';
import { acs3Client, kmsClient, popClient } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';

const DAY_MS = 86_400_000;
const ACCOUNTS = new Accounts([
  { accountId: DEFAULT_ACCOUNT_ID, id: 'test', secret: 'test' },
  { accountId: '2000000000000001', id: 'pager', secret: 'pager-secret' },
  { accountId: '2000000000000002', id: 'filterer', secret: 'filterer-secret' },
]);

let emu: TestEmulator;
let kms: ReturnType<typeof kmsClient>;
let acs3: ReturnType<typeof acs3Client>;
useEmulator(
  (e) => {
    emu = e;
    kms = kmsClient(emu);
    acs3 = acs3Client(emu);
  },
  { accounts: ACCOUNTS },
);

const newKey = async (req: Partial<$Kms.CreateKeyRequest> = {}) => (await kms.createKey(new $Kms.CreateKeyRequest(req))).keyMetadata;
const describe_ = async (keyId: string) => (await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('CreateKey', () => {
  test('defaults: an Enabled software AES-256 key for encryption', async () => {
    const k = await newKey();
    expect(k).toMatchObject({
      keySpec: 'Aliyun_AES_256',
      keyUsage: 'ENCRYPT/DECRYPT',
      keyState: 'Enabled',
      origin: 'Aliyun_KMS',
      protectionLevel: 'SOFTWARE',
      creator: DEFAULT_ACCOUNT_ID,
      description: '',
      deleteDate: '',
      automaticRotation: 'Disabled',
      arn: `acs:kms:cn-hangzhou:${DEFAULT_ACCOUNT_ID}:key/${k.keyId}`,
    });
    expect(k.keyId).toMatch(/^key-hzz[0-9a-z]{21}$/);
    expect(k.creationDate).toMatch(ISO);
    expect(k.primaryKeyVersion).toMatch(UUID);
  });

  test('asymmetric specs default to SIGN/VERIFY where they can sign', async () => {
    expect((await newKey({ keySpec: 'RSA_2048' })).keyUsage).toBe('SIGN/VERIFY');
    expect((await newKey({ keySpec: 'EC_SM2', keyUsage: 'ENCRYPT/DECRYPT' })).keyUsage).toBe('ENCRYPT/DECRYPT');
    expect((await newKey({ keySpec: 'EC_P256', protectionLevel: 'HSM' })).protectionLevel).toBe('HSM');
  });

  test('EXTERNAL keys wait for their material', async () => {
    const k = await newKey({ origin: 'EXTERNAL' });
    expect(k).toMatchObject({ origin: 'EXTERNAL', keyState: 'PendingImport' });
  });

  test('automatic rotation with an interval', async () => {
    const k = await newKey({ enableAutomaticRotation: true, rotationInterval: '7d' });
    expect(k).toMatchObject({ automaticRotation: 'Enabled', rotationInterval: '604800s' });
    expect(Date.parse(k.nextRotationDate) - Date.parse(k.lastRotationDate)).toBe(7 * DAY_MS);
  });

  test('tags and a policy at creation (ACS3)', async () => {
    const policy = JSON.stringify({
      Version: '1',
      Statement: [{ Effect: 'Allow', Principal: { RAM: [`acs:ram::${DEFAULT_ACCOUNT_ID}:*`] }, Action: 'kms:*', Resource: '*' }],
    });
    const res = await acs3('CreateKey', { Tags: JSON.stringify([{ TagKey: 'team', TagValue: 'kms' }]), Policy: policy });
    const keyId = res.KeyMetadata.KeyId as string;
    expect((await kms.listResourceTags(new $Kms.ListResourceTagsRequest({ keyId }))).tags.tag).toEqual([
      { keyId, tagKey: 'team', tagValue: 'kms' },
    ]);
    expect((await acs3('GetKeyPolicy', { KeyId: keyId })).Policy).toBe(policy);
  });

  test('invalid combinations are refused', async () => {
    await expectError(newKey({ keySpec: 'Aliyun_AES_512' }), 'InvalidParameter', 400);
    await expectError(newKey({ keySpec: 'EC_P256', keyUsage: 'ENCRYPT/DECRYPT' }), 'InvalidParameter', 400);
    await expectError(newKey({ keyUsage: 'SIGN/VERIFY' }), 'InvalidParameter', 400);
    await expectError(newKey({ keySpec: 'RSA_2048', origin: 'EXTERNAL' }), 'Unsupported.Origin', 400);
    await expectError(newKey({ origin: 'aliyun_kms' }), 'InvalidParameter', 400);
    await expectError(newKey({ description: 'x'.repeat(8193) }), 'InvalidParameter', 400);
    await expectError(newKey({ enableAutomaticRotation: true }), 'MissingParameter', 400);
    await expectError(newKey({ enableAutomaticRotation: true, rotationInterval: '6d' }), 'InvalidParameter', 400);
    await expectError(newKey({ enableAutomaticRotation: true, rotationInterval: 'weekly' }), 'InvalidParameter', 400);
    await expectError(
      newKey({ keySpec: 'RSA_2048', enableAutomaticRotation: true, rotationInterval: '30d' }),
      'Rejected.UnsupportedOperation',
      409,
    );
    await expectError(acs3('CreateKey', { Policy: 'not json' }), 'InvalidParameter', 400);
    await expectError(acs3('CreateKey', { Tags: JSON.stringify([{ TagKey: 'acs:x', TagValue: 'v' }]) }), 'InvalidParameter', 400);
  });
});

describe('DescribeKey', () => {
  test('by key ID, alias and ARN', async () => {
    const k = await newKey({ description: 'described' });
    await kms.createAlias(new $Kms.CreateAliasRequest({ keyId: k.keyId, aliasName: 'alias/described' }));
    for (const ref of [k.keyId, 'alias/described', k.arn]) expect(await describe_(ref)).toEqual(k);
  });

  test('ACS3 and pop-core see the fields 1.2.0 drops', async () => {
    const k = await newKey();
    const viaAcs3 = (await acs3('DescribeKey', { KeyId: k.keyId })).KeyMetadata;
    expect(viaAcs3).toMatchObject({ KeyId: k.keyId, DeletionProtection: 'Disabled', AutomaticRotation: 'Disabled' });
    const viaPop = ((await popClient(emu).request('DescribeKey', { KeyId: k.keyId })) as any).KeyMetadata;
    expect(viaPop).toEqual(viaAcs3);
  });

  test('unknown, missing and foreign references', async () => {
    await expectError(describe_('key-hzz000000000000000000000'), 'Forbidden.KeyNotFound', 404);
    await expectError(describe_('alias/never-made'), 'Forbidden.AliasNotFound', 404);
    await expectError(kms.describeKey(new $Kms.DescribeKeyRequest({})), 'MissingParameter', 400);
    const k = await newKey();
    await expectError(describe_(k.arn.replace('cn-hangzhou', 'cn-beijing')), 'Forbidden.KeyNotFound', 404);
    await expectError(describe_(k.arn.replace(DEFAULT_ACCOUNT_ID, '2000000000000001')), 'Forbidden.KeyNotFound', 404);
  });
});

describe('ListKeys', () => {
  test('pages through every key, oldest first', async () => {
    const pager = kmsClient({ ...emu, accessKeyId: 'pager', accessKeySecret: 'pager-secret' });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await pager.createKey(new $Kms.CreateKeyRequest({}))).keyMetadata.keyId);
    const seen: string[] = [];
    for (const [pageNumber, size] of [
      [1, 2],
      [2, 2],
      [3, 1],
      [4, 0],
    ]) {
      const res = await pager.listKeys(new $Kms.ListKeysRequest({ pageNumber, pageSize: 2 }));
      expect(res).toMatchObject({ totalCount: 5, pageNumber, pageSize: 2 });
      expect(res.keys.key).toHaveLength(size);
      for (const k of res.keys.key) expect(k.keyArn).toBe(`acs:kms:cn-hangzhou:2000000000000001:key/${k.keyId}`);
      seen.push(...res.keys.key.map((k) => k.keyId));
    }
    expect(seen).toEqual(made);
    const all = await pager.listKeys(new $Kms.ListKeysRequest({}));
    expect(all).toMatchObject({ totalCount: 5, pageNumber: 1, pageSize: 10 });
    await expectError(pager.listKeys(new $Kms.ListKeysRequest({ pageSize: 101 })), 'InvalidParameter', 400);
    await expectError(pager.listKeys(new $Kms.ListKeysRequest({ pageNumber: -1 })), 'InvalidParameter', 400);
  });

  test('Filters: AND across keys, OR within values', async () => {
    const creds = { ...emu, accessKeyId: 'filterer', accessKeySecret: 'filterer-secret' };
    const f = acs3Client(creds);
    const create = async (q: Record<string, string> = {}) => (await f('CreateKey', q)).KeyMetadata.KeyId as string;
    const aes = await create();
    const disabled = await create();
    await f('DisableKey', { KeyId: disabled });
    const hsm = await create({ ProtectionLevel: 'HSM' });
    const ec = await create({ KeySpec: 'EC_P256' });
    const pending = await create();
    await f('ScheduleKeyDeletion', { KeyId: pending, PendingWindowInDays: '30' });
    const list = async (filters: unknown) => {
      const res = await f('ListKeys', { Filters: JSON.stringify(filters), PageSize: 100 });
      return (res.Keys.Key as { KeyId: string }[]).map((k) => k.KeyId).sort();
    };
    const sorted = (...ids: string[]) => ids.sort();
    expect(await list([{ Key: 'KeyState', Values: ['Enabled'] }])).toEqual(sorted(aes, hsm, ec));
    expect(await list([{ Key: 'KeyState', Values: ['Disabled', 'PendingDeletion'] }])).toEqual(sorted(disabled, pending));
    expect(await list([{ Key: 'KeySpec', Values: ['EC_P256'] }])).toEqual([ec]);
    expect(await list([{ Key: 'KeyUsage', Values: ['SIGN/VERIFY'] }])).toEqual([ec]);
    expect(await list([{ Key: 'ProtectionLevel', Values: ['HSM'] }])).toEqual([hsm]);
    expect(await list([{ Key: 'CreatorType', Values: ['User'] }])).toEqual(sorted(aes, disabled, hsm, ec, pending));
    expect(await list([{ Key: 'CreatorType', Values: ['Service'] }])).toEqual([]);
    expect(
      await list([
        { Key: 'KeyState', Values: ['Enabled'] },
        { Key: 'KeySpec', Values: ['Aliyun_AES_256'] },
        { Key: 'ProtectionLevel', Values: ['SOFTWARE'] },
      ]),
    ).toEqual([aes]);
    const page = await f('ListKeys', { Filters: JSON.stringify([{ Key: 'KeyState', Values: ['Enabled'] }]), PageSize: 2, PageNumber: 2 });
    expect(page).toMatchObject({ TotalCount: 3, PageNumber: 2, PageSize: 2 });
    expect(page.Keys.Key).toHaveLength(1);
    await expectError(f('ListKeys', { Filters: 'KeyState=Enabled' }), 'InvalidParameter', 400);
    await expectError(f('ListKeys', { Filters: JSON.stringify([{ Key: 'Colour', Values: ['red'] }]) }), 'InvalidParameter', 400);
  });
});

describe('Enable / Disable', () => {
  test('round trip, and repeating a change is harmless', async () => {
    const k = await newKey();
    await kms.disableKey(new $Kms.DisableKeyRequest({ keyId: k.keyId }));
    expect((await describe_(k.keyId)).keyState).toBe('Disabled');
    await kms.disableKey(new $Kms.DisableKeyRequest({ keyId: k.keyId }));
    await kms.enableKey(new $Kms.EnableKeyRequest({ keyId: k.keyId }));
    expect((await describe_(k.keyId)).keyState).toBe('Enabled');
    await kms.enableKey(new $Kms.EnableKeyRequest({ keyId: k.keyId }));
    await expectError(kms.enableKey(new $Kms.EnableKeyRequest({ keyId: 'key-nope' })), 'Forbidden.KeyNotFound', 404);
    await expectError(kms.disableKey(new $Kms.DisableKeyRequest({})), 'MissingParameter', 400);
  });
});

describe('ScheduleKeyDeletion / CancelKeyDeletion', () => {
  test('a pending window of 7 to 366 days', async () => {
    for (const days of [7, 366]) {
      const k = await newKey();
      const before = emu.clock.now();
      await kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId: k.keyId, pendingWindowInDays: days }));
      const after = emu.clock.now();
      const d = await describe_(k.keyId);
      expect(d.keyState).toBe('PendingDeletion');
      expect(d.deleteDate).toMatch(ISO);
      const deleteAt = Date.parse(d.deleteDate);
      expect(deleteAt).toBeGreaterThanOrEqual(Math.floor((before + days * DAY_MS) / 1000) * 1000);
      expect(deleteAt).toBeLessThanOrEqual(after + days * DAY_MS);
    }
    const k = await newKey();
    for (const days of [0, 6, 367])
      await expectError(
        kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId: k.keyId, pendingWindowInDays: days })),
        'InvalidParameter',
        400,
      );
    await expectError(kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId: k.keyId })), 'MissingParameter', 400);
    await expectError(acs3('ScheduleKeyDeletion', { KeyId: k.keyId, PendingWindowInDays: '7.5' }), 'InvalidParameter', 400);
    expect((await describe_(k.keyId)).keyState).toBe('Enabled');
  });

  test('cancelling returns the key to Enabled, even if it was Disabled', async () => {
    const k = await newKey();
    await kms.disableKey(new $Kms.DisableKeyRequest({ keyId: k.keyId }));
    await kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId: k.keyId, pendingWindowInDays: 7 }));
    await kms.cancelKeyDeletion(new $Kms.CancelKeyDeletionRequest({ keyId: k.keyId }));
    const d = await describe_(k.keyId);
    expect(d).toMatchObject({ keyState: 'Enabled', deleteDate: '' });
    await expectError(kms.cancelKeyDeletion(new $Kms.CancelKeyDeletionRequest({ keyId: k.keyId })), 'Rejected.StateModifiedFailed', 409);
  });
});

describe('SetDeletionProtection (ACS3: not in the 1.2.0 SDK)', () => {
  test('blocks ScheduleKeyDeletion until switched off', async () => {
    const k = await newKey();
    await acs3('SetDeletionProtection', {
      ProtectedResourceArn: k.arn,
      EnableDeletionProtection: true,
      DeletionProtectionDescription: 'prod',
    });
    expect((await acs3('DescribeKey', { KeyId: k.keyId })).KeyMetadata).toMatchObject({
      DeletionProtection: 'Enabled',
      DeletionProtectionDescription: 'prod',
    });
    await expectError(
      kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId: k.keyId, pendingWindowInDays: 7 })),
      'Rejected.DeletionProtection',
      409,
    );
    expect((await describe_(k.keyId)).keyState).toBe('Enabled');
    await acs3('SetDeletionProtection', { ProtectedResourceArn: k.arn, EnableDeletionProtection: false });
    expect((await acs3('DescribeKey', { KeyId: k.keyId })).KeyMetadata.DeletionProtection).toBe('Disabled');
    await kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId: k.keyId, pendingWindowInDays: 7 }));
  });

  test('errors', async () => {
    const k = await newKey();
    await expectError(acs3('SetDeletionProtection', { EnableDeletionProtection: true }), 'MissingParameter', 400);
    await expectError(acs3('SetDeletionProtection', { ProtectedResourceArn: k.arn }), 'MissingParameter', 400);
    await expectError(
      acs3('SetDeletionProtection', { ProtectedResourceArn: k.arn, EnableDeletionProtection: 'yes' }),
      'InvalidParameter',
      400,
    );
    await expectError(
      acs3('SetDeletionProtection', {
        ProtectedResourceArn: `acs:kms:cn-hangzhou:${DEFAULT_ACCOUNT_ID}:key/key-nope`,
        EnableDeletionProtection: true,
      }),
      'Forbidden.KeyNotFound',
      404,
    );
  });
});

describe('UpdateKeyDescription', () => {
  test('sets, and an empty description clears', async () => {
    const k = await newKey({ description: 'old' });
    await kms.updateKeyDescription(new $Kms.UpdateKeyDescriptionRequest({ keyId: k.keyId, description: 'new 中文 & more' }));
    expect((await describe_(k.keyId)).description).toBe('new 中文 & more');
    await kms.updateKeyDescription(new $Kms.UpdateKeyDescriptionRequest({ keyId: k.keyId, description: '' }));
    expect((await describe_(k.keyId)).description).toBe('');
    await expectError(
      kms.updateKeyDescription(new $Kms.UpdateKeyDescriptionRequest({ keyId: k.keyId, description: 'd'.repeat(8193) })),
      'InvalidParameter',
      400,
    );
    await expectError(
      kms.updateKeyDescription(new $Kms.UpdateKeyDescriptionRequest({ keyId: 'key-nope', description: 'x' })),
      'Forbidden.KeyNotFound',
      404,
    );
  });
});

describe('UpdateRotationPolicy', () => {
  test('on with an interval, shown as seconds; off again', async () => {
    const k = await newKey();
    await kms.updateRotationPolicy(
      new $Kms.UpdateRotationPolicyRequest({ keyId: k.keyId, enableAutomaticRotation: true, rotationInterval: '30d' }),
    );
    const on = await describe_(k.keyId);
    expect(on).toMatchObject({ automaticRotation: 'Enabled', rotationInterval: '2592000s' });
    expect(on.nextRotationDate).toMatch(ISO);
    await kms.disableKey(new $Kms.DisableKeyRequest({ keyId: k.keyId }));
    expect((await describe_(k.keyId)).automaticRotation).toBe('Suspended');
    await kms.updateRotationPolicy(new $Kms.UpdateRotationPolicyRequest({ keyId: k.keyId, enableAutomaticRotation: false }));
    expect((await acs3('DescribeKey', { KeyId: k.keyId })).KeyMetadata.AutomaticRotation).toBe('Disabled');
  });

  test('intervals and keys that cannot rotate', async () => {
    const k = await newKey();
    const req = (q: Partial<$Kms.UpdateRotationPolicyRequest>) =>
      kms.updateRotationPolicy(new $Kms.UpdateRotationPolicyRequest({ keyId: k.keyId, ...q }));
    await expectError(req({ enableAutomaticRotation: true }), 'MissingParameter', 400);
    await expectError(req({ enableAutomaticRotation: true, rotationInterval: '731d' }), 'InvalidParameter', 400);
    await expectError(req({ enableAutomaticRotation: true, rotationInterval: '604799s' }), 'InvalidParameter', 400);
    await req({ enableAutomaticRotation: true, rotationInterval: '168h' });
    expect((await describe_(k.keyId)).rotationInterval).toBe('604800s');
    await expectError(kms.updateRotationPolicy(new $Kms.UpdateRotationPolicyRequest({ keyId: k.keyId })), 'MissingParameter', 400);
    const rsa = await newKey({ keySpec: 'EC_P256' });
    await expectError(
      kms.updateRotationPolicy(
        new $Kms.UpdateRotationPolicyRequest({ keyId: rsa.keyId, enableAutomaticRotation: true, rotationInterval: '30d' }),
      ),
      'Rejected.UnsupportedOperation',
      409,
    );
    const external = await newKey({ origin: 'EXTERNAL' });
    await expectError(
      kms.updateRotationPolicy(
        new $Kms.UpdateRotationPolicyRequest({ keyId: external.keyId, enableAutomaticRotation: true, rotationInterval: '30d' }),
      ),
      'Unsupported.Origin',
      400,
    );
  });
});

describe('GetKeyPolicy / SetKeyPolicy (ACS3)', () => {
  test('the default policy (the owning account, kms:*), then the one set', async () => {
    const k = await newKey();
    expect(JSON.parse((await acs3('GetKeyPolicy', { KeyId: k.keyId, PolicyName: 'default' })).Policy)).toEqual({
      Version: '1',
      Statement: [
        {
          Sid: 'kms default key policy',
          Effect: 'Allow',
          Principal: { RAM: [`acs:ram::${DEFAULT_ACCOUNT_ID}:*`] },
          Action: ['kms:*'],
          Resource: ['*'],
        },
      ],
    });
    const policy = JSON.stringify({
      Version: '1',
      Statement: [{ Effect: 'Allow', Principal: { RAM: [`acs:ram::${DEFAULT_ACCOUNT_ID}:root`] }, Action: ['kms:*'], Resource: ['*'] }],
    });
    await acs3('SetKeyPolicy', { KeyId: k.keyId, PolicyName: 'default', Policy: policy });
    expect((await acs3('GetKeyPolicy', { KeyId: k.arn })).Policy).toBe(policy);
    expect(((await popClient(emu).request('GetKeyPolicy', { KeyId: k.keyId })) as any).Policy).toBe(policy);
  });

  test('errors', async () => {
    const k = await newKey();
    await expectError(acs3('GetKeyPolicy', { KeyId: k.keyId, PolicyName: 'other' }), 'InvalidParameter', 400);
    await expectError(acs3('GetKeyPolicy', {}), 'MissingParameter', 400);
    await expectError(acs3('SetKeyPolicy', { KeyId: k.keyId }), 'MissingParameter', 400);
    await expectError(acs3('SetKeyPolicy', { KeyId: k.keyId, Policy: '[1,2]' }), 'InvalidParameter', 400);
    await expectError(acs3('SetKeyPolicy', { KeyId: 'key-nope', Policy: '{}' }), 'Forbidden.KeyNotFound', 404);
    // 32 KiB is over the URL size the server reads, so this one goes as a form body (pop-core POST).
    const huge = JSON.stringify({ Version: '1', Statement: [], Pad: 'p'.repeat(32_768) });
    await expectError(
      popClient(emu).request('SetKeyPolicy', { KeyId: k.keyId, Policy: huge }, { method: 'POST' }),
      'InvalidParameter',
      400,
    );
  });
});

describe('DescribeRegions', () => {
  test('lists the regions served, through every client', async () => {
    const regions = (await kms.describeRegions(new $Kms.DescribeRegionsRequest({}))).regions.region.map((r) => r.regionId);
    expect(regions).toEqual(expect.arrayContaining(['cn-hangzhou', 'cn-shanghai', 'ap-southeast-1', 'eu-central-1']));
    expect(new Set(regions).size).toBe(regions.length);
    const viaPop = ((await popClient(emu).request('DescribeRegions', {})) as any).Regions.Region.map((r: any) => r.RegionId);
    expect(viaPop).toEqual(regions);
    expect((await acs3('DescribeRegions')).Regions.Region.map((r: any) => r.RegionId)).toEqual(regions);
  });
});
