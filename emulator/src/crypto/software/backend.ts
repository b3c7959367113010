/**
 * Key material in software: raw bytes (symmetric) or PKCS#8 DER (asymmetric), wrapped under the root key.
 * RSA generation uses the async API: it takes 50-700 ms of CPU and the sync call would stall every other request.
 * Each algorithm family lives in its own file, which says which implementation it uses and why (by measurement);
 * this class only unwraps and caches material and dispatches to them.
 */
import { createHash, generateKeyPair, randomBytes } from 'node:crypto';
import type { MaterialRef } from '../../domain/model';
import { SPECS, type KeySpec } from '../../domain/specs';
import {
  CryptoFailure,
  type AsymmetricEncryptionAlgorithm,
  type CryptoBackend,
  type ImportWrappingAlgorithm,
  type KeyHandle,
  type Sealed,
  type SigningAlgorithm,
} from '../backend';
import type { RootKey } from '../root-key';
import { aesGcmDecrypt, aesGcmEncrypt } from './aes-gcm';
import { ecdsaSign, ecdsaVerify } from './ecdsa';
import { ParsedKeyCache, parseMaterial, type ParsedKey } from './parsed-keys';
import { rsaOaepDecrypt, rsaOaepEncrypt, rsaPkcs1Decrypt, rsaPublicKey, rsaSign, rsaVerify, type OaepHash } from './rsa';
import { sm2Decrypt, sm2Encrypt, sm2EncryptToSpki, sm2Sign, sm2Verify } from './sm2';
import { sm4GcmDecrypt, sm4GcmEncrypt } from './sm4-gcm';

/** PKCS#8 DER of a new RSA or EC private key, generated on the libuv pool. */
function generatePkcs8(type: 'rsa' | 'ec', options: { modulusLength: number } | { namedCurve: string }): Promise<Buffer> {
  const encoding = { privateKeyEncoding: { type: 'pkcs8', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } } as const;
  return new Promise((resolve, reject) =>
    generateKeyPair(type as 'rsa', { ...(options as { modulusLength: number }), ...encoding }, (err, _pub, priv) =>
      err ? reject(err) : resolve(priv as unknown as Buffer),
    ),
  );
}

/** OpenSSL curve names for the EC specs. */
const CURVES: Partial<Record<KeySpec, string>> = { EC_P256: 'prime256v1', EC_P256K: 'secp256k1', EC_SM2: 'SM2' };

const OAEP: Partial<Record<string, OaepHash>> = { RSAES_OAEP_SHA_256: 'sha256', RSAES_OAEP_SHA_1: 'sha1' };

export interface SoftwareMaterial extends MaterialRef {
  readonly backend: 'software';
  /** base64(iv | tag | AES-GCM(root key, material)) */
  readonly wrapped: string;
  /** Imported material only: SHA-256 of it, so a re-import can be checked against it after DeleteKeyMaterial. */
  readonly fingerprint?: string;
}

export class SoftwareBackend implements CryptoBackend {
  readonly name = 'software';
  private readonly cache = new ParsedKeyCache();

  constructor(private readonly rootKey: RootKey) {}

  async generate(spec: KeySpec): Promise<SoftwareMaterial> {
    return this.wrap(await newMaterial(spec));
  }

  async destroy(): Promise<void> {}

  random = (bytes: number): Buffer => randomBytes(bytes);

  wrap(material: Buffer): SoftwareMaterial {
    return { backend: 'software', wrapped: this.rootKey.wrap(material) };
  }

  unwrap(ref: MaterialRef): Buffer {
    if (ref.backend !== 'software' || typeof ref.wrapped !== 'string') throw new Error(`not software material: ${ref.backend}`);
    return this.rootKey.unwrap(ref.wrapped);
  }

  /** The parsed key for a version, unwrapped and parsed once. */
  private parsed(key: KeyHandle): ParsedKey {
    return this.cache.get(`${key.spec}:${String(key.ref.wrapped)}`, () => parseMaterial(key.spec, this.unwrap(key.ref)));
  }

  async encrypt(key: KeyHandle, plaintext: Buffer, aad: Buffer): Promise<Sealed> {
    const p = this.parsed(key);
    if (p.family === 'aes') return aesGcmEncrypt(p.key, plaintext, aad);
    if (p.family === 'sm4') return sm4GcmEncrypt(p.key, plaintext, aad);
    throw new CryptoFailure('input', `${key.spec} is not a symmetric key`);
  }

  async decrypt(key: KeyHandle, sealed: Sealed, aad: Buffer): Promise<Buffer> {
    const p = this.parsed(key);
    if (p.family === 'aes') return aesGcmDecrypt(p.key, sealed, aad);
    if (p.family === 'sm4') return sm4GcmDecrypt(p.key, sealed, aad);
    throw new CryptoFailure('input', `${key.spec} is not a symmetric key`);
  }

  async asymmetricEncrypt(key: KeyHandle, algorithm: AsymmetricEncryptionAlgorithm, plaintext: Buffer): Promise<Buffer> {
    const p = this.parsed(key);
    if (p.family === 'rsa' && OAEP[algorithm]) return rsaOaepEncrypt(p.key.pub, OAEP[algorithm], plaintext);
    if (p.family === 'sm2' && algorithm === 'SM2PKE') return sm2Encrypt(p.key, plaintext);
    throw new CryptoFailure('input', `${algorithm} does not fit ${key.spec}`);
  }

  async asymmetricDecrypt(key: KeyHandle, algorithm: AsymmetricEncryptionAlgorithm, ciphertext: Buffer): Promise<Buffer> {
    const p = this.parsed(key);
    if (p.family === 'rsa' && OAEP[algorithm]) return rsaOaepDecrypt(p.key, OAEP[algorithm], ciphertext);
    if (p.family === 'sm2' && algorithm === 'SM2PKE') return sm2Decrypt(p.key, ciphertext);
    throw new CryptoFailure('input', `${algorithm} does not fit ${key.spec}`);
  }

  async encryptToPublicKey(spki: Buffer, algorithm: AsymmetricEncryptionAlgorithm, plaintext: Buffer): Promise<Buffer> {
    if (algorithm === 'SM2PKE') return sm2EncryptToSpki(spki, plaintext);
    let pub;
    try {
      pub = rsaPublicKey(spki);
    } catch {
      throw new CryptoFailure('input', 'not a public key');
    }
    if (pub.asymmetricKeyType !== 'rsa') throw new CryptoFailure('input', 'not an RSA public key');
    return rsaOaepEncrypt(pub, OAEP[algorithm]!, plaintext);
  }

  async sign(key: KeyHandle, algorithm: SigningAlgorithm, digest: Buffer): Promise<Buffer> {
    const p = this.parsed(key);
    if (p.family === 'rsa') return rsaSign(p.key, algorithm, digest);
    if (p.family === 'ecdsa') return ecdsaSign(p.key, digest);
    if (p.family === 'sm2') return sm2Sign(p.key, digest);
    throw new CryptoFailure('input', `${key.spec} cannot sign`);
  }

  async verify(key: KeyHandle, algorithm: SigningAlgorithm, digest: Buffer, signature: Buffer): Promise<boolean> {
    const p = this.parsed(key);
    if (p.family === 'rsa') return rsaVerify(p.key, algorithm, digest, signature);
    if (p.family === 'ecdsa') return ecdsaVerify(p.key, digest, signature);
    if (p.family === 'sm2') return sm2Verify(p.key, digest, signature);
    throw new CryptoFailure('input', `${key.spec} cannot verify`);
  }

  async publicKey(key: KeyHandle): Promise<Buffer> {
    const p = this.parsed(key);
    if (p.family === 'rsa') return p.key.pub.export({ type: 'spki', format: 'der' });
    if (p.family === 'ecdsa' || p.family === 'sm2') return p.key.spki;
    throw new CryptoFailure('input', `${key.spec} has no public key`);
  }

  async importMaterial(
    spec: KeySpec,
    wrappingKey: KeyHandle,
    algorithm: ImportWrappingAlgorithm,
    wrapped: Buffer,
  ): Promise<SoftwareMaterial> {
    const p = this.parsed(wrappingKey);
    let material: Buffer;
    try {
      if (p.family === 'rsa' && algorithm === 'RSAES_PKCS1_V1_5') material = rsaPkcs1Decrypt(p.key, wrapped);
      else if (p.family === 'rsa' && OAEP[algorithm]) material = rsaOaepDecrypt(p.key, OAEP[algorithm], wrapped);
      else if (p.family === 'sm2' && algorithm === 'SM2PKE') material = sm2Decrypt(p.key, wrapped);
      else throw new CryptoFailure('input', `${algorithm} does not fit the wrapping key`);
    } catch (err) {
      throw err instanceof CryptoFailure && err.kind === 'input' ? err : new CryptoFailure('material', 'the key material does not unwrap');
    }
    const info = SPECS[spec];
    if (info.kind !== 'symmetric' || material.length * 8 !== info.bits)
      throw new CryptoFailure('material', `${spec} material is ${info.bits / 8} bytes, not ${material.length}`);
    const fingerprint = createHash('sha256').update('alikms-imported-material-v1').update(material).digest('hex');
    return { ...this.wrap(material), fingerprint };
  }
}

async function newMaterial(spec: KeySpec): Promise<Buffer> {
  const info = SPECS[spec];
  if (info.kind === 'symmetric') return randomBytes(info.bits / 8);
  return info.kind === 'rsa' ? generatePkcs8('rsa', { modulusLength: info.bits }) : generatePkcs8('ec', { namedCurve: CURVES[spec]! });
}
