/**
 * Imported key material of an EXTERNAL key (BYOK), given as the Key's secret `keyMaterial` input: base64 of the raw
 * symmetric key. The provider wraps it itself (GetParametersForImport: an RSA_2048 public key and a 24-hour token;
 * RSAES_OAEP_SHA_256) and imports it (ImportKeyMaterial with `keyMaterialExpireTime`, unset = never expires). The
 * material lives only in the engine's state inputs, as a secret: never in outputs, logs or error messages.
 *
 * The service holds an EXTERNAL key to the first material imported into it, so: another material replaces the key; the
 * same material may be imported again, which is how a new expiry is applied and how a key whose material was deleted
 * or expired (PendingImport again) is repaired by the next `up`.
 */
import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import type { KmsClient } from '../client';
import type { DiffKind } from '../diff';
import type { CheckFailure } from '../resource';
import type { Props } from '../values';

/** Raw material length per symmetric spec (bytes). */
const MATERIAL_BYTES: Record<string, number> = { Aliyun_AES_256: 32, Aliyun_AES_192: 24, Aliyun_AES_128: 16, Aliyun_SM4: 16 };

/** An ISO 8601 time → epoch seconds; '' / unset → 0 (never expires); undefined when malformed. */
export function expireUnix(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return 0;
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export function checkMaterial(news: Props, unknown: Set<string>): CheckFailure[] {
  const f: CheckFailure[] = [];
  if (news.keyMaterial !== undefined) {
    if (news.origin !== 'EXTERNAL' && !unknown.has('origin'))
      f.push({ property: 'keyMaterial', reason: 'keyMaterial needs origin EXTERNAL' });
    const bytes =
      typeof news.keyMaterial === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(news.keyMaterial)
        ? Buffer.from(news.keyMaterial, 'base64').length
        : -1;
    const spec = (news.keySpec as string | undefined) ?? 'Aliyun_AES_256';
    const want = MATERIAL_BYTES[spec];
    // The reason never quotes the material.
    if (bytes < 0) f.push({ property: 'keyMaterial', reason: 'keyMaterial must be base64 of the raw key' });
    else if (want !== undefined && !unknown.has('keySpec') && bytes !== want)
      f.push({ property: 'keyMaterial', reason: `keyMaterial must be ${want} bytes for keySpec ${spec}; got ${bytes}` });
  }
  if (news.keyMaterialExpireTime !== undefined) {
    if (expireUnix(news.keyMaterialExpireTime) === undefined)
      f.push({
        property: 'keyMaterialExpireTime',
        reason: `keyMaterialExpireTime '${String(news.keyMaterialExpireTime)}' is not an ISO 8601 time`,
      });
    if (news.keyMaterial === undefined && !unknown.has('keyMaterial'))
      f.push({ property: 'keyMaterialExpireTime', reason: 'keyMaterialExpireTime needs keyMaterial' });
  }
  return f;
}

/**
 * Diff of the material (live outputs, desired inputs, the engine's old inputs). Another material than the one in state
 * replaces the key; a key without material (PendingImport), material never imported by this stack (an import), or an
 * expiry other than the live one is an update that imports the same material again. Removing `keyMaterial` from the
 * program changes nothing in the cloud.
 */
export function diffMaterial(live: Props, desired: Props, oldInputs: Props, unknown: Set<string>): Record<string, DiffKind> {
  const out: Record<string, DiffKind> = {};
  if (desired.keyMaterial === undefined && !unknown.has('keyMaterial')) return out;
  const had = oldInputs.keyMaterial !== undefined;
  // Unknown at preview: it may be another material, which replaces (unless none was known before).
  if (unknown.has('keyMaterial')) out.keyMaterial = had ? 'UPDATE_REPLACE' : 'ADD';
  else if (had && oldInputs.keyMaterial !== desired.keyMaterial) out.keyMaterial = 'UPDATE_REPLACE';
  else if (!had || live.keyState === 'PendingImport') out.keyMaterial = had ? 'UPDATE' : 'ADD';
  if (unknown.has('keyMaterialExpireTime') || expireUnix(desired.keyMaterialExpireTime) !== expireUnix(live.materialExpireTime))
    out.keyMaterialExpireTime =
      live.materialExpireTime === undefined ? 'ADD' : desired.keyMaterialExpireTime === undefined ? 'DELETE' : 'UPDATE';
  return out;
}

/** Whether an update must import the material (again): see diffMaterial. */
export function needsImport(keyState: string, liveExpire: string | undefined, news: Props, oldInputs: Props): boolean {
  if (news.keyMaterial === undefined) return false;
  return (
    keyState === 'PendingImport' ||
    oldInputs.keyMaterial !== news.keyMaterial ||
    expireUnix(news.keyMaterialExpireTime) !== expireUnix(liveExpire || undefined)
  );
}

/** Wraps `material` (base64) for key `keyId` and imports it with the desired expiry. */
export async function importMaterial(client: KmsClient, keyId: string, material: string, expireTime: unknown): Promise<void> {
  const params = await client.call<{ ImportToken: string; PublicKey: string }>('GetParametersForImport', {
    KeyId: keyId,
    WrappingKeySpec: 'RSA_2048',
    WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
  });
  const wrapped = publicEncrypt(
    {
      key: createPublicKey({ key: Buffer.from(params.PublicKey, 'base64'), format: 'der', type: 'spki' }),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
    },
    Buffer.from(material, 'base64'),
  );
  await client.call('ImportKeyMaterial', {
    KeyId: keyId,
    EncryptedKeyMaterial: wrapped.toString('base64'),
    ImportToken: params.ImportToken,
    KeyMaterialExpireUnix: expireUnix(expireTime) ?? 0,
  });
}
