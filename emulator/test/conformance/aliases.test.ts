/**
 * Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases, ListAliasesByKeyId; `alias/acs/` reserved; names unique
 * per account and region; an alias or a key ARN works wherever a KeyId does.
 */
import * as $Kms from '@alicloud/kms20160120';
import { Accounts, DEFAULT_ACCOUNT_ID } from '../../src/wire/accounts';
import { acs3Client, kmsClient, popClient } from '../support/clients';
import { startTestEmulator, stopTestEmulator, type TestEmulator } from '../support/emulator';
import { expectError, wireError } from '../support/errors';

let emu: TestEmulator;
let kms: ReturnType<typeof kmsClient>;
let acs3: ReturnType<typeof acs3Client>;
beforeAll(async () => {
  emu = await startTestEmulator({
    accounts: new Accounts([
      { accountId: DEFAULT_ACCOUNT_ID, id: 'test', secret: 'test' },
      { accountId: '3000000000000001', id: 'pager', secret: 'pager-secret' },
    ]),
  });
  kms = kmsClient(emu);
  acs3 = acs3Client(emu);
});
afterAll(() => stopTestEmulator(emu));

const newKey = async () => (await kms.createKey(new $Kms.CreateKeyRequest({}))).keyMetadata;
const createAlias = (aliasName: string, keyId: string) => kms.createAlias(new $Kms.CreateAliasRequest({ aliasName, keyId }));
const aliasesOf = async (keyId: string) =>
  (await kms.listAliasesByKeyId(new $Kms.ListAliasesByKeyIdRequest({ keyId, pageSize: 100 }))).aliases.alias.map((a) => a.aliasName);

test('CreateAlias, then the alias resolves and lists', async () => {
  const k = await newKey();
  await createAlias('alias/app/prod-1', k.keyId);
  expect((await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'alias/app/prod-1' }))).keyMetadata.keyId).toBe(k.keyId);
  const listed = (await kms.listAliasesByKeyId(new $Kms.ListAliasesByKeyIdRequest({ keyId: k.keyId }))).aliases.alias;
  expect(listed).toEqual([
    { keyId: k.keyId, aliasName: 'alias/app/prod-1', aliasArn: `acs:kms:cn-hangzhou:${DEFAULT_ACCOUNT_ID}:alias/app/prod-1` },
  ]);
});

test('a key may have several aliases, named by ID, alias or ARN', async () => {
  const k = await newKey();
  await createAlias('alias/many-1', k.keyId);
  await createAlias('alias/many-2', 'alias/many-1');
  await createAlias('alias/many-3', k.arn);
  expect(await aliasesOf(k.keyId)).toEqual(['alias/many-1', 'alias/many-2', 'alias/many-3']);
  expect(await aliasesOf('alias/many-2')).toEqual(['alias/many-1', 'alias/many-2', 'alias/many-3']);
});

test('CreateAlias errors', async () => {
  const k = await newKey();
  await createAlias('alias/taken', k.keyId);
  await expectError(createAlias('alias/taken', k.keyId), 'AliasAlreadyExists', 400);
  const other = await newKey();
  await expectError(createAlias('alias/taken', other.keyId), 'AliasAlreadyExists', 400);
  for (const bad of ['alias/acs/oss', 'alias/acs', 'alias/', 'noprefix', 'alias/with space', 'alias/dot.ted', `alias/${'a'.repeat(250)}`])
    await expectError(createAlias(bad, k.keyId), 'InvalidParameter', 400);
  await createAlias(`alias/${'a'.repeat(249)}`, k.keyId); // 255 characters in all
  await createAlias('alias/acsx', k.keyId); // only the `alias/acs` word is reserved
  await expectError(createAlias('alias/to-nowhere', 'key-nope'), 'Forbidden.KeyNotFound', 404);
  await expectError(createAlias('alias/to-nowhere', 'alias/nope'), 'Forbidden.AliasNotFound', 404);
  await expectError(kms.createAlias(new $Kms.CreateAliasRequest({ keyId: k.keyId })), 'MissingParameter', 400);
  await expectError(kms.createAlias(new $Kms.CreateAliasRequest({ aliasName: 'alias/no-key' })), 'MissingParameter', 400);
});

test('two CreateAlias calls racing for one name: exactly one wins', async () => {
  const [a, b] = [await newKey(), await newKey()];
  // Each write of an alias waits until both requests have reached the alias service and had one event-loop turn to
  // check the name (a check needs no I/O), so unless something serialises them their checks overlap.
  const { aliases } = emu.kms;
  const { store } = emu;
  let entered = 0;
  let bothEntered!: () => void;
  const both = new Promise<void>((resolve) => (bothEntered = resolve)).then(() => new Promise((turn) => setImmediate(turn)));
  const [create, putAlias] = [aliases.create.bind(aliases), store.putAlias.bind(store)];
  aliases.create = (...args) => (++entered === 2 && bothEntered(), create(...args));
  store.putAlias = async (alias) => (await both, putAlias(alias));
  try {
    const results = await Promise.allSettled([createAlias('alias/contested', a.keyId), createAlias('alias/contested', b.keyId)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const winner = results[0].status === 'fulfilled' ? a : b;
    expect(wireError((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).code).toBe('AliasAlreadyExists');
    expect((await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'alias/contested' }))).keyMetadata.keyId).toBe(winner.keyId);
  } finally {
    aliases.create = create;
    store.putAlias = putAlias;
  }
});

test('UpdateAlias re-points an alias', async () => {
  const a = await newKey();
  const b = await newKey();
  await createAlias('alias/moving', a.keyId);
  await kms.updateAlias(new $Kms.UpdateAliasRequest({ aliasName: 'alias/moving', keyId: b.arn }));
  expect((await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'alias/moving' }))).keyMetadata.keyId).toBe(b.keyId);
  expect(await aliasesOf(a.keyId)).toEqual([]);
  expect(await aliasesOf(b.keyId)).toEqual(['alias/moving']);
  await expectError(
    kms.updateAlias(new $Kms.UpdateAliasRequest({ aliasName: 'alias/not-there', keyId: a.keyId })),
    'Forbidden.AliasNotFound',
    404,
  );
  await expectError(kms.updateAlias(new $Kms.UpdateAliasRequest({ aliasName: 'alias/acs/kms', keyId: a.keyId })), 'InvalidParameter', 400);
  await expectError(
    kms.updateAlias(new $Kms.UpdateAliasRequest({ aliasName: 'alias/moving', keyId: 'key-nope' })),
    'Forbidden.KeyNotFound',
    404,
  );
});

test('DeleteAlias', async () => {
  const k = await newKey();
  await createAlias('alias/short-lived', k.keyId);
  await kms.deleteAlias(new $Kms.DeleteAliasRequest({ aliasName: 'alias/short-lived' }));
  expect(await aliasesOf(k.keyId)).toEqual([]);
  await expectError(kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'alias/short-lived' })), 'Forbidden.AliasNotFound', 404);
  await expectError(kms.deleteAlias(new $Kms.DeleteAliasRequest({ aliasName: 'alias/short-lived' })), 'Forbidden.AliasNotFound', 404);
  await expectError(kms.deleteAlias(new $Kms.DeleteAliasRequest({ aliasName: 'alias/acs/oss' })), 'InvalidParameter', 400);
  await expectError(kms.deleteAlias(new $Kms.DeleteAliasRequest({})), 'MissingParameter', 400);
  // The name is free again.
  await createAlias('alias/short-lived', k.keyId);
});

test('ListAliases pages in name order', async () => {
  const pager = kmsClient({ ...emu, accessKeyId: 'pager', accessKeySecret: 'pager-secret' });
  const keyId = (await pager.createKey(new $Kms.CreateKeyRequest({}))).keyMetadata.keyId;
  const names = ['alias/e', 'alias/b', 'alias/d', 'alias/a', 'alias/c'];
  for (const aliasName of names) await pager.createAlias(new $Kms.CreateAliasRequest({ aliasName, keyId }));
  const seen: string[] = [];
  for (const [pageNumber, size] of [
    [1, 2],
    [2, 2],
    [3, 1],
  ]) {
    const res = await pager.listAliases(new $Kms.ListAliasesRequest({ pageNumber, pageSize: 2 }));
    expect(res).toMatchObject({ totalCount: 5, pageNumber, pageSize: 2 });
    expect(res.aliases.alias).toHaveLength(size);
    for (const a of res.aliases.alias)
      expect(a).toEqual({ keyId, aliasName: a.aliasName, aliasArn: `acs:kms:cn-hangzhou:3000000000000001:${a.aliasName}` });
    seen.push(...res.aliases.alias.map((a) => a.aliasName));
  }
  expect(seen).toEqual([...names].sort());
  const viaPop = (await popClient({ ...emu, accessKeyId: 'pager', accessKeySecret: 'pager-secret' }).request('ListAliases', {
    PageSize: 100,
  })) as any;
  expect(viaPop.Aliases.Alias.map((a: any) => a.AliasName)).toEqual(seen);
  await expectError(pager.listAliases(new $Kms.ListAliasesRequest({ pageSize: 101 })), 'InvalidParameter', 400);
  await expectError(pager.listAliasesByKeyId(new $Kms.ListAliasesByKeyIdRequest({ keyId: 'key-nope' })), 'Forbidden.KeyNotFound', 404);
});

test('an alias or an ARN works wherever a KeyId does', async () => {
  const k = await newKey();
  await createAlias('alias/anywhere', k.keyId);
  for (const ref of ['alias/anywhere', k.arn]) {
    await kms.disableKey(new $Kms.DisableKeyRequest({ keyId: ref }));
    await kms.enableKey(new $Kms.EnableKeyRequest({ keyId: ref }));
    await kms.updateKeyDescription(new $Kms.UpdateKeyDescriptionRequest({ keyId: ref, description: ref }));
    await kms.tagResource(new $Kms.TagResourceRequest({ keyId: ref, tags: JSON.stringify([{ TagKey: 'via', TagValue: 'ref' }]) }));
    await kms.listResourceTags(new $Kms.ListResourceTagsRequest({ keyId: ref }));
    await kms.updateRotationPolicy(new $Kms.UpdateRotationPolicyRequest({ keyId: ref, enableAutomaticRotation: false }));
    await kms.listKeyVersions(new $Kms.ListKeyVersionsRequest({ keyId: ref }));
    await acs3('SetKeyPolicy', { KeyId: ref, Policy: '{"Version":"1","Statement":[]}' });
    await acs3('GetKeyPolicy', { KeyId: ref });
    await acs3('SetDeletionProtection', { ProtectedResourceArn: ref, EnableDeletionProtection: false });
    await acs3('TagResources', { RegionId: 'cn-hangzhou', ResourceType: 'key', ResourceId: [ref], Tag: [{ Key: 'batch', Value: '1' }] });
    await kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId: ref, pendingWindowInDays: 7 }));
    await kms.cancelKeyDeletion(new $Kms.CancelKeyDeletionRequest({ keyId: ref }));
  }
  expect((await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: k.keyId }))).keyMetadata).toMatchObject({
    keyState: 'Enabled',
    description: k.arn,
  });
});
