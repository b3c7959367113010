/**
 * Symmetric operations (§1.3.4): Encrypt, Decrypt, ReEncrypt and the data-key family. Encrypting uses the key's
 * primary version; decrypting uses the version the blob names (blob.ts), so ciphertexts outlive rotation.
 * Each operation's checks are a method of their own (`encryptable`, `opened`, …) that the `check*` methods run alone
 * for a dry run, so a dry run refuses exactly what the call would and does nothing else.
 */
import type { AsymmetricCrypto } from './asymmetric';
import type { Access, EncryptionContext } from './authorization';
import { blobAad, blobHeader, decodeBlob, encodeBlob } from './blob';
import { KmsError, invalid } from './errors';
import { isKeyId } from './ids';
import { backendCall, type KeyMaterial, type Mode } from './key-material';
import { LIMITS } from './limits';
import type { Key } from './model';
import { algorithmsOf, blobCipherOf, type EncryptionAlgorithm, type WrappingKeySpec } from './specs';

export type { EncryptionContext };

/** A public key to export a data key to (ExportDataKey, GenerateAndExportDataKey). */
export interface ExportWrapping {
  readonly publicKey: Buffer;
  readonly keySpec: WrappingKeySpec;
  readonly algorithm: EncryptionAlgorithm;
}

/** ReEncrypt's source when it is an asymmetric ciphertext rather than a blob. */
export interface AsymmetricSource {
  readonly keyId: string;
  readonly keyVersionId: string;
  readonly algorithm: EncryptionAlgorithm;
}

export type ReEncryptSource = { context: EncryptionContext } | AsymmetricSource;

export class SymmetricCrypto {
  constructor(
    private readonly material: KeyMaterial,
    private readonly asymmetric: AsymmetricCrypto,
  ) {}

  private async usableSymmetric(access: Access, ref: string, mode: Mode, context: EncryptionContext): Promise<Key> {
    const key = await this.material.usable(access, ref, { mode, context });
    this.material.requireSymmetric(key);
    return key;
  }

  private encryptable(access: Access, ref: string, plaintext: Buffer, mode: Mode, context: EncryptionContext): Promise<Key> {
    if (plaintext.length > LIMITS.encryptPlaintextBytes) throw invalid('Plaintext');
    return this.usableSymmetric(access, ref, mode, context);
  }

  /**
   * The key and version a blob names, usable; anything that is not a blob of ours is InvalidCiphertext. The blob names
   * its key by ID, which stands for the key's ARN: another account's key decrypts when its policy lets the caller.
   */
  private async opened(access: Access, blob: Buffer, mode: Mode, context: EncryptionContext) {
    const { header, sealed } = decodeBlob(blob);
    // Our blobs name a key by its ID. Anything else is forged, and resolving it as a reference could act on its own
    // (`alias/acs/<product>` provisions a service key).
    if (!isKeyId(header.keyId)) throw new KmsError('InvalidCiphertext');
    let key: Key;
    try {
      key = await this.material.usable(access, header.keyId, { mode, context, ciphertext: true });
    } catch (err) {
      // A blob naming no key of the region is not a ciphertext we made; state and permission refusals pass through.
      throw err instanceof KmsError && err.kind === 'notFound' ? new KmsError('InvalidCiphertext') : err;
    }
    const version = key.versions.find((v) => v.keyVersionId === header.keyVersionId);
    if (key.keyId !== header.keyId || blobCipherOf(key.keySpec) !== header.cipher || !version) throw new KmsError('InvalidCiphertext');
    return { key, version, header, sealed };
  }

  /** `plaintext` sealed under the key's primary version, as a blob. */
  private async seal(key: Key, plaintext: Buffer, context: EncryptionContext) {
    const version = this.material.version(key);
    const header = blobHeader(key.keySpec, key.keyId, version.keyVersionId);
    const sealed = await this.material.crypto.encrypt(this.material.handle(key, version), plaintext, blobAad(header, context));
    return { keyId: key.keyId, keyVersionId: version.keyVersionId, ciphertextBlob: encodeBlob(header, sealed) };
  }

  async encrypt(access: Access, ref: string, plaintext: Buffer, context: EncryptionContext) {
    return this.seal(await this.encryptable(access, ref, plaintext, 'use', context), plaintext, context);
  }

  async decrypt(access: Access, blob: Buffer, context: EncryptionContext) {
    const { key, version, header, sealed } = await this.opened(access, blob, 'use', context);
    const handle = this.material.handle(key, version);
    const plaintext = await backendCall(
      () => this.material.crypto.decrypt(handle, sealed, blobAad(header, context)),
      'InvalidCiphertext',
      'CiphertextBlob',
    );
    return { keyId: key.keyId, keyVersionId: version.keyVersionId, plaintext };
  }

  async reEncrypt(access: Access, blob: Buffer, source: ReEncryptSource, destinationRef: string, destinationContext: EncryptionContext) {
    const destination = await this.usableSymmetric(access, destinationRef, 'use', destinationContext);
    const { plaintext } =
      'algorithm' in source
        ? await this.asymmetric.decrypt(access, source.keyId, source.keyVersionId, source.algorithm, blob)
        : await this.decrypt(access, blob, source.context);
    return this.seal(destination, plaintext, destinationContext);
  }

  async generateDataKey(access: Access, ref: string, bytes: number, context: EncryptionContext) {
    const key = await this.usableSymmetric(access, ref, 'use', context);
    const plaintext = this.material.crypto.random(bytes);
    return { ...(await this.seal(key, plaintext, context)), plaintext };
  }

  async generateAndExportDataKey(access: Access, ref: string, bytes: number, context: EncryptionContext, wrapping: ExportWrapping) {
    checkWrapping(wrapping);
    const { plaintext, ...sealed } = await this.generateDataKey(access, ref, bytes, context);
    return { ...sealed, exportedDataKey: await this.exportTo(wrapping, plaintext) };
  }

  async exportDataKey(access: Access, blob: Buffer, context: EncryptionContext, wrapping: ExportWrapping) {
    checkWrapping(wrapping);
    const { plaintext, ...ids } = await this.decrypt(access, blob, context);
    return { ...ids, exportedDataKey: await this.exportTo(wrapping, plaintext) };
  }

  // Dry runs: the checks of each operation above, alone.

  async checkEncrypt(access: Access, ref: string, plaintext: Buffer, context?: EncryptionContext): Promise<void> {
    await this.encryptable(access, ref, plaintext, 'check', context);
  }

  /** GenerateDataKey and GenerateDataKeyWithoutPlaintext; with `wrapping`, GenerateAndExportDataKey. */
  async checkGenerateDataKey(access: Access, ref: string, context: EncryptionContext, wrapping?: ExportWrapping): Promise<void> {
    if (wrapping) checkWrapping(wrapping);
    await this.usableSymmetric(access, ref, 'check', context);
  }

  /** Decrypt; with `wrapping`, ExportDataKey. */
  async checkDecrypt(access: Access, blob: Buffer, context: EncryptionContext, wrapping?: ExportWrapping): Promise<void> {
    if (wrapping) checkWrapping(wrapping);
    await this.opened(access, blob, 'check', context);
  }

  async checkReEncrypt(
    access: Access,
    blob: Buffer,
    source: ReEncryptSource,
    destinationRef: string,
    destinationContext: EncryptionContext,
  ): Promise<void> {
    await this.usableSymmetric(access, destinationRef, 'check', destinationContext);
    if ('algorithm' in source) await this.asymmetric.check(access, source.keyId, source.keyVersionId, 'ENCRYPT/DECRYPT', source.algorithm);
    else await this.opened(access, blob, 'check', source.context);
  }

  private exportTo(wrapping: ExportWrapping, plaintext: Buffer): Promise<Buffer> {
    return backendCall(
      () => this.material.crypto.encryptToPublicKey(wrapping.publicKey, wrapping.algorithm, plaintext),
      'InvalidParameter',
      'PublicKeyBlob',
    );
  }
}

/** WrappingKeySpec and WrappingAlgorithm must agree (RSA_2048 with OAEP, EC_SM2 with SM2PKE), as the registry says. */
function checkWrapping(w: ExportWrapping): void {
  if (!algorithmsOf(w.keySpec, 'ENCRYPT/DECRYPT').includes(w.algorithm)) throw invalid('WrappingAlgorithm');
}
