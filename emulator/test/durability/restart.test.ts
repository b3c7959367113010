/**
 * State survives a clean restart: a new emulator on the same state file sees every key, version, alias and tag, and
 * reuses the root key file. The state file holds wrapped material only, and root.key is private to its owner.
 */
import * as $Kms from '@alicloud/kms20160120';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RootKey } from '../../src/crypto/root-key';
import { LIMITS } from '../../src/domain/limits';
import { acs3Client, kmsClient } from '../support/clients';
import { startTestEmulator, stopTestEmulator, type TestEmulator } from '../support/emulator';

let emu: TestEmulator;
afterAll(() => stopTestEmulator(emu));

interface StateFile {
  keys: Record<string, { versions: { material?: { wrapped?: string } }[] }>;
}

/** Every piece of material in the state file, unwrapped with the root key (so the test knows the plaintext bytes). */
function unwrapAll(dir: string): { text: string; plain: Buffer[] } {
  const text = readFileSync(join(dir, 'state.json'), 'utf8');
  const root = RootKey.fromBase64(readFileSync(join(dir, 'root.key'), 'utf8').trim());
  const state = JSON.parse(text) as StateFile;
  const plain = Object.values(state.keys).flatMap((k) =>
    k.versions.flatMap((v) => (v.material?.wrapped ? [root.unwrap(v.material.wrapped)] : [])),
  );
  return { text, plain };
}

test('keys, versions, aliases, tags and policies come back after a restart', async () => {
  emu = await startTestEmulator();
  const kms = kmsClient(emu);
  const acs3 = acs3Client(emu);
  await kms.createKey(new $Kms.CreateKeyRequest({})); // the default key
  const aes = (
    await kms.createKey(new $Kms.CreateKeyRequest({ description: 'survivor', enableAutomaticRotation: true, rotationInterval: '30d' }))
  ).keyMetadata;
  const ec = (await kms.createKey(new $Kms.CreateKeyRequest({ keySpec: 'EC_P256' }))).keyMetadata;
  emu.clock.advance(LIMITS.keyVersionMinIntervalSeconds * 1000);
  const v2 = (await kms.createKeyVersion(new $Kms.CreateKeyVersionRequest({ keyId: ec.keyId }))).keyVersion;
  await kms.createAlias(new $Kms.CreateAliasRequest({ aliasName: 'alias/survivor', keyId: aes.keyId }));
  await kms.tagResource(new $Kms.TagResourceRequest({ keyId: aes.keyId, tags: '[{"TagKey":"keep","TagValue":"me"}]' }));
  await kms.disableKey(new $Kms.DisableKeyRequest({ keyId: ec.keyId }));
  await acs3('SetKeyPolicy', { KeyId: aes.keyId, Policy: '{"Version":"1","Statement":[{"Effect":"Allow"}]}' });
  await acs3('SetDeletionProtection', {
    ProtectedResourceArn: aes.arn,
    EnableDeletionProtection: true,
    DeletionProtectionDescription: 'kept',
  });
  const before = {
    aes: (await acs3('DescribeKey', { KeyId: aes.keyId })).KeyMetadata,
    ec: (await acs3('DescribeKey', { KeyId: ec.keyId })).KeyMetadata,
    keys: (await kms.listKeys(new $Kms.ListKeysRequest({ pageSize: 100 }))).keys.key,
    aliases: (await kms.listAliases(new $Kms.ListAliasesRequest({}))).aliases.alias,
    versions: (await kms.listKeyVersions(new $Kms.ListKeyVersionsRequest({ keyId: ec.keyId }))).keyVersions.keyVersion,
  };
  const rootKey = readFileSync(join(emu.dir, 'root.key'), 'utf8');
  const materialBefore = unwrapAll(emu.dir).plain;
  const clockAt = emu.clock.now();

  await emu.stop();
  emu = await startTestEmulator({ dir: emu.dir });
  emu.clock.set(clockAt); // the emulator clock is not persisted; put it back where the first run left it
  const kms2 = kmsClient(emu);
  const acs32 = acs3Client(emu);

  expect(readFileSync(join(emu.dir, 'root.key'), 'utf8')).toBe(rootKey);
  expect((await acs32('DescribeKey', { KeyId: aes.keyId })).KeyMetadata).toEqual(before.aes);
  expect((await acs32('DescribeKey', { KeyId: ec.keyId })).KeyMetadata).toEqual(before.ec);
  expect(before.ec).toMatchObject({ KeyState: 'Disabled', PrimaryKeyVersion: v2.keyVersionId });
  expect((await kms2.listKeys(new $Kms.ListKeysRequest({ pageSize: 100 }))).keys.key).toEqual(before.keys);
  expect((await kms2.listAliases(new $Kms.ListAliasesRequest({}))).aliases.alias).toEqual(before.aliases);
  expect((await kms2.listKeyVersions(new $Kms.ListKeyVersionsRequest({ keyId: ec.keyId }))).keyVersions.keyVersion).toEqual(
    before.versions,
  );
  expect((await kms2.describeKey(new $Kms.DescribeKeyRequest({ keyId: 'alias/survivor' }))).keyMetadata.keyId).toBe(aes.keyId);
  expect((await kms2.listResourceTags(new $Kms.ListResourceTagsRequest({ keyId: aes.keyId }))).tags.tag).toEqual([
    { keyId: aes.keyId, tagKey: 'keep', tagValue: 'me' },
  ]);
  expect((await acs32('GetKeyPolicy', { KeyId: aes.keyId })).Policy).toBe('{"Version":"1","Statement":[{"Effect":"Allow"}]}');
  // The same root key still unwraps the same material.
  expect(unwrapAll(emu.dir).plain).toEqual(materialBefore);
  // And the restarted emulator keeps working on the old records.
  await kms2.enableKey(new $Kms.EnableKeyRequest({ keyId: ec.keyId }));
  await kms2.createAlias(new $Kms.CreateAliasRequest({ aliasName: 'alias/after-restart', keyId: ec.keyId }));
});

test('the state file holds no plaintext key material, and root.key is 0600', async () => {
  const { text, plain } = unwrapAll(emu.dir);
  expect(plain.length).toBeGreaterThanOrEqual(4);
  for (const bytes of plain) {
    for (const encoding of ['base64', 'hex', 'base64url'] as const) expect(text).not.toContain(bytes.toString(encoding));
    // Nor any 16-byte run of it, in case material were stored in pieces.
    expect(text).not.toContain(bytes.subarray(0, 16).toString('base64').slice(0, 20));
  }
  expect(text).not.toMatch(/PRIVATE KEY/);
  expect(statSync(join(emu.dir, 'root.key')).mode & 0o777).toBe(0o600);
});
