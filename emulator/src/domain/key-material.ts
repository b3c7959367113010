/**
 * Access to a key's material for the cryptographic operations: the key-state matrix (§3.4, row `useMaterial`),
 * imported-material expiry, the version an operation uses, usage and algorithm checks, and the mapping of backend
 * refusals to error codes. The operations in symmetric.ts, asymmetric.ts and import.ts all go through here.
 * Also the end of material's life: what a key change drops is destroyed in the backend (an HSM keeps token objects).
 */
import { CryptoFailure, type CryptoBackend, type KeyHandle, type MaterialHome } from './ports/crypto-backend';
import type { Clock } from './clock';
import { KmsError, invalid, type ErrorCode } from './errors';
import type { Access } from './authorization';
import type { KeyService, KeyUse } from './keys';
import type { Key, KeyVersion, MaterialRef } from './model';
import { algorithmsOf, isSymmetric, specOf, type KeyStorageMechanism, type KeyUsage } from './specs';

/**
 * How a call uses a key. 'check' is a dry run: every refusal the call would meet, without its side effects (no
 * service key is provisioned, no QPS is counted, expired material is reported but not removed, nothing is computed).
 */
export type Mode = 'use' | 'check';

/**
 * Where a key's material lives: in the HSM for the keys of a hardware instance stored inside it (HsmInternal), else
 * wrapped in software (software and default keys, and HsmEncryptedDatabase keys, which live in an encrypted database).
 */
export function materialHome(key: { hardware: boolean; keyStorageMechanism?: KeyStorageMechanism } | Key): MaterialHome {
  const hardware = 'hardware' in key ? key.hardware : key.protectionLevel === 'HSM' && key.dkmsInstanceId !== undefined;
  return hardware && key.keyStorageMechanism !== 'HsmEncryptedDatabase' ? 'hsm' : 'software';
}

/** `k` without usable material: DeleteKeyMaterial and material expiry (a PendingDeletion key keeps its state). */
export function withoutMaterial(k: Key): Key {
  const { materialExpiresAt: _, ...rest } = k;
  return {
    ...rest,
    keyState: k.keyState === 'PendingDeletion' ? 'PendingDeletion' : 'PendingImport',
    versions: k.versions.map(({ material, ...v }) => ({
      ...v,
      importedFingerprint: v.importedFingerprint ?? (material?.fingerprint as string | undefined),
    })),
  };
}

/** Every backend object `key` holds: its versions' material and its import tokens' wrapping keys. */
export function materialRefs(key: Key): MaterialRef[] {
  return [...key.versions.flatMap((v) => (v.material ? [v.material] : [])), ...(key.importTokens ?? []).map((t) => t.wrappingKey)];
}

/** What `before` held that `after` no longer does (deleted or expired material, dropped import tokens). */
export function droppedMaterial(before: Key, after: Key): MaterialRef[] {
  const kept = new Set(materialRefs(after).map((r) => JSON.stringify(r)));
  return materialRefs(before).filter((r) => !kept.has(JSON.stringify(r)));
}

/**
 * Frees backend objects nothing refers to any more (token objects of an HSM; software material is only ever wrapped
 * inside the record). Called once the record without them is stored, so a failure here leaks an object rather than
 * failing a change that has already happened.
 */
export async function destroyQuietly(crypto: CryptoBackend, refs: readonly MaterialRef[]): Promise<void> {
  for (const ref of refs) await crypto.destroy(ref).catch(() => undefined);
}

export class KeyMaterial {
  constructor(
    private readonly keys: KeyService,
    readonly crypto: CryptoBackend,
    private readonly clock: Clock,
  ) {}

  /** The key `ref` names, when the caller may use it, its state lets it and its imported material has not expired. */
  async usable(access: Access, ref: string, use: KeyUse = {}): Promise<Key> {
    const key = await this.keys.resolveFor(access, ref, 'useMaterial', use);
    if (key.materialExpiresAt !== undefined && this.clock.now() >= key.materialExpiresAt) {
      if (use.mode === 'check') throw new KmsError('Rejected.PendingImport');
      // Expired material is gone, as after DeleteKeyMaterial (reference: "presumably the same", UNCONFIRMED).
      await this.keys.modify(key.keyId, 'read', (k) =>
        k.materialExpiresAt !== undefined && this.clock.now() >= k.materialExpiresAt ? withoutMaterial(k) : k,
      );
      throw new KmsError('Rejected.PendingImport');
    }
    return key;
  }

  /** The key's version `keyVersionId` (Forbidden.KeyVersionNotFound otherwise), or its primary version. */
  version(key: Key, keyVersionId?: string): KeyVersion {
    return keyVersionId === undefined ? this.keys.primary(key) : this.keys.version(key, keyVersionId);
  }

  handle(key: Key, version: KeyVersion): KeyHandle {
    if (!version.material) throw new KmsError('Rejected.PendingImport');
    return { spec: key.keySpec, ref: version.material };
  }

  /** Symmetric operations need a symmetric key. */
  requireSymmetric(key: Key): void {
    if (!isSymmetric(key.keySpec)) throw new KmsError('Unsupported.KeySpec', key.keySpec);
  }

  /** Asymmetric operations need an asymmetric key of `usage` whose spec offers `algorithm`. */
  requireAsymmetric(key: Key, usage: KeyUsage, algorithm?: string): void {
    const row = specOf(key.keySpec);
    if (row.kind === 'symmetric' || !row.usages.includes(usage)) throw new KmsError('Unsupported.KeySpec', key.keySpec);
    if (key.keyUsage !== usage) throw new KmsError('Rejected.UnsupportedOperation', `the key usage is ${key.keyUsage}`);
    if (algorithm !== undefined && !algorithmsOf(key.keySpec, usage).includes(algorithm)) throw invalid('Algorithm');
  }
}

/**
 * Runs a backend call, turning its refusals into error codes: undecryptable input -> `onDecrypt`, bad input ->
 * InvalidParameter naming `parameter`, bad import material -> InvalidKeyMaterial, what the backend cannot do for
 * this key -> Rejected.UnsupportedOperation.
 */
export async function backendCall<T>(call: () => Promise<T>, onDecrypt: ErrorCode, parameter: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof CryptoFailure)) throw err;
    if (err.kind === 'decrypt') throw new KmsError(onDecrypt);
    if (err.kind === 'material') throw new KmsError('InvalidKeyMaterial');
    if (err.kind === 'unsupported') throw new KmsError('Rejected.UnsupportedOperation', err.message);
    throw invalid(parameter);
  }
}
