/**
 * Key versions: CreateKeyVersion (Enabled symmetric keys of software instances and asymmetric keys; the first right
 * away, then at most one per 7 days; 50 in all; each a unit of the instance's KeyNum), DescribeKeyVersion,
 * ListKeyVersions. The 7-day rule is met by moving the emulator clock, not by waiting.
 */
import * as $Kms from '@alicloud/kms20160120';
import { LIMITS } from '../../src/domain/limits';
import { acs3Client, kmsClient, popClient } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';
import { readyInstance } from '../support/instances';

const WEEK_MS = LIMITS.keyVersionMinIntervalSeconds * 1000;

let emu: TestEmulator;
let kms: ReturnType<typeof kmsClient>;
useEmulator(
  (e) => {
    emu = e;
    kms = kmsClient(emu);
  },
  { kms: { connectDelayMs: 0 } },
);

const newKey = async (keySpec = 'EC_P256') => (await kms.createKey(new $Kms.CreateKeyRequest({ keySpec }))).keyMetadata;
const createVersion = (keyId: string) => kms.createKeyVersion(new $Kms.CreateKeyVersionRequest({ keyId }));
const listVersions = (keyId: string, pageNumber?: number, pageSize?: number) =>
  kms.listKeyVersions(new $Kms.ListKeyVersionsRequest({ keyId, pageNumber, pageSize }));

test('a new key has one version, its primary', async () => {
  const k = await newKey();
  const list = await listVersions(k.keyId);
  expect(list).toMatchObject({ totalCount: 1, pageNumber: 1, pageSize: 10 });
  expect(list.keyVersions.keyVersion).toEqual([{ keyId: k.keyId, keyVersionId: k.primaryKeyVersion, creationDate: k.creationDate }]);
  const v = await kms.describeKeyVersion(new $Kms.DescribeKeyVersionRequest({ keyId: k.keyId, keyVersionId: k.primaryKeyVersion }));
  expect(v.keyVersion).toEqual({ keyId: k.keyId, keyVersionId: k.primaryKeyVersion, creationDate: k.creationDate });
});

test('CreateKeyVersion: the first right after creation, then at most one every 7 days; the new one becomes primary', async () => {
  const k = await newKey('RSA_2048');
  const created = (await createVersion(k.keyId)).keyVersion;
  expect(created.keyId).toBe(k.keyId);
  expect(created.keyVersionId).not.toBe(k.primaryKeyVersion);
  const d = (await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: k.keyId }))).keyMetadata;
  expect(d.primaryKeyVersion).toBe(created.keyVersionId);
  expect(d.lastRotationDate).toBe(created.creationDate);
  const ids = (await listVersions(k.keyId)).keyVersions.keyVersion.map((v) => v.keyVersionId);
  expect(ids).toEqual([k.primaryKeyVersion, created.keyVersionId]);
  await expectError(createVersion(k.keyId), 'Rejected.LimitExceeded', 400);
  await emu.clock.advance(WEEK_MS);
  await createVersion(k.keyId);
});

test('CreateKeyVersion on a symmetric key of a software instance, which uses a unit of its KeyNum', async () => {
  const instanceId = await readyInstance(emu, { keyNum: 100 });
  const aes = (await acs3Client(emu)('CreateKey', { DKMSInstanceId: instanceId })).KeyMetadata;
  const version = (await createVersion(aes.KeyId)).keyVersion;
  const encryptedWith = (await kms.encrypt(new $Kms.EncryptRequest({ keyId: aes.KeyId, plaintext: 'aGk=' }))).keyVersionId;
  expect(encryptedWith).toBe(version.keyVersionId);
  const quota = await acs3Client(emu)('GetKmsInstanceQuotaInfos', { KmsInstanceId: instanceId, ResourceType: 'key' });
  expect(quota.KmsInstanceQuotaInfos).toEqual([expect.objectContaining({ ResourceType: 'key', UsedQuantity: 2 })]);
});

test('CreateKeyVersion: symmetric keys outside software instances, states and unknown keys', async () => {
  await emu.clock.advance(WEEK_MS);
  const aes = await newKey('Aliyun_AES_256');
  await emu.clock.advance(WEEK_MS);
  await expectError(createVersion(aes.keyId), 'Rejected.UnsupportedOperation', 409);
  const ec = await newKey();
  await kms.disableKey(new $Kms.DisableKeyRequest({ keyId: ec.keyId }));
  await emu.clock.advance(WEEK_MS);
  await expectError(createVersion(ec.keyId), 'Rejected.Disabled', 409);
  await expectError(createVersion('key-nope'), 'Forbidden.KeyNotFound', 404);
  await expectError(kms.createKeyVersion(new $Kms.CreateKeyVersionRequest({})), 'MissingParameter', 400);
});

test('CreateKeyVersion: 50 versions at most; ListKeyVersions pages them oldest first', async () => {
  const k = await newKey();
  const ids = [k.primaryKeyVersion];
  const acs3 = acs3Client(emu);
  for (let i = 1; i < LIMITS.keyVersionsPerKey; i++) {
    await emu.clock.advance(WEEK_MS);
    // Alternate clients; ACS3 reaches the same action by the x-acs-action header.
    const id =
      i % 2
        ? (await createVersion(k.keyId)).keyVersion.keyVersionId
        : (await acs3('CreateKeyVersion', { KeyId: k.arn })).KeyVersion.KeyVersionId;
    ids.push(id);
  }
  await emu.clock.advance(WEEK_MS);
  await expectError(createVersion(k.keyId), 'Rejected.LimitExceeded', 400);
  const seen: string[] = [];
  for (const [page, size] of [
    [1, 20],
    [2, 20],
    [3, 10],
    [4, 0],
  ]) {
    const res = await listVersions(k.keyId, page, 20);
    expect(res).toMatchObject({ totalCount: 50, pageNumber: page, pageSize: 20 });
    expect(res.keyVersions.keyVersion).toHaveLength(size);
    seen.push(...res.keyVersions.keyVersion.map((v) => v.keyVersionId));
  }
  expect(seen).toEqual(ids);
  const dates = (await listVersions(k.keyId, 1, 100)).keyVersions.keyVersion.map((v) => Date.parse(v.creationDate));
  expect(dates).toEqual([...dates].sort((a, b) => a - b));
});

test('DescribeKeyVersion: by alias, and versions of other keys are not found', async () => {
  const a = await newKey();
  const b = await newKey();
  await kms.createAlias(new $Kms.CreateAliasRequest({ keyId: a.keyId, aliasName: 'alias/versioned' }));
  const viaAlias = await kms.describeKeyVersion(
    new $Kms.DescribeKeyVersionRequest({ keyId: 'alias/versioned', keyVersionId: a.primaryKeyVersion }),
  );
  expect(viaAlias.keyVersion.keyId).toBe(a.keyId);
  const viaPop = (await popClient(emu).request(
    'DescribeKeyVersion',
    { KeyId: a.arn, KeyVersionId: a.primaryKeyVersion },
    { method: 'POST' },
  )) as any;
  expect(viaPop.KeyVersion.KeyVersionId).toBe(a.primaryKeyVersion);
  await expectError(
    kms.describeKeyVersion(new $Kms.DescribeKeyVersionRequest({ keyId: a.keyId, keyVersionId: b.primaryKeyVersion })),
    'Forbidden.KeyVersionNotFound',
    404,
  );
  await expectError(kms.describeKeyVersion(new $Kms.DescribeKeyVersionRequest({ keyId: a.keyId })), 'MissingParameter', 400);
  await expectError(
    kms.describeKeyVersion(new $Kms.DescribeKeyVersionRequest({ keyId: 'key-nope', keyVersionId: 'v' })),
    'Forbidden.KeyNotFound',
    404,
  );
  await expectError(listVersions('key-nope'), 'Forbidden.KeyNotFound', 404);
  await expectError(listVersions(a.keyId, 1, 101), 'InvalidParameter', 400);
});
