/**
 * Hardware-instance keys on a real SoftHSM2 token, through the official SDKs: the data plane for every spec the token
 * supports (checked against node:crypto), the documented refusal for what SoftHSM2 lacks, BYOK into the token, token
 * objects destroyed when a deletion completes, and a restart that keeps using the same token keys.
 */
import { constants, createHash, createPublicKey, publicEncrypt, randomBytes, verify } from 'node:crypto';
import { acs3Client } from '../support/clients';
import { diskRecords } from '../support/disk';
import { removeDir, startTestEmulator, type TestEmulator } from '../support/emulator';
import { readyInstance } from '../support/instances';
import { createSoftHsm, type SoftHsm } from '../support/softhsm';

const DAY = 86_400_000;
let hsm: SoftHsm;
let emu: TestEmulator;
let acs3: ReturnType<typeof acs3Client>;
let instance: string;

const start = (dir?: string) => startTestEmulator({ dir, pkcs11: hsm.options, schedulerIntervalMs: 0, kms: { connectDelayMs: 0 } });

beforeAll(async () => {
  hsm = createSoftHsm();
  emu = await start();
  acs3 = acs3Client(emu);
  instance = await readyInstance(emu, { productVersion: 'hardware' });
});
afterAll(async () => {
  await emu.stop();
  removeDir(emu.dir);
  hsm.remove();
});

const createKey = async (params: Record<string, unknown>) => (await acs3('CreateKey', { DKMSInstanceId: instance, ...params })).KeyMetadata;
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
const digestOf = (message: string) => createHash('sha256').update(message).digest();
/** The stored record of a key (every version here has material). */
const stateOf = (keyId: string) => {
  const key = diskRecords(emu.dataFile).keys.get(keyId)!;
  return { ...key, versions: key.versions.map((v) => ({ ...v, material: v.material! })) };
};

test('the instance says its HSM is a PKCS#11 token, and its keys are HSM keys whose material stays in the token', async () => {
  expect((await acs3('GetKmsInstance', { KmsInstanceId: instance })).KmsInstance.HsmMode).toBe('pkcs11');
  const key = await createKey({});
  expect(key.ProtectionLevel).toBe('HSM');
  const [version] = stateOf(key.KeyId).versions;
  expect(version.material).toEqual({ backend: 'pkcs11', id: expect.stringMatching(/^[0-9a-f]+$/), token: hsm.token });
  // HsmEncryptedDatabase keys live in the (encrypted) database instead, wrapped in software.
  const db = await createKey({ KeyStorageMechanism: 'HsmEncryptedDatabase' });
  expect(stateOf(db.KeyId).versions[0].material.backend).toBe('software');
});

test.each(['Aliyun_AES_256', 'Aliyun_AES_192', 'Aliyun_AES_128'])(
  '%s: encrypt, decrypt, data keys and re-encrypt run in the token',
  async (KeySpec) => {
    const { KeyId } = await createKey({ KeySpec });
    const context = JSON.stringify({ tenant: 'a' });
    const sealed = await acs3('Encrypt', { KeyId, Plaintext: b64('hsm secret'), EncryptionContext: context });
    expect((await acs3('Decrypt', { CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: context })).Plaintext).toBe(
      b64('hsm secret'),
    );
    await expect(acs3('Decrypt', { CiphertextBlob: sealed.CiphertextBlob })).rejects.toMatchObject({ code: 'InvalidCiphertext' });
    const dataKey = await acs3('GenerateDataKey', { KeyId, NumberOfBytes: 32 });
    expect((await acs3('Decrypt', { CiphertextBlob: dataKey.CiphertextBlob })).Plaintext).toBe(dataKey.Plaintext);
    const other = await createKey({ KeySpec });
    const moved = await acs3('ReEncrypt', {
      CiphertextBlob: sealed.CiphertextBlob,
      SourceEncryptionContext: context,
      DestinationKeyId: other.KeyId,
    });
    expect((await acs3('Decrypt', { CiphertextBlob: moved.CiphertextBlob })).Plaintext).toBe(b64('hsm secret'));
  },
);

test.each(['RSA_PSS_SHA_256', 'RSA_PKCS1_SHA_256'])('RSA_2048 %s signatures verify with node:crypto', async (Algorithm) => {
  const { KeyId, PrimaryKeyVersion: KeyVersionId } = await createKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN/VERIFY' });
  const digest = digestOf('signed in the HSM');
  const { Value } = await acs3('AsymmetricSign', { KeyId, KeyVersionId, Algorithm, Digest: b64(digest) });
  const pem = (await acs3('GetPublicKey', { KeyId, KeyVersionId })).PublicKey;
  const padding = Algorithm === 'RSA_PSS_SHA_256' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
  expect(
    verify(
      'sha256',
      Buffer.from('signed in the HSM'),
      { key: createPublicKey(pem), padding, saltLength: 32 },
      Buffer.from(Value, 'base64'),
    ),
  ).toBe(true);
  expect((await acs3('AsymmetricVerify', { KeyId, KeyVersionId, Algorithm, Digest: b64(digest), Value })).Value).toBe(true);
});

test.each(['EC_P256', 'EC_P256K'])('%s ECDSA signatures over a digest verify with node:crypto', async (KeySpec) => {
  const { KeyId, PrimaryKeyVersion: KeyVersionId } = await createKey({ KeySpec });
  const { Value } = await acs3('AsymmetricSign', { KeyId, KeyVersionId, Algorithm: 'ECDSA_SHA_256', Digest: b64(digestOf('ec')) });
  const pem = (await acs3('GetPublicKey', { KeyId, KeyVersionId })).PublicKey;
  expect(verify('sha256', Buffer.from('ec'), createPublicKey(pem), Buffer.from(Value, 'base64'))).toBe(true);
});

test('RSA_2048 OAEP-SHA1 ciphertext made by node:crypto decrypts in the token; OAEP-SHA256, which SoftHSM2 lacks, is refused', async () => {
  const { KeyId, PrimaryKeyVersion: KeyVersionId } = await createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT/DECRYPT' });
  const pem = (await acs3('GetPublicKey', { KeyId, KeyVersionId })).PublicKey;
  const sealed = publicEncrypt({ key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from('for the hsm'));
  const opened = await acs3('AsymmetricDecrypt', { KeyId, KeyVersionId, Algorithm: 'RSAES_OAEP_SHA_1', CiphertextBlob: b64(sealed) });
  expect(opened.Plaintext).toBe(b64('for the hsm'));
  await expect(
    acs3('AsymmetricEncrypt', { KeyId, KeyVersionId, Algorithm: 'RSAES_OAEP_SHA_256', Plaintext: b64('x') }),
  ).rejects.toMatchObject({
    statusCode: 409,
    code: 'Rejected.UnsupportedOperation',
  });
});

test.each(['Aliyun_SM4', 'EC_SM2'])(
  '%s, which SoftHSM2 cannot hold, is refused at CreateKey rather than kept in software',
  async (KeySpec) => {
    await expect(createKey({ KeySpec })).rejects.toMatchObject({ statusCode: 400, code: 'Unsupported.KeySpec' });
  },
);

test('BYOK: material imported into a hardware key is unwrapped inside the token', async () => {
  const { KeyId } = await createKey({ Origin: 'EXTERNAL' });
  const p = await acs3('GetParametersForImport', { KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_1', WrappingKeySpec: 'RSA_2048' });
  const material = randomBytes(32);
  const wrapped = publicEncrypt(
    {
      key: createPublicKey({ key: Buffer.from(p.PublicKey, 'base64'), format: 'der', type: 'spki' }),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha1',
    },
    material,
  );
  await acs3('ImportKeyMaterial', { KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: b64(wrapped), KeyMaterialExpireUnix: 0 });
  expect(stateOf(KeyId).versions[0].material.backend).toBe('pkcs11');
  const sealed = await acs3('Encrypt', { KeyId, Plaintext: b64('imported') });
  expect((await acs3('Decrypt', { CiphertextBlob: sealed.CiphertextBlob })).Plaintext).toBe(b64('imported'));
});

test('a completed deletion destroys the token object', async () => {
  const { KeyId } = await createKey({});
  const [version] = stateOf(KeyId).versions;
  const handle = { spec: 'Aliyun_AES_256' as const, ref: version.material };
  await emu.crypto.encrypt(handle, Buffer.from('x'), Buffer.alloc(0)); // the object is there
  await acs3('ScheduleKeyDeletion', { KeyId, PendingWindowInDays: 7 });
  await emu.kms.lifecycle.advance(7 * DAY);
  await expect(emu.crypto.encrypt(handle, Buffer.from('x'), Buffer.alloc(0))).rejects.toThrow();
});

test('after a restart the emulator finds the same token keys', async () => {
  const aes = await createKey({});
  const sealed = await acs3('Encrypt', { KeyId: aes.KeyId, Plaintext: b64('before restart') });
  const rsa = await createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT/DECRYPT' });
  const pemBefore = (await acs3('GetPublicKey', { KeyId: rsa.KeyId, KeyVersionId: rsa.PrimaryKeyVersion })).PublicKey;

  await emu.stop();
  emu = await start(emu.dir);
  acs3 = acs3Client(emu);
  expect((await acs3('Decrypt', { CiphertextBlob: sealed.CiphertextBlob })).Plaintext).toBe(b64('before restart'));
  const pemAfter = (await acs3('GetPublicKey', { KeyId: rsa.KeyId, KeyVersionId: rsa.PrimaryKeyVersion })).PublicKey;
  expect(pemAfter).toBe(pemBefore);
  // And a private-key operation still works with it.
  const sealedRsa = publicEncrypt(
    { key: pemAfter, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from('still here'),
  );
  const opened = await acs3('AsymmetricDecrypt', {
    KeyId: rsa.KeyId,
    KeyVersionId: rsa.PrimaryKeyVersion,
    Algorithm: 'RSAES_OAEP_SHA_1',
    CiphertextBlob: b64(sealedRsa),
  });
  expect(opened.Plaintext).toBe(b64('still here'));
});
