/**
 * AsymmetricEncrypt/Decrypt, AsymmetricSign/Verify and GetPublicKey for every asymmetric spec, through the official
 * 1.2.0 client, checked against tools outside the emulator: node:crypto (OpenSSL) for RSA and ECDSA, @noble/curves
 * for ECDSA over a digest, sm-crypto-v2 for SM2. Older versions keep working after a newer one becomes primary.
 */
import * as $Kms from '@alicloud/kms20160120';
import {
  constants,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  publicEncrypt,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sm2 } from 'sm-crypto-v2';
import { kmsClient } from '../support/clients';
import { b64, createKey, unb64 } from '../support/crypto';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';

let emu: TestEmulator;
let kms: ReturnType<typeof kmsClient>;
useEmulator((e) => {
  emu = e;
  kms = kmsClient(emu);
});

const message = Buffer.from('the message the caller hashed');
const sha256 = (m: Buffer) => createHash('sha256').update(m).digest();
const publicPem = async (k: { keyId: string; keyVersionId: string }) => (await kms.getPublicKey(new $Kms.GetPublicKeyRequest(k))).publicKey;
/** The uncompressed point of an EC public key PEM (last 65 bytes of its SPKI). */
const pointHex = (pem: string) => {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return der.subarray(der.length - 65).toString('hex');
};
const sign = (k: { keyId: string; keyVersionId: string }, algorithm: string, digest: Buffer) =>
  kms.asymmetricSign(new $Kms.AsymmetricSignRequest({ ...k, algorithm, digest: b64(digest) })).then((r) => unb64(r.value));
const verify = (k: { keyId: string; keyVersionId: string }, algorithm: string, digest: Buffer, value: Buffer) =>
  kms.asymmetricVerify(new $Kms.AsymmetricVerifyRequest({ ...k, algorithm, digest: b64(digest), value: b64(value) })).then((r) => r.value);
const decrypt = (k: { keyId: string; keyVersionId: string }, algorithm: string, ct: Buffer) =>
  kms.asymmetricDecrypt(new $Kms.AsymmetricDecryptRequest({ ...k, algorithm, ciphertextBlob: b64(ct) })).then((r) => unb64(r.plaintext));

describe.each(['RSA_2048', 'RSA_3072'])('%s', (spec) => {
  test('PKCS#1 v1.5 and PSS signatures over a digest verify in node:crypto over the message, and here', async () => {
    const k = await createKey(kms, spec, 'SIGN/VERIFY');
    const pem = await publicPem(k);
    expect(createPublicKey(pem).asymmetricKeyDetails?.modulusLength).toBe(spec === 'RSA_2048' ? 2048 : 3072);
    const digest = sha256(message);
    const pkcs1 = await sign(k, 'RSA_PKCS1_SHA_256', digest);
    expect(nodeVerify('sha256', message, pem, pkcs1)).toBe(true);
    const pss = await sign(k, 'RSA_PSS_SHA_256', digest);
    expect(nodeVerify('sha256', message, { key: pem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss)).toBe(true);
    expect(await verify(k, 'RSA_PKCS1_SHA_256', digest, pkcs1)).toBe(true);
    expect(await verify(k, 'RSA_PSS_SHA_256', digest, pss)).toBe(true);
    expect(await verify(k, 'RSA_PSS_SHA_256', sha256(Buffer.from('other')), pss)).toBe(false);
    expect(await verify(k, 'RSA_PKCS1_SHA_256', digest, pss)).toBe(false);
  });

  test('OAEP SHA-256 / SHA-1 ciphertexts made by node:crypto decrypt; AsymmetricEncrypt round-trips', async () => {
    const k = await createKey(kms, spec, 'ENCRYPT/DECRYPT');
    const pem = await publicPem(k);
    for (const [algorithm, oaepHash] of [
      ['RSAES_OAEP_SHA_256', 'sha256'],
      ['RSAES_OAEP_SHA_1', 'sha1'],
    ] as const) {
      const ct = publicEncrypt({ key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, Buffer.from(`made outside, ${oaepHash}`));
      expect((await decrypt(k, algorithm, ct)).toString()).toBe(`made outside, ${oaepHash}`);
      const enc = await kms.asymmetricEncrypt(new $Kms.AsymmetricEncryptRequest({ ...k, algorithm, plaintext: b64('inside') }));
      expect((await decrypt(k, algorithm, unb64(enc.ciphertextBlob))).toString()).toBe('inside');
    }
    const bytes = spec === 'RSA_2048' ? 256 : 384;
    await kms.asymmetricEncrypt(
      new $Kms.AsymmetricEncryptRequest({ ...k, algorithm: 'RSAES_OAEP_SHA_256', plaintext: b64(Buffer.alloc(bytes - 66, 1)) }),
    );
    await expectError(
      kms.asymmetricEncrypt(
        new $Kms.AsymmetricEncryptRequest({ ...k, algorithm: 'RSAES_OAEP_SHA_256', plaintext: b64(Buffer.alloc(bytes - 65, 1)) }),
      ),
      'InvalidParameter',
      400,
    );
    await expectError(
      decrypt(
        k,
        'RSAES_OAEP_SHA_1',
        publicEncrypt({ key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('x')),
      ),
      'InvalidCiphertext',
      400,
    );
    await expectError(decrypt(k, 'RSAES_OAEP_SHA_256', Buffer.alloc(bytes)), 'InvalidCiphertext', 400);
    await expectError(decrypt(k, 'RSAES_OAEP_SHA_256', Buffer.alloc(10)), 'InvalidCiphertext', 400);
    await expectError(decrypt(k, 'SM2PKE', Buffer.alloc(bytes)), 'InvalidParameter', 400);
  });
});

describe.each([
  ['EC_P256', p256],
  ['EC_P256K', secp256k1],
] as const)('%s', (spec, curve) => {
  test('ECDSA_SHA_256 over a digest: DER signatures that node:crypto and noble verify; high-S forms verify too', async () => {
    const k = await createKey(kms, spec);
    const pem = await publicPem(k);
    const point = Buffer.from(pointHex(pem), 'hex');
    for (let i = 0; i < 5; i++) {
      const m = Buffer.from(`message ${i}`);
      const sig = await sign(k, 'ECDSA_SHA_256', sha256(m));
      expect(nodeVerify('sha256', m, pem, sig)).toBe(true);
      expect(curve.verify(sig, sha256(m), point, { prehash: false, lowS: false, format: 'der' })).toBe(true);
    }
    // A signature made by OpenSSL with a key pair of its own cannot verify here; one from the emulator's key can.
    const other = generateKeyPairSync('ec', { namedCurve: spec === 'EC_P256' ? 'prime256v1' : 'secp256k1' });
    expect(await verify(k, 'ECDSA_SHA_256', sha256(message), nodeSign('sha256', message, other.privateKey))).toBe(false);
    expect(await verify(k, 'ECDSA_SHA_256', sha256(message), await sign(k, 'ECDSA_SHA_256', sha256(message)))).toBe(true);
    expect(await verify(k, 'ECDSA_SHA_256', sha256(message), Buffer.from('not DER'))).toBe(false);
    // OpenSSL never normalises s: the mirror signature (r, n - s) is equally valid and must verify.
    const parsed = curve.Signature.fromBytes(await sign(k, 'ECDSA_SHA_256', sha256(message)), 'der');
    const mirror = new curve.Signature(parsed.r, curve.Point.CURVE().n - parsed.s).toBytes('der');
    expect(await verify(k, 'ECDSA_SHA_256', sha256(message), Buffer.from(mirror))).toBe(true);
    await expectError(sign(k, 'RSA_PSS_SHA_256', sha256(message)), 'InvalidParameter', 400);
    await expectError(sign(k, 'ECDSA_SHA_256', Buffer.alloc(20)), 'InvalidParameter', 400);
    await expectError(
      kms.asymmetricEncrypt(new $Kms.AsymmetricEncryptRequest({ ...k, algorithm: 'RSAES_OAEP_SHA_256', plaintext: b64('x') })),
      'Unsupported.KeySpec',
      400,
    );
  });
});

describe('EC_SM2', () => {
  test('SM2DSA over e = SM3(Z‖M): signatures sm-crypto-v2 verifies, and its signatures verify here', async () => {
    const k = await createKey(kms, 'EC_SM2', 'SIGN/VERIFY');
    const pub = pointHex(await publicPem(k));
    const e = Buffer.from(sm2.getHash(Buffer.from(message).toString('hex'), pub), 'hex');
    const sig = await sign(k, 'SM2DSA', e);
    expect(sm2.doVerifySignature(new Uint8Array(message), sig.toString('hex'), pub, { der: true, hash: true })).toBe(true);
    expect(await verify(k, 'SM2DSA', e, sig)).toBe(true);
    expect(await verify(k, 'SM2DSA', Buffer.alloc(32, 7), sig)).toBe(false);
    await expectError(sign(k, 'ECDSA_SHA_256', e), 'InvalidParameter', 400);
    await expectError(
      kms.asymmetricEncrypt(new $Kms.AsymmetricEncryptRequest({ ...k, algorithm: 'SM2PKE', plaintext: b64('x') })),
      'Rejected.UnsupportedOperation',
      409,
    );
  });

  test('SM2PKE: GM/T 0009 ciphertexts from sm-crypto-v2 decrypt, and ours decrypt there', async () => {
    const k = await createKey(kms, 'EC_SM2', 'ENCRYPT/DECRYPT');
    const pub = pointHex(await publicPem(k));
    const outside = Buffer.from(sm2.doEncrypt(new Uint8Array(Buffer.from('国密 made outside')), pub, 1, { asn1: true }), 'hex');
    expect((await decrypt(k, 'SM2PKE', outside)).toString()).toBe('国密 made outside');
    const enc = await kms.asymmetricEncrypt(
      new $Kms.AsymmetricEncryptRequest({ ...k, algorithm: 'SM2PKE', plaintext: b64(Buffer.alloc(6047, 3)) }),
    );
    expect(await decrypt(k, 'SM2PKE', unb64(enc.ciphertextBlob))).toEqual(Buffer.alloc(6047, 3));
    await expectError(
      kms.asymmetricEncrypt(new $Kms.AsymmetricEncryptRequest({ ...k, algorithm: 'SM2PKE', plaintext: b64(Buffer.alloc(6048)) })),
      'InvalidParameter',
      400,
    );
    const tampered = Buffer.from(outside);
    tampered[tampered.length - 1] ^= 1;
    await expectError(decrypt(k, 'SM2PKE', tampered), 'InvalidCiphertext', 400);
    await expectError(decrypt(k, 'SM2PKE', Buffer.from('garbage')), 'InvalidCiphertext', 400);
    await expectError(sign(k, 'SM2DSA', Buffer.alloc(32)), 'Rejected.UnsupportedOperation', 409);
  });
});

test('after CreateKeyVersion, old signatures and ciphertexts still verify/decrypt with the old version', async () => {
  const signer = await createKey(kms, 'EC_P256');
  const crypter = await createKey(kms, 'EC_SM2', 'ENCRYPT/DECRYPT');
  const digest = sha256(message);
  const oldSig = await sign(signer, 'ECDSA_SHA_256', digest);
  const oldCt = unb64(
    (await kms.asymmetricEncrypt(new $Kms.AsymmetricEncryptRequest({ ...crypter, algorithm: 'SM2PKE', plaintext: b64('old') })))
      .ciphertextBlob,
  );
  emu.clock.advance(8 * 86400e3);
  const v2 = (await kms.createKeyVersion(new $Kms.CreateKeyVersionRequest({ keyId: signer.keyId }))).keyVersion.keyVersionId;
  const c2 = (await kms.createKeyVersion(new $Kms.CreateKeyVersionRequest({ keyId: crypter.keyId }))).keyVersion.keyVersionId;
  const newSigner = { keyId: signer.keyId, keyVersionId: v2 };
  expect(await publicPem(newSigner)).not.toBe(await publicPem(signer));
  expect(await verify(signer, 'ECDSA_SHA_256', digest, oldSig)).toBe(true);
  expect(await verify(newSigner, 'ECDSA_SHA_256', digest, oldSig)).toBe(false);
  expect(nodeVerify('sha256', message, await publicPem(newSigner), await sign(newSigner, 'ECDSA_SHA_256', digest))).toBe(true);
  expect((await decrypt(crypter, 'SM2PKE', oldCt)).toString()).toBe('old');
  await expectError(decrypt({ keyId: crypter.keyId, keyVersionId: c2 }, 'SM2PKE', oldCt), 'InvalidCiphertext', 400);
});

test('errors: unknown version, symmetric keys, wrong usage, bad base64', async () => {
  const k = await createKey(kms, 'EC_P256');
  await expectError(
    sign({ keyId: k.keyId, keyVersionId: 'no-such-version' }, 'ECDSA_SHA_256', sha256(message)),
    'Forbidden.KeyVersionNotFound',
    404,
  );
  const aes = await createKey(kms, 'Aliyun_AES_256');
  await expectError(publicPem(aes), 'Unsupported.KeySpec', 400);
  await expectError(sign(aes, 'ECDSA_SHA_256', sha256(message)), 'Unsupported.KeySpec', 400);
  await expectError(
    kms.asymmetricSign(new $Kms.AsymmetricSignRequest({ ...k, algorithm: 'ECDSA_SHA_256', digest: '%%%' })),
    'InvalidParameter',
    400,
  );
  await expectError(
    kms.asymmetricSign(new $Kms.AsymmetricSignRequest({ ...k, algorithm: 'NOPE', digest: b64(sha256(message)) })),
    'InvalidParameter',
    400,
  );
  expect(await publicPem({ keyId: k.keyId, keyVersionId: k.keyVersionId })).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
});
