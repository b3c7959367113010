/**
 * Operations with an asymmetric key version (§1.3.4): AsymmetricEncrypt/Decrypt, AsymmetricSign/Verify over a
 * caller's digest, GetPublicKey. Every call names the version; ciphertexts and signatures are the standard
 * encodings (OAEP, SM2 GM/T 0009 DER, DER ECDSA/SM2 signatures), so tools outside the emulator interoperate.
 */
import { invalid } from './errors';
import { backendCall, type KeyMaterial, type Mode } from './key-material';
import type { Access } from './authorization';
import { SIGNING_ALGORITHMS, type EncryptionAlgorithm, type KeyUsage, type SigningAlgorithm } from './specs';

/** SubjectPublicKeyInfo DER as PEM, the form GetPublicKey answers with. */
export function spkiPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

export class AsymmetricCrypto {
  constructor(private readonly material: KeyMaterial) {}

  /** The key version a call names, once its key is usable for `usage` (undefined: either) with `algorithm`. */
  private async usableVersion(
    access: Access,
    ref: string,
    keyVersionId: string,
    usage: KeyUsage | undefined,
    algorithm: string | undefined,
    mode: Mode,
  ) {
    const key = await this.material.usable(access, ref, { mode });
    this.material.requireAsymmetric(key, usage ?? key.keyUsage, algorithm);
    return { key, version: this.material.version(key, keyVersionId) };
  }

  private async use(access: Access, ref: string, keyVersionId: string, usage: KeyUsage | undefined, algorithm?: string) {
    const { key, version } = await this.usableVersion(access, ref, keyVersionId, usage, algorithm, 'use');
    return { ids: { keyId: key.keyId, keyVersionId: version.keyVersionId }, handle: this.material.handle(key, version) };
  }

  async encrypt(access: Access, ref: string, keyVersionId: string, algorithm: EncryptionAlgorithm, plaintext: Buffer) {
    const { ids, handle } = await this.use(access, ref, keyVersionId, 'ENCRYPT/DECRYPT', algorithm);
    const ciphertext = await backendCall(
      () => this.material.crypto.asymmetricEncrypt(handle, algorithm, plaintext),
      'InvalidParameter',
      'Plaintext',
    );
    return { ...ids, ciphertext };
  }

  async decrypt(access: Access, ref: string, keyVersionId: string, algorithm: EncryptionAlgorithm, ciphertext: Buffer) {
    const { ids, handle } = await this.use(access, ref, keyVersionId, 'ENCRYPT/DECRYPT', algorithm);
    const plaintext = await backendCall(
      () => this.material.crypto.asymmetricDecrypt(handle, algorithm, ciphertext),
      'InvalidCiphertext',
      'CiphertextBlob',
    );
    return { ...ids, plaintext };
  }

  async sign(access: Access, ref: string, keyVersionId: string, algorithm: SigningAlgorithm, digest: Buffer) {
    checkDigest(algorithm, digest);
    const { ids, handle } = await this.use(access, ref, keyVersionId, 'SIGN/VERIFY', algorithm);
    const signature = await backendCall(() => this.material.crypto.sign(handle, algorithm, digest), 'InvalidParameter', 'Digest');
    return { ...ids, signature };
  }

  async verify(access: Access, ref: string, keyVersionId: string, algorithm: SigningAlgorithm, digest: Buffer, signature: Buffer) {
    checkDigest(algorithm, digest);
    const { ids, handle } = await this.use(access, ref, keyVersionId, 'SIGN/VERIFY', algorithm);
    const valid = await backendCall(() => this.material.crypto.verify(handle, algorithm, digest, signature), 'InvalidParameter', 'Value');
    return { ...ids, valid };
  }

  async publicKey(access: Access, ref: string, keyVersionId: string) {
    const { ids, handle } = await this.use(access, ref, keyVersionId, undefined);
    return { ...ids, pem: spkiPem(await this.material.crypto.publicKey(handle)) };
  }

  /**
   * A dry run of any call above: the key, its state, usage, algorithm and version, and the digest's size, checked
   * without touching the key's material. `usage` undefined is GetPublicKey (either usage).
   */
  async check(access: Access, ref: string, keyVersionId: string, usage?: KeyUsage, algorithm?: string, digest?: Buffer): Promise<void> {
    if (digest && algorithm) checkDigest(algorithm as SigningAlgorithm, digest);
    await this.usableVersion(access, ref, keyVersionId, usage, algorithm, 'check');
  }
}

/** The digest must be as long as the algorithm's hash (SHA-256 or SM3: 32 bytes). */
function checkDigest(algorithm: SigningAlgorithm, digest: Buffer): void {
  if (digest.length !== SIGNING_ALGORITHMS[algorithm].digestBytes) throw invalid('Digest');
}
