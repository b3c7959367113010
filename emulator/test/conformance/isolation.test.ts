/**
 * Scopes: two accounts never see each other's keys or aliases, and two regions (chosen by the RegionId parameter or by
 * the `kms.<region>.aliyuncs.com` Host header) are separate even within one account.
 */
import * as $Kms from '@alicloud/kms20160120';
import { Accounts } from '../../src/wire/accounts';
import { acs3Client, kmsClient, popClient } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';
import { acs3Post, rpcV1Get, send } from '../support/raw';

const A = { accountId: '5000000000000001', id: 'alice', secret: 'alice-secret' };
const B = { accountId: '5000000000000002', id: 'bob', secret: 'bob-secret' };

let emu: TestEmulator;
useEmulator(
  (e) => {
    emu = e;
  },
  { accounts: new Accounts([A, B]) },
);

const as = (k: typeof A) => ({ ...emu, accessKeyId: k.id, accessKeySecret: k.secret });

describe('accounts', () => {
  test('keys and aliases of one account are invisible to another', async () => {
    const alice = kmsClient(as(A));
    const bob = kmsClient(as(B));
    const key = (await alice.createKey(new $Kms.CreateKeyRequest({}))).keyMetadata;
    expect(key.arn).toBe(`acs:kms:cn-hangzhou:${A.accountId}:key/${key.keyId}`);
    await alice.createAlias(new $Kms.CreateAliasRequest({ aliasName: 'alias/shared-name', keyId: key.keyId }));

    expect((await bob.listKeys(new $Kms.ListKeysRequest({}))).totalCount).toBe(0);
    expect((await bob.listAliases(new $Kms.ListAliasesRequest({}))).totalCount).toBe(0);
    for (const ref of [key.keyId, key.arn]) {
      await expectError(bob.describeKey(new $Kms.DescribeKeyRequest({ keyId: ref })), 'Forbidden.KeyNotFound', 404);
      await expectError(bob.disableKey(new $Kms.DisableKeyRequest({ keyId: ref })), 'Forbidden.KeyNotFound', 404);
      await expectError(
        bob.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId: ref, pendingWindowInDays: 7 })),
        'Forbidden.KeyNotFound',
        404,
      );
      await expectError(
        bob.tagResource(new $Kms.TagResourceRequest({ keyId: ref, tags: '[{"TagKey":"a","TagValue":"b"}]' })),
        'Forbidden.KeyNotFound',
        404,
      );
      await expectError(
        bob.createAlias(new $Kms.CreateAliasRequest({ aliasName: 'alias/stolen', keyId: ref })),
        'Forbidden.KeyNotFound',
        404,
      );
      await expectError(bob.listKeyVersions(new $Kms.ListKeyVersionsRequest({ keyId: ref })), 'Forbidden.KeyNotFound', 404);
    }
    await expectError(bob.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'alias/shared-name' })), 'Forbidden.AliasNotFound', 404);
    await expectError(bob.deleteAlias(new $Kms.DeleteAliasRequest({ aliasName: 'alias/shared-name' })), 'Forbidden.AliasNotFound', 404);
    await expectError(
      acs3Client(as(B))('TagResources', {
        RegionId: 'cn-hangzhou',
        ResourceType: 'key',
        ResourceId: [key.keyId],
        Tag: [{ Key: 'a', Value: 'b' }],
      }),
      'Forbidden.KeyNotFound',
      404,
    );

    // The same alias name is free in the other account, and points at that account's own key.
    const bobKey = (await bob.createKey(new $Kms.CreateKeyRequest({}))).keyMetadata;
    await bob.createAlias(new $Kms.CreateAliasRequest({ aliasName: 'alias/shared-name', keyId: bobKey.keyId }));
    expect((await bob.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'alias/shared-name' }))).keyMetadata.keyId).toBe(bobKey.keyId);
    expect((await alice.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'alias/shared-name' }))).keyMetadata.keyId).toBe(key.keyId);
    expect((await alice.describeKey(new $Kms.DescribeKeyRequest({ keyId: key.keyId }))).keyMetadata.keyState).toBe('Enabled');
    expect((await alice.listKeys(new $Kms.ListKeysRequest({}))).keys.key.map((k) => k.keyId)).toEqual([key.keyId]);
  });
});

describe('admin endpoints', () => {
  const admin = (k: typeof A, path: string, body?: unknown) =>
    fetch(`${emu.endpoint}/_alikms/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: 'Basic ' + Buffer.from(`${k.id}:${k.secret}`).toString('base64'), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test('an access key can export and provision service keys for its own account only, and never export material', async () => {
    const key = (await kmsClient(as(A)).createKey(new $Kms.CreateKeyRequest({ description: 'alice secret' }))).keyMetadata;
    const own = await admin(A, `state?accountId=${A.accountId}`);
    expect(own.status).toBe(200);
    expect(((await own.json()) as any).keys.map((k: any) => k.keyId)).toContain(key.keyId);
    const material = await admin(A, `state?accountId=${A.accountId}&material=true`);
    expect({ status: material.status, code: ((await material.json()) as any).Code }).toEqual({
      status: 403,
      code: 'Forbidden.NoPermission',
    });

    const stolen = await admin(B, `state?accountId=${A.accountId}&material=true`);
    expect({ status: stolen.status, code: ((await stolen.json()) as any).Code }).toEqual({ status: 403, code: 'Forbidden.NoPermission' });
    const planted = await admin(B, 'service-keys', { product: 'oss', accountId: A.accountId });
    expect({ status: planted.status, code: ((await planted.json()) as any).Code }).toEqual({ status: 403, code: 'Forbidden.NoPermission' });
    expect((await kmsClient(as(A)).listAliases(new $Kms.ListAliasesRequest({}))).aliases.alias.map((a) => a.aliasName)).not.toContain(
      'alias/acs/oss',
    );
  });
});

describe('regions', () => {
  test('by RegionId parameter', async () => {
    const acs3 = acs3Client(as(A));
    const sh = (await acs3('CreateKey', { RegionId: 'cn-shanghai' })).KeyMetadata;
    expect(sh.KeyId).toMatch(/^key-shh/);
    expect(sh.Arn).toBe(`acs:kms:cn-shanghai:${A.accountId}:key/${sh.KeyId}`);
    await acs3('CreateAlias', { RegionId: 'cn-shanghai', AliasName: 'alias/regional', KeyId: sh.KeyId });
    const ids = async (RegionId: string) => ((await acs3('ListKeys', { RegionId })).Keys.Key as { KeyId: string }[]).map((k) => k.KeyId);
    expect(await ids('cn-shanghai')).toEqual([sh.KeyId]);
    expect(await ids('cn-hangzhou')).not.toContain(sh.KeyId);
    expect(await ids('cn-beijing')).toEqual([]);
    await expectError(acs3('DescribeKey', { RegionId: 'cn-hangzhou', KeyId: sh.KeyId }), 'Forbidden.KeyNotFound', 404);
    await expectError(acs3('DescribeKey', { RegionId: 'cn-hangzhou', KeyId: 'alias/regional' }), 'Forbidden.AliasNotFound', 404);
    await expectError(acs3('DescribeKey', { RegionId: 'cn-hangzhou', KeyId: sh.Arn }), 'Forbidden.KeyNotFound', 404);
    expect((await acs3('DescribeKey', { RegionId: 'cn-shanghai', KeyId: 'alias/regional' })).KeyMetadata.KeyId).toBe(sh.KeyId);
    const viaPop = (await popClient(as(A)).request('ListAliases', { RegionId: 'cn-shanghai' })) as any;
    expect(viaPop.Aliases.Alias.map((a: any) => a.AliasArn)).toEqual([`acs:kms:cn-shanghai:${A.accountId}:alias/regional`]);
  });

  test('by the kms.<region>.aliyuncs.com Host header (RPC v1 and ACS3)', async () => {
    const signer = { accessKeyId: A.id, secret: A.secret };
    const host = (region: string) => `kms.${region}.aliyuncs.com`;
    const created = await send(emu.endpoint, { ...rpcV1Get('CreateKey', {}, signer), headers: { host: host('cn-beijing') } });
    expect(created.status).toBe(200);
    const key = created.json!.KeyMetadata;
    expect(key.Arn).toBe(`acs:kms:cn-beijing:${A.accountId}:key/${key.KeyId}`);
    const listIn = async (region: string) => {
      const res = await send(emu.endpoint, acs3Post(emu.endpoint, 'ListKeys', {}, { ...signer, host: host(region) }));
      return (res.json!.Keys.Key as { KeyId: string }[]).map((k) => k.KeyId);
    };
    expect(await listIn('cn-beijing')).toEqual([key.KeyId]);
    expect(await listIn('cn-shenzhen')).toEqual([]);
    // The VPC endpoint name and a port work too; a RegionId parameter wins over the host.
    const vpc = await send(emu.endpoint, {
      ...rpcV1Get('DescribeKey', { KeyId: key.KeyId }, signer),
      headers: { host: 'kms-vpc.cn-beijing.aliyuncs.com:443' },
    });
    expect(vpc.json!.KeyMetadata.KeyId).toBe(key.KeyId);
    const overridden = await send(emu.endpoint, {
      ...rpcV1Get('DescribeKey', { KeyId: key.KeyId, RegionId: 'cn-hangzhou' }, signer),
      headers: { host: host('cn-beijing') },
    });
    expect({ status: overridden.status, code: overridden.json!.Code }).toEqual({ status: 404, code: 'Forbidden.KeyNotFound' });
    // An unknown region in the host is refused like an unknown RegionId.
    const unknown = await send(emu.endpoint, { ...rpcV1Get('ListKeys', {}, signer), headers: { host: host('mars-north-1') } });
    expect({ status: unknown.status, code: unknown.json!.Code }).toEqual({ status: 400, code: 'InvalidParameter' });
  });
});
