/**
 * Encrypt / Decrypt / ReEncrypt / data keys for every symmetric spec, through the official clients:
 * round trips, EncryptionContext binding (JSON and the `EncryptionContext.k=v` form), limits, blob integrity,
 * old versions decrypting after a new primary, and the errors of each wrong use.
 */
import * as $Kms from '@alicloud/kms20160120';
import { generateKeyPairSync, privateDecrypt, constants } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import { ownerAccess } from '../../src/domain/authorization';
import { acs3Client, kmsClient, popClient } from '../support/clients';
import { b64, createKey, unb64 } from '../support/crypto';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';

const SYMMETRIC = ['Aliyun_AES_256', 'Aliyun_AES_192', 'Aliyun_AES_128', 'Aliyun_SM4'];

let emu: TestEmulator;
let kms: ReturnType<typeof kmsClient>;
let acs3: ReturnType<typeof acs3Client>;

useEmulator((e) => {
  emu = e;
  kms = kmsClient(emu);
  acs3 = acs3Client(emu);
});

describe.each(SYMMETRIC)('%s', (spec) => {
  let keyId: string;
  beforeAll(async () => {
    ({ keyId } = await createKey(kms, spec));
  });

  test('Encrypt -> Decrypt round trip, with the EncryptionContext map form (npm 1.2.0)', async () => {
    const context = { purpose: 'test', tenant: 'a b&c=d' };
    const enc = await kms.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: b64('hello 世界'), encryptionContext: context }));
    expect(enc.keyId).toBe(keyId);
    const dec = await kms.decrypt(
      new $Kms.DecryptRequest({ ciphertextBlob: enc.ciphertextBlob, encryptionContext: { tenant: 'a b&c=d', purpose: 'test' } }),
    );
    expect(unb64(dec.plaintext).toString()).toBe('hello 世界');
    expect(dec).toMatchObject({ keyId, keyVersionId: enc.keyVersionId });
  });

  test('the JSON EncryptionContext form (ACS3) binds the same context', async () => {
    const enc = await acs3('Encrypt', { KeyId: keyId, Plaintext: b64('x'), EncryptionContext: JSON.stringify({ b: '2', a: '1' }) });
    const dec = await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: enc.CiphertextBlob, encryptionContext: { a: '1', b: '2' } }));
    expect(unb64(dec.plaintext).toString()).toBe('x');
  });

  test('a different or missing EncryptionContext fails with InvalidCiphertext', async () => {
    const enc = await kms.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: b64('secret'), encryptionContext: { a: '1' } }));
    await expectError(
      kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: enc.ciphertextBlob, encryptionContext: { a: '2' } })),
      'InvalidCiphertext',
      400,
    );
    await expectError(kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: enc.ciphertextBlob })), 'InvalidCiphertext', 400);
  });

  test('GenerateDataKey: plaintext and blob agree; sizes by NumberOfBytes and KeySpec', async () => {
    const dk = await kms.generateDataKey(new $Kms.GenerateDataKeyRequest({ keyId }));
    expect(unb64(dk.plaintext)).toHaveLength(32);
    const dec = await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: dk.ciphertextBlob }));
    expect(dec.plaintext).toBe(dk.plaintext);
    const small = await kms.generateDataKey(new $Kms.GenerateDataKeyRequest({ keyId, keySpec: 'AES_128' }));
    expect(unb64(small.plaintext)).toHaveLength(16);
    const both = await kms.generateDataKey(new $Kms.GenerateDataKeyRequest({ keyId, keySpec: 'AES_128', numberOfBytes: 1024 }));
    expect(unb64(both.plaintext)).toHaveLength(1024);
    const noPlain = await kms.generateDataKeyWithoutPlaintext(
      new $Kms.GenerateDataKeyWithoutPlaintextRequest({ keyId, numberOfBytes: 7, encryptionContext: { k: 'v' } }),
    );
    expect((noPlain as unknown as Record<string, unknown>).plaintext).toBeUndefined();
    const back = await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: noPlain.ciphertextBlob, encryptionContext: { k: 'v' } }));
    expect(unb64(back.plaintext)).toHaveLength(7);
  });
});

test('ReEncrypt moves a blob to another key and context without exposing it', async () => {
  const a = await createKey(kms, 'Aliyun_AES_256');
  const b = await createKey(kms, 'Aliyun_SM4');
  const enc = await kms.encrypt(new $Kms.EncryptRequest({ keyId: a.keyId, plaintext: b64('move me'), encryptionContext: { from: 'a' } }));
  const re = await acs3('ReEncrypt', {
    CiphertextBlob: enc.ciphertextBlob,
    SourceEncryptionContext: JSON.stringify({ from: 'a' }),
    DestinationKeyId: b.keyId,
    DestinationEncryptionContext: JSON.stringify({ to: 'b' }),
  });
  expect(re).toMatchObject({ KeyId: b.keyId, KeyVersionId: b.keyVersionId });
  const dec = await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: re.CiphertextBlob, encryptionContext: { to: 'b' } }));
  expect(unb64(dec.plaintext).toString()).toBe('move me');
  await expectError(acs3('ReEncrypt', { CiphertextBlob: enc.ciphertextBlob, DestinationKeyId: b.keyId }), 'InvalidCiphertext', 400);
});

test('ReEncrypt from an asymmetric ciphertext made outside the emulator', async () => {
  const rsa = await createKey(kms, 'RSA_2048', 'ENCRYPT/DECRYPT');
  const dest = await createKey(kms, 'Aliyun_AES_256');
  const { publicKey } = await kms.getPublicKey(new $Kms.GetPublicKeyRequest(rsa));
  const { publicEncrypt } = await import('node:crypto');
  const ct = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('from outside'));
  const re = await acs3('ReEncrypt', {
    CiphertextBlob: b64(ct),
    SourceKeyId: rsa.keyId,
    SourceKeyVersionId: rsa.keyVersionId,
    SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
    DestinationKeyId: dest.keyId,
  });
  const dec = await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: re.CiphertextBlob }));
  expect(unb64(dec.plaintext).toString()).toBe('from outside');
  await expectError(
    acs3('ReEncrypt', { CiphertextBlob: b64(ct), SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', DestinationKeyId: dest.keyId }),
    'MissingParameter',
    400,
  );
});

test('GenerateAndExportDataKey / ExportDataKey to RSA_2048 (OAEP) and EC_SM2 (SM2PKE) public keys', async () => {
  const { keyId } = await createKey(kms, 'Aliyun_AES_256');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaBlob = b64(rsa.publicKey.export({ type: 'spki', format: 'der' }));
  const gen = await acs3('GenerateAndExportDataKey', {
    KeyId: keyId,
    NumberOfBytes: 24,
    PublicKeyBlob: rsaBlob,
    WrappingKeySpec: 'RSA_2048',
    WrappingAlgorithm: 'RSAES_OAEP_SHA_1',
  });
  const exported = privateDecrypt(
    { key: rsa.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    unb64(gen.ExportedDataKey),
  );
  const dec = await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: gen.CiphertextBlob }));
  expect(unb64(dec.plaintext)).toEqual(exported);

  const pair = sm2.generateKeyPairHex();
  const smKey = generateKeyPairSync('ec', { namedCurve: 'SM2' }).publicKey.export({ type: 'spki', format: 'der' });
  const smSpki = Buffer.concat([smKey.subarray(0, smKey.length - 65), Buffer.from(pair.publicKey, 'hex')]);
  const exp = await acs3('ExportDataKey', {
    CiphertextBlob: gen.CiphertextBlob,
    PublicKeyBlob: b64(smSpki),
    WrappingKeySpec: 'EC_SM2',
    WrappingAlgorithm: 'SM2PKE',
  });
  const plain = sm2.doDecrypt(unb64(exp.ExportedDataKey).toString('hex'), pair.privateKey, 1, { output: 'array', asn1: true });
  expect(Buffer.from(plain)).toEqual(exported);

  await expectError(
    acs3('ExportDataKey', {
      CiphertextBlob: gen.CiphertextBlob,
      PublicKeyBlob: rsaBlob,
      WrappingKeySpec: 'RSA_2048',
      WrappingAlgorithm: 'SM2PKE',
    }),
    'InvalidParameter',
    400,
  );
  await expectError(
    acs3('ExportDataKey', {
      CiphertextBlob: gen.CiphertextBlob,
      PublicKeyBlob: b64('not a key'),
      WrappingKeySpec: 'RSA_2048',
      WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
    }),
    'InvalidParameter',
    400,
  );
});

test('old versions keep decrypting after a new primary version', async () => {
  const { keyId } = await createKey(kms, 'Aliyun_AES_256');
  const old = await kms.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: b64('v1') }));
  await emu.kms.keys.modify(keyId, 'useMaterial', (k) => emu.kms.keys.addVersion(k));
  const fresh = await kms.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: b64('v2') }));
  expect(fresh.keyVersionId).not.toBe(old.keyVersionId);
  const dOld = await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: old.ciphertextBlob }));
  expect(dOld).toMatchObject({ keyVersionId: old.keyVersionId, plaintext: b64('v1') });
  const dNew = await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: fresh.ciphertextBlob }));
  expect(dNew).toMatchObject({ keyVersionId: fresh.keyVersionId, plaintext: b64('v2') });
});

describe('limits and wrong input', () => {
  let keyId: string;
  beforeAll(async () => {
    ({ keyId } = await createKey(kms, 'Aliyun_AES_256'));
  });

  test('Encrypt takes at most 6 KiB', async () => {
    await kms.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: b64(Buffer.alloc(6144, 1)) }));
    await expectError(kms.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: b64(Buffer.alloc(6145, 1)) })), 'InvalidParameter', 400);
  });

  test('binary parameters must be base64', async () => {
    const e = await expectError(kms.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'not base64!' })), 'InvalidParameter', 400);
    expect(e.body.Message).toContain('Plaintext');
    await expectError(kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: 'abc' })), 'InvalidParameter', 400);
  });

  test('NumberOfBytes is 1-1024 and KeySpec AES_256/AES_128', async () => {
    await expectError(kms.generateDataKey(new $Kms.GenerateDataKeyRequest({ keyId, numberOfBytes: 1025 })), 'InvalidParameter', 400);
    await expectError(kms.generateDataKey(new $Kms.GenerateDataKeyRequest({ keyId, numberOfBytes: 0 })), 'InvalidParameter', 400);
    await expectError(kms.generateDataKey(new $Kms.GenerateDataKeyRequest({ keyId, keySpec: 'AES_512' })), 'InvalidParameter', 400);
    const one = await kms.generateDataKey(new $Kms.GenerateDataKeyRequest({ keyId, numberOfBytes: 1 }));
    expect(unb64(one.plaintext)).toHaveLength(1);
  });

  test('symmetric operations refuse asymmetric keys', async () => {
    const ec = await createKey(kms, 'EC_P256');
    await expectError(kms.encrypt(new $Kms.EncryptRequest({ keyId: ec.keyId, plaintext: b64('x') })), 'Unsupported.KeySpec', 400);
    await expectError(kms.generateDataKey(new $Kms.GenerateDataKeyRequest({ keyId: ec.keyId })), 'Unsupported.KeySpec', 400);
  });

  test('unknown keys and aliases', async () => {
    await expectError(kms.encrypt(new $Kms.EncryptRequest({ keyId: 'key-nope', plaintext: b64('x') })), 'Forbidden.KeyNotFound', 404);
    await expectError(kms.encrypt(new $Kms.EncryptRequest({ keyId: 'alias/nope', plaintext: b64('x') })), 'Forbidden.AliasNotFound', 404);
  });

  test('a blob is tied to its account: another account cannot decrypt it', async () => {
    const enc = await kms.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: b64('mine') }));
    const other = await emu.kms.symmetric
      .decrypt(ownerAccess({ accountId: '9999999999999999', regionId: 'cn-hangzhou' }, 'Decrypt'), unb64(enc.ciphertextBlob), undefined)
      .catch((e: { code: string }) => e.code);
    expect(other).toBe('InvalidCiphertext');
  });

  test('truncated, tampered and foreign blobs are InvalidCiphertext', async () => {
    const enc = await kms.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: b64('tamper with me') }));
    const raw = unb64(enc.ciphertextBlob);
    const flipped = Buffer.from(raw);
    flipped[flipped.length - 1] ^= 1;
    for (const bad of [
      raw.subarray(0, 20),
      raw.subarray(0, raw.length - 1),
      flipped,
      Buffer.from('foreign ciphertext from elsewhere'),
      Buffer.alloc(64),
    ])
      await expectError(kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: b64(bad) })), 'InvalidCiphertext', 400);
  });

  test('a forged blob naming alias/acs/<product> is InvalidCiphertext and provisions no service key', async () => {
    const keyId = Buffer.from('alias/acs/forged');
    const version = Buffer.from('11111111-1111-4111-8111-111111111111');
    const header = Buffer.concat([Buffer.from('AKB'), Buffer.from([1, 1, keyId.length]), keyId, Buffer.from([version.length]), version]);
    const forged = Buffer.concat([header, Buffer.alloc(12 + 16 + 8)]);
    await expectError(kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: b64(forged) })), 'InvalidCiphertext', 400);
    const aliases = (await kms.listAliases(new $Kms.ListAliasesRequest({ pageSize: 100 }))).aliases.alias.map((a) => a.aliasName);
    expect(aliases).not.toContain('alias/acs/forged');
  });

  test('DryRun answers DryRunOperationError after a valid request, ValidationError for a bad one', async () => {
    await expectError(acs3('Encrypt', { KeyId: keyId, Plaintext: b64('x'), DryRun: 'true' }), 'DryRunOperationError', 400);
    await expectError(acs3('Encrypt', { KeyId: keyId, Plaintext: '***', DryRun: 'true' }), 'ValidationError', 400);
  });

  test('pop-core (RPC v1, GET) works for the data plane too', async () => {
    const pop = popClient(emu);
    const enc = (await pop.request('Encrypt', { KeyId: keyId, Plaintext: b64('pop') })) as { CiphertextBlob: string };
    const dec = (await pop.request('Decrypt', { CiphertextBlob: enc.CiphertextBlob }, { method: 'POST' })) as { Plaintext: string };
    expect(dec.Plaintext).toBe(b64('pop'));
  });

  test('GenerateMac / VerifyMac answer Unsupported.KeySpec: HMAC key specs are unconfirmed', async () => {
    await expectError(acs3('GenerateMac', { KeyId: keyId, Algorithm: 'HMAC_SHA_256', Message: b64('m') }), 'Unsupported.KeySpec', 400);
    await expectError(
      acs3('VerifyMac', { KeyId: keyId, Algorithm: 'HMAC_SHA_256', Message: b64('m'), Mac: b64('x') }),
      'Unsupported.KeySpec',
      400,
    );
  });
});
