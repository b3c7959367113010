/**
 * The emulator on PostgreSQL, through the official SDKs: state survives a restart against the same database, two
 * emulators on one database see each other's writes at once, concurrent updates of one key through both lose nothing
 * and check-then-create steps are decided once (the advisory locks), and a start with another root key, or with
 * none, fails clearly.
 */
import * as $Kms from '@alicloud/kms20160120';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator';
import { acs3Client, kmsClient, popClient } from '../support/clients';
import { b64, unb64 } from '../support/crypto';
import { removeDir, startTestEmulator, type TestEmulator } from '../support/emulator';
import { expectError } from '../support/errors';
import { expectState, writeState } from '../support/restart-state';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { rpcV1Get, send } from '../support/raw';

// Root keys come from root.key files here (one per test directory); an ALIKMS_ROOT_KEY of the caller would override
// them all. Jest gives each test file its own copy of process.env.
delete process.env.ALIKMS_ROOT_KEY;

let pg: TestPostgres;
const running: TestEmulator[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  pg = await startPostgres();
});
afterEach(async () => {
  for (const e of running.splice(0)) await e.stop();
});
afterAll(async () => {
  for (const d of dirs) removeDir(d);
  await pg?.stop();
});

/** A directory for root.key that several emulators of one test share. */
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'alikms-pg-emu-'));
  dirs.push(dir);
  return dir;
};
const start = async (storeUrl: string, dir: string) => {
  const emu = await startTestEmulator({ storeUrl, dir });
  running.push(emu);
  return emu;
};
const stop = async (emu: TestEmulator) => {
  running.splice(running.indexOf(emu), 1);
  await emu.stop();
};
const tagsJson = (tags: Record<string, string>) => JSON.stringify(Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })));
const tagsOf = async (emu: TestEmulator, keyId: string) =>
  Object.fromEntries(
    (await kmsClient(emu).listResourceTags(new $Kms.ListResourceTagsRequest({ keyId }))).tags.tag.map((t) => [t.tagKey, t.tagValue]),
  );

test('keys, versions, aliases, tags, policies and the moved clock come back after a restart against the same database', async () => {
  const url = await pg.createDatabase();
  const dir = newDir();
  let emu = await start(url, dir);
  const before = await writeState(emu);
  await stop(emu);
  emu = await start(url, dir);
  await expectState(emu, before);
  // The state was in the database, not in a lowdb file beside the root key.
  expect(existsSync(join(dir, 'state.json'))).toBe(false);
});

test('two emulators on one database see each other’s writes at once', async () => {
  const url = await pg.createDatabase();
  const dir = newDir();
  const [one, two] = [await start(url, dir), await start(url, dir)];
  const created = (await kmsClient(one).createKey(new $Kms.CreateKeyRequest({ description: 'made by one' }))).keyMetadata;
  expect((await kmsClient(two).describeKey(new $Kms.DescribeKeyRequest({ keyId: created.keyId }))).keyMetadata).toMatchObject({
    keyId: created.keyId,
    description: 'made by one',
  });

  await popClient(two).request('CreateAlias', { AliasName: 'alias/shared', KeyId: created.keyId }, { method: 'POST' });
  const sealed = (await kmsClient(one).encrypt(new $Kms.EncryptRequest({ keyId: 'alias/shared', plaintext: b64('hello') }))).ciphertextBlob;
  expect(unb64((await kmsClient(two).decrypt(new $Kms.DecryptRequest({ ciphertextBlob: sealed }))).plaintext).toString()).toBe('hello');

  await kmsClient(one).tagResource(new $Kms.TagResourceRequest({ keyId: created.keyId, tags: tagsJson({ from: 'one' }) }));
  expect(await tagsOf(two, created.keyId)).toEqual({ from: 'one' });
  await kmsClient(two).disableKey(new $Kms.DisableKeyRequest({ keyId: created.keyId }));
  expect((await kmsClient(one).describeKey(new $Kms.DescribeKeyRequest({ keyId: created.keyId }))).keyMetadata.keyState).toBe('Disabled');
  await kmsClient(one).deleteAlias(new $Kms.DeleteAliasRequest({ aliasName: 'alias/shared' }));
  expect((await kmsClient(two).listAliases(new $Kms.ListAliasesRequest({}))).aliases.alias).toEqual([]);
  expect((await kmsClient(two).listKeys(new $Kms.ListKeysRequest({ pageSize: 100 }))).keys.key.map((k) => k.keyId)).toEqual([
    created.keyId,
  ]);
});

test('concurrent updates of one key through two emulators lose nothing', async () => {
  const url = await pg.createDatabase();
  const dir = newDir();
  const [one, two] = [await start(url, dir), await start(url, dir)];
  const { keyId } = (await kmsClient(one).createKey(new $Kms.CreateKeyRequest({}))).keyMetadata;
  // 2×10 distinct tags (a key holds at most 20), each its own TagResource, all at once through both emulators.
  const tagThrough = (emu: TestEmulator, prefix: string) =>
    Array.from({ length: 10 }, (_, i) =>
      kmsClient(emu).tagResource(new $Kms.TagResourceRequest({ keyId, tags: tagsJson({ [`${prefix}${i}`]: `v${i}` }) })),
    );
  await Promise.all([...tagThrough(one, 'one-'), ...tagThrough(two, 'two-')]);
  const expected = Object.fromEntries(['one-', 'two-'].flatMap((p) => Array.from({ length: 10 }, (_, i) => [`${p}${i}`, `v${i}`])));
  expect(await tagsOf(one, keyId)).toEqual(expected);
  expect(await tagsOf(two, keyId)).toEqual(expected);
});

test('check-then-create steps are decided once across two emulators: alias names, service keys, the default key', async () => {
  const url = await pg.createDatabase();
  const dir = newDir();
  const [a, b] = [await start(url, dir), await start(url, dir)];
  const [ca, cb] = [acs3Client(a), acs3Client(b)];

  // The region's default CMK asked for ten times at once through both: one key is made.
  const admin = (e: TestEmulator) =>
    fetch(`${e.endpoint}/_alikms/default-key`, {
      method: 'POST',
      headers: { authorization: 'Basic ' + Buffer.from('test:test').toString('base64') },
    });
  const provided = await Promise.all(Array.from({ length: 10 }, (_, i) => admin(i % 2 ? a : b).then((r) => r.json() as Promise<any>)));
  const defaults = new Set(provided.map((r) => r.KeyMetadata.KeyId));
  expect(defaults.size).toBe(1);

  // The same new alias name through both at once: one wins, the other is told it exists.
  const [target] = defaults;
  const aliases = await Promise.allSettled([ca, cb, ca, cb].map((c) => c('CreateAlias', { AliasName: 'alias/raced', KeyId: target })));
  expect(aliases.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  expect(aliases.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([
    'AliasAlreadyExists',
    'AliasAlreadyExists',
    'AliasAlreadyExists',
  ]);

  // The first use of a service key through both at once provisions one key.
  const used = await Promise.all([ca, cb, ca, cb].map((c) => c('Encrypt', { KeyId: 'alias/acs/oss', Plaintext: 'aGk=' })));
  expect(new Set(used.map((r) => r.KeyId)).size).toBe(1);
  const services = await ca('ListKeys', { Filters: JSON.stringify([{ Key: 'CreatorType', Values: ['Service'] }]) });
  expect(services.Keys.Key).toHaveLength(1);
});

test('a KeyId, AliasName or instance ID with a NUL character is not found, not a failed query (500)', async () => {
  const emu = await start(await pg.createDatabase(), newDir());
  const kms = kmsClient(emu);
  await expectError(kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'key-\u0000' })), 'Forbidden.KeyNotFound', 404);
  await expectError(kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'alias/a\u0000' })), 'Forbidden.AliasNotFound', 404);
  await expectError(kms.deleteAlias(new $Kms.DeleteAliasRequest({ aliasName: 'alias/a\u0000' })), 'Forbidden.AliasNotFound', 404);
  await expectError(acs3Client(emu)('GetKmsInstance', { KmsInstanceId: 'kst-\u0000' }), 'Forbidden.KmsInstanceNotFound', 404);
});

test('a start with another root key than the database was written with fails, and changes nothing', async () => {
  const url = await pg.createDatabase();
  const first = await start(url, newDir());
  const { keyId } = (await kmsClient(first).createKey(new $Kms.CreateKeyRequest({}))).keyMetadata;
  await expect(startTestEmulator({ storeUrl: url, dir: newDir() })).rejects.toThrow(
    /holds state wrapped under a different root key: start every emulator sharing it with the same ALIKMS_ROOT_KEY or --root-key-file/,
  );
  // The first emulator, and its key, carry on.
  expect((await kmsClient(first).describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata.keyState).toBe('Enabled');
});

test('a PostgreSQL store needs an explicit root key and a postgres:// URL', async () => {
  const url = await pg.createDatabase();
  await expect(startEmulator({ port: 0, storeUrl: url })).rejects.toThrow(/needs the root key .*ALIKMS_ROOT_KEY or --root-key-file/);
  await expect(startEmulator({ port: 0, storeUrl: 'mysql://u:pw@db/x', rootKeyFile: join(newDir(), 'root.key') })).rejects.toThrow(
    'unsupported store mysql://u:***@db/x: expected postgres://…',
  );
});

test('a used nonce is refused by a second emulator on the same database, and after a restart', async () => {
  const url = await pg.createDatabase();
  const dir = newDir();
  const [one, two] = [await start(url, dir), await start(url, dir)];
  const request = rpcV1Get('DescribeRegions');
  expect((await send(one.endpoint, request)).status).toBe(200);
  expect((await send(two.endpoint, request)).json).toMatchObject({ Code: 'SignatureNonceUsed' });
  await stop(one);
  const again = await start(url, dir);
  expect((await send(again.endpoint, request)).json).toMatchObject({ Code: 'SignatureNonceUsed' });
});
