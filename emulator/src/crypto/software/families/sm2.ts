/**
 * EC_SM2: SM2DSA over a caller's digest e = SM3(Z_A‖M) and SM2PKE encryption (GB/T 32918), via sm-crypto-v2.
 *
 * Node 20's OpenSSL knows the SM2 curve (we generate and store keys with it) but not SM2 signing or encryption:
 * `crypto.sign('sm3', …)` on an SM2 key is ECDSA-SM3, which no SM2 verifier accepts. Measured
 * (perf-baselines.md §c): sm-crypto-v2 signs at 2.9 k/s and verifies at 1.8 k/s with a precomputed public key
 * (267/s without), which we cache per key version; gm-crypto silently failed 5% of decryptions and sm-crypto is
 * 25x slower, so both are avoided. Decryption via node ECDH would be 3.4x faster but needs a hand-written
 * SM2 KDF/C3 path; sm-crypto-v2 keeps one audited-by-use implementation for all four operations.
 * Encodings: signatures are DER SEQUENCE{r, s}; ciphertexts are GM/T 0009 DER SEQUENCE{x, y, C3, C2}.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { sm2 as Sm2 } from 'sm-crypto-v2';
import { CryptoFailure } from '../../../domain/ports/crypto-backend';
import { lazyModule } from '../../lazy';
import { curveOf, generatePkcs8, type SoftwareFamily } from './family';

/** sm-crypto-v2, loaded on the first SM2 operation (~20 ms to load, not worth paying at start). */
const smCrypto = lazyModule(() => require('sm-crypto-v2') as typeof import('sm-crypto-v2'));
const sm2 = (): typeof Sm2 => smCrypto().sm2;

/** SM2PKE plaintext limit (kms-openapi.md §3.3). */
export const SM2_MAX_PLAINTEXT = 6047;

export interface Sm2Key {
  readonly dHex: string;
  /** Uncompressed public point, hex (04‖x‖y). */
  readonly publicHex: string;
  readonly point: ReturnType<typeof Sm2.precomputePublicKey>;
  readonly spki: Buffer;
}

/** DER of SubjectPublicKeyInfo{ id-ecPublicKey, SM2 curve } up to the uncompressed point (DER is canonical). */
const SM2_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

/** The uncompressed point (hex) of an SM2 SubjectPublicKeyInfo. Parsed by hand: node reports no key type for SM2 SPKI. */
function pointOf(spki: Buffer): string {
  if (
    spki.length !== SM2_SPKI_PREFIX.length + 65 ||
    !spki.subarray(0, SM2_SPKI_PREFIX.length).equals(SM2_SPKI_PREFIX) ||
    spki[SM2_SPKI_PREFIX.length] !== 4
  )
    throw new CryptoFailure('input', 'not an SM2 public key');
  return spki.subarray(SM2_SPKI_PREFIX.length).toString('hex');
}

export function sm2Key(pkcs8: Buffer): Sm2Key {
  // ECPrivateKey inside PKCS#8: SEQUENCE { INTEGER 1, OCTET STRING(32) d, ... } — node cannot export SM2 as JWK.
  const at = pkcs8.indexOf(Buffer.from('0201010420', 'hex'));
  if (at < 0) throw new CryptoFailure('material', 'SM2 material is not an ECPrivateKey');
  const spki = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  const publicHex = pointOf(spki);
  return { dHex: pkcs8.subarray(at + 5, at + 37).toString('hex'), publicHex, point: sm2().precomputePublicKey(publicHex), spki };
}

export const sm2Sign = (k: Sm2Key, digest: Buffer): Buffer =>
  Buffer.from(sm2().doSignature(new Uint8Array(digest), k.dHex, { hash: false, der: true }), 'hex');

export function sm2Verify(k: Sm2Key, digest: Buffer, signature: Buffer): boolean {
  try {
    return sm2().doVerifySignature(new Uint8Array(digest), signature.toString('hex'), k.point, { hash: false, der: true });
  } catch {
    return false; // malformed DER, or r/s out of range
  }
}

function encryptToPoint(point: string | Sm2Key['point'], plaintext: Buffer): Buffer {
  if (plaintext.length < 1 || plaintext.length > SM2_MAX_PLAINTEXT)
    throw new CryptoFailure('input', `SM2PKE takes 1 to ${SM2_MAX_PLAINTEXT} bytes`);
  try {
    return Buffer.from(sm2().doEncrypt(new Uint8Array(plaintext), point, 1, { asn1: true }), 'hex');
  } catch {
    throw new CryptoFailure('input', 'the public key is not a point on the SM2 curve');
  }
}

export const sm2Encrypt = (k: Sm2Key, plaintext: Buffer) => encryptToPoint(k.point, plaintext);
export const sm2EncryptToSpki = (spki: Buffer, plaintext: Buffer) => encryptToPoint(pointOf(spki), plaintext);

export function sm2Decrypt(k: Sm2Key, ciphertext: Buffer): Buffer {
  let out: Uint8Array;
  try {
    out = sm2().doDecrypt(ciphertext.toString('hex'), k.dHex, 1, { output: 'array', asn1: true });
  } catch {
    throw new CryptoFailure('decrypt', 'not an SM2 ciphertext');
  }
  // sm-crypto-v2 answers a C3 mismatch with an empty result; SM2PKE plaintexts are never empty.
  if (!out || out.length === 0) throw new CryptoFailure('decrypt', 'SM2 decryption failed');
  return Buffer.from(out);
}

/** An SM2 key, or CryptoFailure('material'). */
function sm2KeyOf(pkcs8: Buffer): Sm2Key {
  try {
    return sm2Key(pkcs8);
  } catch (err) {
    throw err instanceof CryptoFailure
      ? new CryptoFailure('material', 'expected a key on the SM2 curve')
      : new CryptoFailure('material', 'not a PKCS#8 private key');
  }
}

export const sm2Family: SoftwareFamily<Sm2Key> = {
  generate: (spec) => generatePkcs8('ec', { namedCurve: curveOf(spec) }),
  parse: (material) => sm2KeyOf(material),
  asymmetricEncrypt: (k, _algorithm, plaintext) => sm2Encrypt(k, plaintext),
  asymmetricDecrypt: (k, _algorithm, ciphertext) => sm2Decrypt(k, ciphertext),
  encryptToPublicKey: (spki, _algorithm, plaintext) => sm2EncryptToSpki(spki, plaintext),
  sign: (k, _algorithm, digest) => sm2Sign(k, digest),
  verify: (k, _algorithm, digest, signature) => sm2Verify(k, digest, signature),
  publicKey: (k) => k.spki,
  unwrap: (k, _algorithm, wrapped) => sm2Decrypt(k, wrapped),
};
