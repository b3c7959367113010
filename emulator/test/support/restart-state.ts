/**
 * One restart scenario for every store: `writeState` makes keys of two kinds, a second version, an alias, tags, a
 * disabled key, a policy, deletion protection, a ciphertext and a moved clock; after the emulator restarts on the same
 * state, `expectState` finds all of it as it was, and the restarted emulator keeps working on the old records.
 */
import * as $Kms from '@alicloud/kms20160120';
import { LIMITS } from '../../src/domain/limits';
import { acs3Client, kmsClient } from './clients';
import type { TestEmulator } from './emulator';

const POLICY =
  '{"Version":"1","Statement":[{"Effect":"Allow","Principal":{"RAM":["acs:ram::1234567890123456:*"]},"Action":"kms:*","Resource":"*"}]}';

export type WrittenState = Awaited<ReturnType<typeof writeState>>;

/** What the first run wrote, and how the API showed it then. */
export async function writeState(emu: TestEmulator) {
  const kms = kmsClient(emu);
  const acs3 = acs3Client(emu);
  await kms.createKey(new $Kms.CreateKeyRequest({})); // the region's default key
  const aes = (
    await kms.createKey(new $Kms.CreateKeyRequest({ description: 'survivor', enableAutomaticRotation: true, rotationInterval: '30d' }))
  ).keyMetadata;
  const ec = (await kms.createKey(new $Kms.CreateKeyRequest({ keySpec: 'EC_P256' }))).keyMetadata;
  // Through the admin path, so the moved clock is persisted like any other state.
  await emu.kms.lifecycle.advance(LIMITS.keyVersionMinIntervalSeconds * 1000);
  const v2 = (await kms.createKeyVersion(new $Kms.CreateKeyVersionRequest({ keyId: ec.keyId }))).keyVersion;
  await kms.createAlias(new $Kms.CreateAliasRequest({ aliasName: 'alias/survivor', keyId: aes.keyId }));
  await kms.tagResource(
    new $Kms.TagResourceRequest({ keyId: aes.keyId, tags: '[{"TagKey":"keep","TagValue":"me"},{"TagKey":"team","TagValue":"a"}]' }),
  );
  await kms.disableKey(new $Kms.DisableKeyRequest({ keyId: ec.keyId }));
  await acs3('SetKeyPolicy', { KeyId: aes.keyId, Policy: POLICY });
  await acs3('SetDeletionProtection', {
    ProtectedResourceArn: aes.arn,
    EnableDeletionProtection: true,
    DeletionProtectionDescription: 'kept',
  });
  const sealed = (await kms.encrypt(new $Kms.EncryptRequest({ keyId: 'alias/survivor', plaintext: 'YWNyb3NzIHJlc3RhcnRz' })))
    .ciphertextBlob;
  return {
    aesId: aes.keyId,
    ecId: ec.keyId,
    ecSecondVersion: v2.keyVersionId,
    sealed,
    clock: emu.clock.now(),
    shown: await snapshot(emu, aes.keyId, ec.keyId),
  };
}

/** The restarted emulator shows exactly what the first one did, and still acts on those records. */
export async function expectState(emu: TestEmulator, before: WrittenState): Promise<void> {
  expect(emu.clock.now()).toBeGreaterThanOrEqual(before.clock);
  expect(await snapshot(emu, before.aesId, before.ecId)).toEqual(before.shown);
  expect(before.shown.ec).toMatchObject({ KeyState: 'Disabled', PrimaryKeyVersion: before.ecSecondVersion });
  expect(before.shown.aes).toMatchObject({ DeletionProtection: 'Enabled', Description: 'survivor' });
  expect(before.shown.tags).toEqual({ keep: 'me', team: 'a' });
  expect(before.shown.policy).toBe(POLICY);
  const kms = kmsClient(emu);
  expect((await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: before.sealed }))).plaintext).toBe('YWNyb3NzIHJlc3RhcnRz');
  await kms.enableKey(new $Kms.EnableKeyRequest({ keyId: before.ecId }));
  await kms.createAlias(new $Kms.CreateAliasRequest({ aliasName: 'alias/after-restart', keyId: before.ecId }));
}

async function snapshot(emu: TestEmulator, aesId: string, ecId: string) {
  const kms = kmsClient(emu);
  const acs3 = acs3Client(emu);
  return {
    aes: (await acs3('DescribeKey', { KeyId: aesId })).KeyMetadata,
    ec: (await acs3('DescribeKey', { KeyId: ecId })).KeyMetadata,
    keys: (await kms.listKeys(new $Kms.ListKeysRequest({ pageSize: 100 }))).keys.key,
    aliases: (await kms.listAliases(new $Kms.ListAliasesRequest({}))).aliases.alias,
    versions: (await kms.listKeyVersions(new $Kms.ListKeyVersionsRequest({ keyId: ecId }))).keyVersions.keyVersion,
    tags: Object.fromEntries(
      (await kms.listResourceTags(new $Kms.ListResourceTagsRequest({ keyId: aesId }))).tags.tag.map((t) => [t.tagKey, t.tagValue]),
    ),
    policy: (await acs3('GetKeyPolicy', { KeyId: aesId })).Policy,
  };
}
