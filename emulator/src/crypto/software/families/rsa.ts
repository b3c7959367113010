/**
 * RSA_2048 / RSA_3072: OAEP encryption, and PKCS#1 v1.5 / PSS signatures over a caller's SHA-256 digest.
 *
 * All modular arithmetic is OpenSSL (node:crypto); only paddings that node cannot apply to a bare digest are in JS.
 * Measured (perf-baselines.md §b): PKCS#1 v1.5 = privateEncrypt(DigestInfo‖digest), byte-identical to crypto.sign;
 * PSS = EMSA-PSS encoded here + RSA_NO_PADDING, the same speed as native signing (3.6 k/s RSA-2048). Salt length
 * is 32 (= hash length) when signing; verification recovers any salt length, as OpenSSL's does by default.
 * PKCS#1 v1.5 *decryption* (the RSAES_PKCS1_V1_5 import wrapping) is refused by Node 20's privateDecrypt
 * (CVE-2023-46809), so it is RSA_NO_PADDING plus the type-2 unpadding below; it only ever unwraps import material.
 */
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  privateEncrypt,
  publicDecrypt,
  publicEncrypt,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { CryptoFailure } from '../../../domain/ports/crypto-backend';
import { ENCRYPTION_ALGORITHMS, type EncryptionAlgorithm, type SigningAlgorithm } from '../../../domain/specs';
import { generatePkcs8, type SoftwareFamily } from './family';

export interface RsaKey {
  readonly priv: KeyObject;
  readonly pub: KeyObject;
  readonly bytes: number;
  readonly bits: number;
}

export type OaepHash = 'sha256' | 'sha1';

export function rsaKey(pkcs8: Buffer): RsaKey {
  const priv = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const bits = priv.asymmetricKeyDetails!.modulusLength!;
  return { priv, pub: createPublicKey(priv), bytes: Math.ceil(bits / 8), bits };
}

/** An RSA key of exactly `bits` bits, or CryptoFailure('material'). */
function rsaKeyOf(pkcs8: Buffer, bits: number): RsaKey {
  let k: RsaKey;
  try {
    k = rsaKey(pkcs8);
  } catch {
    throw new CryptoFailure('material', 'not a PKCS#8 private key');
  }
  if (k.priv.asymmetricKeyType !== 'rsa' || k.bits !== bits)
    throw new CryptoFailure('material', `expected an RSA key of ${bits} bits, got ${k.priv.asymmetricKeyType} (${k.bits ?? '?'} bits)`);
  return k;
}

/** DER prefix of DigestInfo{sha256, digest} (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const H_LEN = 32;
const PSS_SALT = 32;

const sha256 = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

function mgf1(seed: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0, off = 0; off < length; i++, off += H_LEN) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(i);
    sha256(seed, c).copy(out, off);
  }
  return out;
}

function emsaPssEncode(mHash: Buffer, emBits: number): Buffer {
  const emLen = Math.ceil(emBits / 8);
  const salt = randomBytes(PSS_SALT);
  const h = sha256(Buffer.alloc(8), mHash, salt);
  const db = Buffer.alloc(emLen - H_LEN - 1);
  db[db.length - PSS_SALT - 1] = 1;
  salt.copy(db, db.length - PSS_SALT);
  const mask = mgf1(h, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  return Buffer.concat([db, h, Buffer.from([0xbc])]);
}

function emsaPssVerify(mHash: Buffer, em: Buffer, emBits: number): boolean {
  const emLen = Math.ceil(emBits / 8);
  if (em.length > emLen && em.subarray(0, em.length - emLen).some((b) => b !== 0)) return false;
  em = em.subarray(em.length - emLen);
  if (emLen < H_LEN + 2 || em[emLen - 1] !== 0xbc) return false;
  const db = Buffer.from(em.subarray(0, emLen - H_LEN - 1));
  const h = em.subarray(emLen - H_LEN - 1, emLen - 1);
  const topMask = 0xff >> (8 * emLen - emBits);
  if ((db[0] & ~topMask) !== 0) return false;
  const mask = mgf1(h, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= topMask;
  const one = db.findIndex((b) => b !== 0);
  if (one < 0 || db[one] !== 1) return false;
  return timingSafeEqual(sha256(Buffer.alloc(8), mHash, db.subarray(one + 1)), h);
}

export function rsaSign(k: RsaKey, algorithm: SigningAlgorithm, digest: Buffer): Buffer {
  if (algorithm === 'RSA_PKCS1_SHA_256')
    return privateEncrypt({ key: k.priv, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest]));
  return privateEncrypt({ key: k.priv, padding: constants.RSA_NO_PADDING }, emsaPssEncode(digest, k.bits - 1));
}

export function rsaVerify(k: RsaKey, algorithm: SigningAlgorithm, digest: Buffer, signature: Buffer): boolean {
  if (signature.length !== k.bytes) return false;
  try {
    if (algorithm === 'RSA_PKCS1_SHA_256') {
      const expected = Buffer.concat([SHA256_DIGEST_INFO, digest]);
      const em = publicDecrypt({ key: k.pub, padding: constants.RSA_PKCS1_PADDING }, signature);
      return em.length === expected.length && timingSafeEqual(em, expected);
    }
    return emsaPssVerify(digest, publicDecrypt({ key: k.pub, padding: constants.RSA_NO_PADDING }, signature), k.bits - 1);
  } catch {
    return false; // s >= n or a malformed padding: not a signature of this key
  }
}

const oaepMax = (bytes: number, hash: OaepHash) => bytes - 2 * (hash === 'sha256' ? 32 : 20) - 2;

export function rsaOaepEncrypt(pub: KeyObject, hash: OaepHash, plaintext: Buffer): Buffer {
  const bytes = Math.ceil(pub.asymmetricKeyDetails!.modulusLength! / 8);
  if (plaintext.length > oaepMax(bytes, hash))
    throw new CryptoFailure('input', `at most ${oaepMax(bytes, hash)} bytes for this key and algorithm`);
  return publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, plaintext);
}

export function rsaOaepDecrypt(k: RsaKey, hash: OaepHash, ciphertext: Buffer): Buffer {
  if (ciphertext.length !== k.bytes) throw new CryptoFailure('decrypt', `ciphertext must be ${k.bytes} bytes`);
  try {
    return privateDecrypt({ key: k.priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, ciphertext);
  } catch {
    throw new CryptoFailure('decrypt', 'OAEP decryption failed');
  }
}

/** RSAES-PKCS1-v1_5 decryption (RFC 8017 §7.2.2), for unwrapping imported key material only. */
export function rsaPkcs1Decrypt(k: RsaKey, ciphertext: Buffer): Buffer {
  if (ciphertext.length !== k.bytes) throw new CryptoFailure('decrypt', `ciphertext must be ${k.bytes} bytes`);
  let em: Buffer;
  try {
    em = privateDecrypt({ key: k.priv, padding: constants.RSA_NO_PADDING }, ciphertext);
  } catch {
    throw new CryptoFailure('decrypt', 'RSA decryption failed');
  }
  const sep = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || sep < 10) throw new CryptoFailure('decrypt', 'bad PKCS#1 v1.5 padding');
  return em.subarray(sep + 1);
}

export const rsaPublicKey = (spki: Buffer): KeyObject => createPublicKey({ key: spki, format: 'der', type: 'spki' });

/** OAEP hash of an RSA encryption algorithm (the registry says which algorithms are OAEP). */
function oaepHash(algorithm: EncryptionAlgorithm | string): OaepHash {
  const row = ENCRYPTION_ALGORITHMS[algorithm as EncryptionAlgorithm] as { oaepHash?: OaepHash } | undefined;
  if (!row?.oaepHash) throw new CryptoFailure('input', `${algorithm} is not an RSA algorithm`);
  return row.oaepHash;
}

function publicRsa(spki: Buffer): KeyObject {
  let pub: KeyObject;
  try {
    pub = rsaPublicKey(spki);
  } catch {
    throw new CryptoFailure('input', 'not a public key');
  }
  if (pub.asymmetricKeyType !== 'rsa') throw new CryptoFailure('input', 'not an RSA public key');
  return pub;
}

export const rsa: SoftwareFamily<RsaKey> = {
  generate: (spec) => generatePkcs8('rsa', { modulusLength: spec.bits }),
  parse: (material, spec) => rsaKeyOf(material, spec.bits),
  asymmetricEncrypt: (k, algorithm, plaintext) => rsaOaepEncrypt(k.pub, oaepHash(algorithm), plaintext),
  asymmetricDecrypt: (k, algorithm, ciphertext) => rsaOaepDecrypt(k, oaepHash(algorithm), ciphertext),
  encryptToPublicKey: (spki, algorithm, plaintext) => rsaOaepEncrypt(publicRsa(spki), oaepHash(algorithm), plaintext),
  sign: rsaSign,
  verify: rsaVerify,
  publicKey: (k) => k.pub.export({ type: 'spki', format: 'der' }),
  unwrap: (k, algorithm, wrapped) =>
    algorithm === 'RSAES_PKCS1_V1_5' ? rsaPkcs1Decrypt(k, wrapped) : rsaOaepDecrypt(k, oaepHash(algorithm), wrapped),
};
