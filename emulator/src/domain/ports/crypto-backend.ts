/**
 * The port between the domain and whatever holds key material (software under the root key, or a PKCS#11 token).
 * The domain owns this interface; crypto/ implements it and depends on the domain's types only. Only references to
 * material cross it: a backend takes a MaterialRef and returns results, never key bytes. (Imported material enters
 * wrapped under a backend-held wrapping key; seeded material enters once, through `adopt`; data keys are random bytes.)
 */
import type { MaterialRef } from '../model';
import type { EncryptionAlgorithm, ImportWrappingAlgorithm, KeySpec, SigningAlgorithm } from '../specs';

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
  /**
   * Keeps material an operator supplied (a seed: raw bytes of a symmetric key, PKCS#8 DER of an asymmetric one) as
   * software material. Throws CryptoFailure('material') when it is not a key of `spec`.
   */
  adopt(spec: KeySpec, material: Buffer): Promise<MaterialRef>;
  /** Forget material (key deletion); a no-op for wrapped software material. */
  destroy(ref: MaterialRef): Promise<void>;
  /** Random bytes for data keys. */
  random(bytes: number): Buffer;

  encrypt(key: KeyHandle, plaintext: Buffer, aad: Buffer): Promise<Sealed>;
  /** Throws CryptoFailure('decrypt') when the tag, key or AAD does not match. */
  decrypt(key: KeyHandle, sealed: Sealed, aad: Buffer): Promise<Buffer>;

  asymmetricEncrypt(key: KeyHandle, algorithm: EncryptionAlgorithm, plaintext: Buffer): Promise<Buffer>;
  asymmetricDecrypt(key: KeyHandle, algorithm: EncryptionAlgorithm, ciphertext: Buffer): Promise<Buffer>;
  /** Encrypts to a public key the caller supplies (SPKI DER), e.g. ExportDataKey. */
  encryptToPublicKey(spki: Buffer, algorithm: EncryptionAlgorithm, plaintext: Buffer): Promise<Buffer>;
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
