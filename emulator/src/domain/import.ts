/**
 * BYOK (§3.7): GetParametersForImport hands out a fresh wrapping public key and a token valid for 24 hours;
 * ImportKeyMaterial unwraps the material inside the backend, holds a re-import to the same material, and honours
 * KeyMaterialExpireUnix; DeleteKeyMaterial returns the key to PendingImport. Tokens (with their wrapping key pair,
 * wrapped under the root key like any material) live on the key record, so they survive a restart; the wrapping keys
 * of tokens that expire or are pushed out, and replaced or deleted material, are destroyed by KeyService.update.
 */
import { randomBytes } from 'node:crypto';
import type { CryptoBackend } from './ports/crypto-backend';
import type { ImportWrappingAlgorithm, WrappingKeySpec } from './specs';
import type { Clock } from './clock';
import { KmsError, invalid } from './errors';
import { backendCall, destroyQuietly, materialHome, withoutMaterial } from './key-material';
import type { KeyService } from './keys';
import { LIMITS } from './limits';
import type { ImportToken, Key } from './model';
import type { Access } from './authorization';

/** Wrapping key specs and their algorithms (kms-openapi.md §3.2). The reference lists EC_SM2 for HSM keys only; we
 *  offer it for every key, as the emulator has no HSM distinction. */
export const IMPORT_WRAPPING: Record<WrappingKeySpec, readonly ImportWrappingAlgorithm[]> = {
  RSA_2048: ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'],
  EC_SM2: ['SM2PKE'],
};

function requireExternal(k: Key): void {
  if (k.origin !== 'EXTERNAL') throw new KmsError('Unsupported.Origin');
}

export class ImportService {
  constructor(
    private readonly keys: KeyService,
    private readonly crypto: CryptoBackend,
    private readonly clock: Clock,
  ) {}

  async parameters(access: Access, ref: string, wrappingKeySpec: WrappingKeySpec, wrappingAlgorithm: ImportWrappingAlgorithm) {
    if (!IMPORT_WRAPPING[wrappingKeySpec].includes(wrappingAlgorithm)) throw invalid('WrappingAlgorithm');
    const external = await this.keys.resolve(access, ref);
    requireExternal(external);
    // Outside the key lock: RSA generation is slow. An HSM key's wrapping key lives in the HSM, so its material is
    // unwrapped straight into the token.
    const wrappingKey = await this.crypto.generate(wrappingKeySpec, materialHome(external));
    const publicKey = await this.crypto.publicKey({ spec: wrappingKeySpec, ref: wrappingKey });
    const now = this.clock.now();
    const token: ImportToken = {
      token: randomBytes(32).toString('base64'),
      wrappingKeySpec,
      wrappingAlgorithm,
      wrappingKey,
      expiresAt: now + LIMITS.importTokenSeconds * 1000,
    };
    const key = await this.keys.modify(external.keyId, 'read', (k) => {
      requireExternal(k);
      const live = (k.importTokens ?? []).filter((t) => t.expiresAt > now);
      return { ...k, importTokens: [...live, token].slice(-LIMITS.importTokensPerKey) };
    });
    return { keyId: key.keyId, importToken: token.token, publicKey, expiresAt: token.expiresAt };
  }

  /** `expireUnix` is epoch seconds; 0 means the material never expires. */
  async importMaterial(access: Access, ref: string, encryptedMaterial: Buffer, importToken: string, expireUnix: number) {
    return this.keys.update(access, ref, 'importKeyMaterial', async (k) => {
      requireExternal(k);
      const now = this.clock.now();
      const token = (k.importTokens ?? []).find((t) => t.token === importToken);
      if (!token) throw new KmsError('InvalidImportToken');
      if (token.expiresAt <= now) throw new KmsError('ExpiredImportToken');
      if (expireUnix !== 0 && expireUnix * 1000 <= now) throw invalid('KeyMaterialExpireUnix');
      const wrappingKey = { spec: token.wrappingKeySpec, ref: token.wrappingKey };
      const algorithm = token.wrappingAlgorithm as ImportWrappingAlgorithm;
      const material = await backendCall(
        () => this.crypto.importMaterial(k.keySpec, wrappingKey, algorithm, encryptedMaterial),
        'InvalidKeyMaterial',
        'EncryptedKeyMaterial',
      );
      const fingerprint = material.fingerprint as string;
      // An EXTERNAL key has one version; its material, once imported, is that key's for good.
      const version = k.versions[0];
      const previous = version.importedFingerprint ?? (version.material?.fingerprint as string | undefined);
      if (previous !== undefined && previous !== fingerprint) {
        await destroyQuietly(this.crypto, [material]); // refused material must not stay behind in an HSM
        throw new KmsError('InvalidKeyMaterial');
      }
      const { materialExpiresAt: _, ...rest } = k;
      return {
        ...rest,
        keyState: k.keyState === 'PendingImport' ? 'Enabled' : k.keyState,
        versions: [{ ...version, material, importedFingerprint: fingerprint }, ...k.versions.slice(1)],
        ...(expireUnix !== 0 && { materialExpiresAt: expireUnix * 1000 }),
      };
    });
  }

  async deleteMaterial(access: Access, ref: string) {
    return this.keys.update(access, ref, 'read', (k) => {
      requireExternal(k);
      return withoutMaterial(k);
    });
  }
}
