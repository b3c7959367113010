/**
 * The emulator's backend when an HSM is configured: new material goes where the domain says (`home`: 'hsm' for keys
 * of hardware instances, 'software' for the rest), and every later operation follows the MaterialRef's `backend`,
 * so a key keeps using the store that holds it. Nothing ever falls back from the token to software.
 * Without an HSM the emulator uses the software backend alone and hardware instances are simulated.
 */
import type { MaterialRef } from '../../domain/model';
import type { KeySpec } from '../../domain/specs';
import type { CryptoBackend, KeyHandle, MaterialHome, Sealed } from '../../domain/ports/crypto-backend';
import type { EncryptionAlgorithm, ImportWrappingAlgorithm, SigningAlgorithm } from '../../domain/specs';
import type { Pkcs11Backend } from './backend';

export class HsmRouter implements CryptoBackend {
  readonly name = 'software+pkcs11';

  constructor(
    private readonly software: CryptoBackend,
    readonly hsm: Pkcs11Backend,
  ) {}

  generate(spec: KeySpec, home?: MaterialHome): Promise<MaterialRef> {
    return home === 'hsm' ? this.hsm.generate(spec) : this.software.generate(spec, home);
  }

  /** Operator-supplied material always stays in software. */
  adopt(spec: KeySpec, material: Buffer): Promise<MaterialRef> {
    return this.software.adopt(spec, material);
  }

  destroy(ref: MaterialRef): Promise<void> {
    return this.holder(ref).destroy(ref);
  }

  random(bytes: number): Buffer {
    return this.software.random(bytes);
  }

  encrypt(key: KeyHandle, plaintext: Buffer, aad: Buffer): Promise<Sealed> {
    return this.holder(key.ref).encrypt(key, plaintext, aad);
  }

  decrypt(key: KeyHandle, sealed: Sealed, aad: Buffer): Promise<Buffer> {
    return this.holder(key.ref).decrypt(key, sealed, aad);
  }

  asymmetricEncrypt(key: KeyHandle, algorithm: EncryptionAlgorithm, plaintext: Buffer): Promise<Buffer> {
    return this.holder(key.ref).asymmetricEncrypt(key, algorithm, plaintext);
  }

  asymmetricDecrypt(key: KeyHandle, algorithm: EncryptionAlgorithm, ciphertext: Buffer): Promise<Buffer> {
    return this.holder(key.ref).asymmetricDecrypt(key, algorithm, ciphertext);
  }

  /** The public key is the caller's, so software does it (it also speaks SM2PKE). */
  encryptToPublicKey(spki: Buffer, algorithm: EncryptionAlgorithm, plaintext: Buffer): Promise<Buffer> {
    return this.software.encryptToPublicKey(spki, algorithm, plaintext);
  }

  sign(key: KeyHandle, algorithm: SigningAlgorithm, digest: Buffer): Promise<Buffer> {
    return this.holder(key.ref).sign(key, algorithm, digest);
  }

  verify(key: KeyHandle, algorithm: SigningAlgorithm, digest: Buffer, signature: Buffer): Promise<boolean> {
    return this.holder(key.ref).verify(key, algorithm, digest, signature);
  }

  publicKey(key: KeyHandle): Promise<Buffer> {
    return this.holder(key.ref).publicKey(key);
  }

  /** Imported material lands where the wrapping key lives: unwrapped inside the token for an HSM wrapping key. */
  importMaterial(spec: KeySpec, wrappingKey: KeyHandle, algorithm: ImportWrappingAlgorithm, wrapped: Buffer): Promise<MaterialRef> {
    return this.holder(wrappingKey.ref).importMaterial(spec, wrappingKey, algorithm, wrapped);
  }

  close(): Promise<void> {
    return this.hsm.close();
  }

  private holder(ref: MaterialRef): CryptoBackend {
    return ref.backend === this.hsm.name ? this.hsm : this.software;
  }
}
