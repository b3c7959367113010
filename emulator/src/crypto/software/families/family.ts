/**
 * What an algorithm family does in software. Each family file exports one object implementing the operations its
 * keys have; the backend looks the family up once from the spec registry and calls it, so no method repeats a
 * `switch (family)`. An operation a family lacks is simply absent (local-kms's BaseKey shape).
 */
import { generateKeyPair } from 'node:crypto';
import { CryptoFailure, type Sealed } from '../../../domain/ports/crypto-backend';
import { CURVES, type EncryptionAlgorithm, type ImportWrappingAlgorithm, type SigningAlgorithm, type SpecRow } from '../../../domain/specs';

export interface SoftwareFamily<K = unknown> {
  /** Fresh material for `spec`: raw bytes (symmetric) or PKCS#8 DER (asymmetric). */
  generate(spec: SpecRow): Promise<Buffer>;
  /** The material ready to use; throws CryptoFailure('material') when it is not a key of `spec`. */
  parse(material: Buffer, spec: SpecRow): K;

  encrypt?(key: K, plaintext: Buffer, aad: Buffer): Sealed;
  decrypt?(key: K, sealed: Sealed, aad: Buffer): Buffer;
  asymmetricEncrypt?(key: K, algorithm: EncryptionAlgorithm, plaintext: Buffer): Buffer;
  asymmetricDecrypt?(key: K, algorithm: EncryptionAlgorithm, ciphertext: Buffer): Buffer;
  /** Encrypts to a caller's public key (SubjectPublicKeyInfo DER), as ExportDataKey does. */
  encryptToPublicKey?(spki: Buffer, algorithm: EncryptionAlgorithm, plaintext: Buffer): Buffer;
  sign?(key: K, algorithm: SigningAlgorithm, digest: Buffer): Buffer;
  verify?(key: K, algorithm: SigningAlgorithm, digest: Buffer, signature: Buffer): boolean;
  /** SubjectPublicKeyInfo DER. */
  publicKey?(key: K): Buffer;
  /** BYOK: the material `wrapped` holds, unwrapped with this (wrapping) key. */
  unwrap?(key: K, algorithm: ImportWrappingAlgorithm, wrapped: Buffer): Buffer;
}

/**
 * PKCS#8 DER of a new RSA or EC private key. Generated on the libuv pool: RSA takes 50-700 ms of CPU and the sync
 * call would stall every other request.
 */
export function generatePkcs8(type: 'rsa' | 'ec', options: { modulusLength: number } | { namedCurve: string }): Promise<Buffer> {
  const encoding = { privateKeyEncoding: { type: 'pkcs8', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } } as const;
  return new Promise((resolve, reject) =>
    generateKeyPair(type as 'rsa', { ...(options as { modulusLength: number }), ...encoding }, (err, _pub, priv) =>
      err ? reject(err) : resolve(priv as unknown as Buffer),
    ),
  );
}

/** Symmetric material must be exactly the spec's size. */
export function symmetricMaterial(material: Buffer, spec: SpecRow): Buffer {
  if (spec.kind !== 'symmetric' || material.length * 8 !== spec.bits)
    throw new CryptoFailure(
      'material',
      `the material is ${material.length} bytes; ${spec.family} keys of ${spec.bits} bits take ${spec.bits / 8}`,
    );
  return material;
}

/** The named curve of a PKCS#8 EC key must be the spec's. */
export function curveOf(spec: SpecRow): string {
  if (spec.kind !== 'asymmetric' || !spec.curve) throw new CryptoFailure('material', `${spec.family} keys have no curve`);
  return CURVES[spec.curve].openssl;
}
