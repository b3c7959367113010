/**
 * Operations with an asymmetric key version (§1.3.4): AsymmetricEncrypt/Decrypt, AsymmetricSign/Verify over a
 * caller's digest, GetPublicKey. Every call names the version; ciphertexts and signatures are the standard
 * encodings (OAEP, SM2 GM/T 0009 DER, DER ECDSA/SM2 signatures), so tools outside the emulator interoperate.
 */
import type { AsymmetricEncryptionAlgorithm, SigningAlgorithm } from '../crypto/backend';
import { invalid } from './errors';
import { backendCall, type KeyMaterial } from './key-material';
import { LIMITS } from './limits';
import type { Scope } from './model';
import type { KeyUsage } from './specs';

/** SubjectPublicKeyInfo DER as PEM, the form GetPublicKey answers with. */
export function spkiPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

export class AsymmetricCrypto {
  constructor(private readonly material: KeyMaterial) {}

  private async use(scope: Scope, ref: string, keyVersionId: string, usage: KeyUsage | undefined, algorithm?: string) {
    const key = await this.material.usable(scope, ref);
    this.material.requireAsymmetric(key, usage ?? key.keyUsage, algorithm);
    const version = this.material.version(key, keyVersionId);
    return { ids: { keyId: key.keyId, keyVersionId: version.keyVersionId }, handle: this.material.handle(key, version) };
  }

  async encrypt(scope: Scope, ref: string, keyVersionId: string, algorithm: AsymmetricEncryptionAlgorithm, plaintext: Buffer) {
    const { ids, handle } = await this.use(scope, ref, keyVersionId, 'ENCRYPT/DECRYPT', algorithm);
    const ciphertext = await backendCall(
      () => this.material.crypto.asymmetricEncrypt(handle, algorithm, plaintext),
      'InvalidParameter',
      'Plaintext',
    );
    return { ...ids, ciphertext };
  }

  async decrypt(scope: Scope, ref: string, keyVersionId: string, algorithm: AsymmetricEncryptionAlgorithm, ciphertext: Buffer) {
    const { ids, handle } = await this.use(scope, ref, keyVersionId, 'ENCRYPT/DECRYPT', algorithm);
    const plaintext = await backendCall(
      () => this.material.crypto.asymmetricDecrypt(handle, algorithm, ciphertext),
      'InvalidCiphertext',
      'CiphertextBlob',
    );
    return { ...ids, plaintext };
  }

  async sign(scope: Scope, ref: string, keyVersionId: string, algorithm: SigningAlgorithm, digest: Buffer) {
    if (digest.length !== LIMITS.digestBytes) throw invalid('Digest');
    const { ids, handle } = await this.use(scope, ref, keyVersionId, 'SIGN/VERIFY', algorithm);
    const signature = await backendCall(() => this.material.crypto.sign(handle, algorithm, digest), 'InvalidParameter', 'Digest');
    return { ...ids, signature };
  }

  async verify(scope: Scope, ref: string, keyVersionId: string, algorithm: SigningAlgorithm, digest: Buffer, signature: Buffer) {
    if (digest.length !== LIMITS.digestBytes) throw invalid('Digest');
    const { ids, handle } = await this.use(scope, ref, keyVersionId, 'SIGN/VERIFY', algorithm);
    const valid = await backendCall(() => this.material.crypto.verify(handle, algorithm, digest, signature), 'InvalidParameter', 'Value');
    return { ...ids, valid };
  }

  async publicKey(scope: Scope, ref: string, keyVersionId: string) {
    const { ids, handle } = await this.use(scope, ref, keyVersionId, undefined);
    return { ...ids, pem: spkiPem(await this.material.crypto.publicKey(handle)) };
  }
}
