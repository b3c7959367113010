/**
 * The seam between the domain and whatever holds key material (software under the root key, or a PKCS#11 token).
 * Only references to material cross it: a backend takes a MaterialRef and returns results, never key bytes.
 * (Imported material enters wrapped under a backend-held wrapping key; data keys are random bytes, not keys.)
 */
import type { MaterialRef } from '../domain/model';
import type { KeySpec } from '../domain/specs';

/** Where new material should live: wrapped in software, or inside the HSM of a hardware instance. */
export type MaterialHome = 'software' | 'hsm';

/** A key version's material, with the spec that says how to use it. */
export interface KeyHandle {
  readonly spec: KeySpec;
  readonly ref: MaterialRef;
}

/** Authenticated symmetric ciphertext as the backend produces it; the domain frames it into a blob. */
export interface Sealed {
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

export type AsymmetricEncryptionAlgorithm = 'RSAES_OAEP_SHA_256' | 'RSAES_OAEP_SHA_1' | 'SM2PKE';
export type SigningAlgorithm = 'RSA_PSS_SHA_256' | 'RSA_PKCS1_SHA_256' | 'ECDSA_SHA_256' | 'SM2DSA';
/** How BYOK material is wrapped for ImportKeyMaterial (kms-openapi.md §3.2). */
export type ImportWrappingAlgorithm = 'RSAES_OAEP_SHA_256' | 'RSAES_OAEP_SHA_1' | 'RSAES_PKCS1_V1_5' | 'SM2PKE';

/**
 * Why a backend refused: the domain turns each kind into its documented error code. 'unsupported': the backend cannot
 * do this for the key at all (e.g. a mechanism the HSM lacks), and it is never done elsewhere instead.
 */
export type CryptoFailureKind = 'decrypt' | 'input' | 'material' | 'unsupported';

export class CryptoFailure extends Error {
  constructor(
    readonly kind: CryptoFailureKind,
    message: string,
  ) {
    super(message);
  }
}

export interface CryptoBackend {
  readonly name: string;
  /** Fresh material for a new key version (also fresh BYOK wrapping key pairs); `home` 'hsm' asks for a token key. */
  generate(spec: KeySpec, home?: MaterialHome): Promise<MaterialRef>;
  /** Forget material (key deletion); a no-op for wrapped software material. */
  destroy(ref: MaterialRef): Promise<void>;
  /** Random bytes for data keys. */
  random(bytes: number): Buffer;

  encrypt(key: KeyHandle, plaintext: Buffer, aad: Buffer): Promise<Sealed>;
  /** Throws CryptoFailure('decrypt') when the tag, key or AAD does not match. */
  decrypt(key: KeyHandle, sealed: Sealed, aad: Buffer): Promise<Buffer>;

  asymmetricEncrypt(key: KeyHandle, algorithm: AsymmetricEncryptionAlgorithm, plaintext: Buffer): Promise<Buffer>;
  asymmetricDecrypt(key: KeyHandle, algorithm: AsymmetricEncryptionAlgorithm, ciphertext: Buffer): Promise<Buffer>;
  /** Encrypts to a public key the caller supplies (SPKI DER), e.g. ExportDataKey. */
  encryptToPublicKey(spki: Buffer, algorithm: AsymmetricEncryptionAlgorithm, plaintext: Buffer): Promise<Buffer>;
  /** Signs a caller-computed digest (never the message); standard encodings (DER for EC/SM2). */
  sign(key: KeyHandle, algorithm: SigningAlgorithm, digest: Buffer): Promise<Buffer>;
  verify(key: KeyHandle, algorithm: SigningAlgorithm, digest: Buffer, signature: Buffer): Promise<boolean>;
  /** SubjectPublicKeyInfo DER of an asymmetric key. */
  publicKey(key: KeyHandle): Promise<Buffer>;

  /**
   * BYOK: unwrap `wrapped` with the private half of `wrappingKey` and keep it as material for `spec`.
   * The result carries a `fingerprint` so the domain can insist that a re-import brings the same material.
   * Throws CryptoFailure('material') when it does not unwrap or has the wrong length.
   */
  importMaterial(spec: KeySpec, wrappingKey: KeyHandle, algorithm: ImportWrappingAlgorithm, wrapped: Buffer): Promise<MaterialRef>;
}
