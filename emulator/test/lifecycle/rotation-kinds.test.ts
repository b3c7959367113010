/**
 * A rotation for each kind of key that may rotate (software instance keys, HsmEncryptedDatabase keys of a hardware
 * instance, KMS 1.0 keys, the default CMK with the add-on): after the clock passes the interval there is a new
 * primary version, ciphertext made before still decrypts, and NextRotationDate has moved.
 */
import { acs3Client } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { readyInstance } from '../support/instances';

const DAY = 86_400_000;
let emu: TestEmulator;
let acs3: ReturnType<typeof acs3Client>;
let software: string;
let hardware: string;

useEmulator(
  async (e) => {
    emu = e;
    acs3 = acs3Client(emu);
    software = await readyInstance(emu, { productVersion: '3' });
    hardware = await readyInstance(emu, { productVersion: '5' });
  },
  { schedulerIntervalMs: 0, kms: { connectDelayMs: 0, rotation: { defaultKeyRotation: true } } },
);

const kinds: [string, () => Record<string, unknown>, string][] = [
  ['the default CMK (add-on on)', () => ({}), '365d'],
  ['a KMS 1.0 AES-128 key', () => ({ KeySpec: 'Aliyun_AES_128' }), '7d'],
  ['a software-instance AES-256 key', () => ({ DKMSInstanceId: software }), '30d'],
  ['a software-instance SM4 key', () => ({ DKMSInstanceId: software, KeySpec: 'Aliyun_SM4' }), '30d'],
  [
    'a hardware-instance HsmEncryptedDatabase AES-256 key',
    () => ({ DKMSInstanceId: hardware, KeyStorageMechanism: 'HsmEncryptedDatabase' }),
    '90d',
  ],
];

test.each(kinds)('%s rotates, and its old ciphertext still decrypts', async (_name, params, interval) => {
  const created = (await acs3('CreateKey', params())).KeyMetadata;
  await acs3('UpdateRotationPolicy', { KeyId: created.KeyId, EnableAutomaticRotation: true, RotationInterval: interval });
  const policy = (await acs3('DescribeKey', { KeyId: created.KeyId })).KeyMetadata;
  const days = Number(interval.slice(0, -1));
  expect(Date.parse(policy.NextRotationDate)).toBe(Date.parse(policy.LastRotationDate) + days * DAY);

  const plaintext = Buffer.from(`secret for ${created.KeyId}`).toString('base64');
  const sealed = await acs3('Encrypt', {
    KeyId: created.KeyId,
    Plaintext: plaintext,
    EncryptionContext: JSON.stringify({ purpose: 'rotation' }),
  });

  await emu.kms.lifecycle.advance(days * DAY);
  const rotated = (await acs3('DescribeKey', { KeyId: created.KeyId })).KeyMetadata;
  expect(rotated.PrimaryKeyVersion).not.toBe(created.PrimaryKeyVersion);
  expect(rotated.LastRotationDate).toBe(policy.NextRotationDate);
  expect(Date.parse(rotated.NextRotationDate)).toBe(Date.parse(policy.NextRotationDate) + days * DAY);
  expect((await acs3('ListKeyVersions', { KeyId: created.KeyId })).KeyVersions.KeyVersion).toHaveLength(2);

  const opened = await acs3('Decrypt', {
    CiphertextBlob: sealed.CiphertextBlob,
    EncryptionContext: JSON.stringify({ purpose: 'rotation' }),
  });
  expect(opened).toMatchObject({ Plaintext: plaintext, KeyVersionId: created.PrimaryKeyVersion });
  expect((await acs3('Encrypt', { KeyId: created.KeyId, Plaintext: plaintext })).KeyVersionId).toBe(rotated.PrimaryKeyVersion);
});

test('a deletion that completes frees its instance quota', async () => {
  const quota = async () =>
    (await acs3('GetKmsInstanceQuotaInfos', { KmsInstanceId: software, ResourceType: 'key' })).KmsInstanceQuotaInfos[0]
      .UsedQuantity as number;
  const { KeyId } = (await acs3('CreateKey', { DKMSInstanceId: software })).KeyMetadata;
  const used = await quota();
  const sealed = await acs3('Encrypt', { KeyId, Plaintext: 'aGVsbG8=' });
  await acs3('ScheduleKeyDeletion', { KeyId, PendingWindowInDays: 7 });
  expect(await quota()).toBe(used); // a key pending deletion still counts
  await emu.kms.lifecycle.advance(7 * DAY);
  expect(await quota()).toBe(used - 1);
  await expect(acs3('Decrypt', { CiphertextBlob: sealed.CiphertextBlob })).rejects.toMatchObject({
    statusCode: 400,
    code: 'InvalidCiphertext',
  });
});
