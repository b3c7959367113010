/**
 * Applies a seed at start, through the same domain services the API uses: a seed is refused for whatever CreateKey,
 * CreateAlias, CreateInstance or UpdateRotationPolicy would refuse, with a message naming the seed entry. A seed only
 * fixes what the API cannot (IDs, dates, states, material). Whatever already exists (same KeyId, instance ID or
 * alias) is left as it is, so restarting with the same seed never overwrites state that tests or users changed since.
 */
import { createPrivateKey } from 'node:crypto';
import { KmsError } from '../domain/errors';
import type { Kms } from '../domain/kms';
import type { Scope } from '../domain/model';
import { parseInterval } from '../domain/rotation';
import { specOf, type KeySpec } from '../domain/specs';
import type { Seed, SeedKey } from './format';

export interface SeedResult {
  instances: number;
  keys: number;
  aliases: number;
}

const time = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);
const protection = (p: boolean | string | undefined) => (p === undefined || p === false ? undefined : p === true ? '' : p);

export async function applySeed(seed: Seed, kms: Kms, defaults: Scope): Promise<SeedResult> {
  const result: SeedResult = { instances: 0, keys: 0, aliases: 0 };
  const scopeOf = (x: { accountId?: string; regionId?: string }): Scope => ({
    accountId: x.accountId ?? defaults.accountId,
    regionId: x.regionId ?? defaults.regionId,
  });
  for (const [n, i] of seed.instances.entries()) {
    const made = await entry(`instances[${n}] (${i.instanceId})`, () =>
      kms.instances.restore(scopeOf(i), { ...i, log: false, logStorage: 0, deletionProtection: protection(i.deletionProtection) }),
    );
    if (made) result.instances++;
  }
  for (const [n, k] of seed.keys.entries()) {
    const scope = scopeOf(k);
    const name = `keys[${n}] (${k.keyId})`;
    if (await entry(name, async () => kms.keys.restore(scope, await restoreInput(k, scope, kms)))) result.keys++;
    for (const aliasName of k.aliases)
      if (await entry(`${name} alias ${aliasName}`, () => kms.aliases.restore(scope, aliasName, k.keyId))) result.aliases++;
  }
  return result;
}

/** Runs one entry's restore; a refusal becomes an error naming the entry. */
async function entry<T>(name: string, restore: () => Promise<T>): Promise<T> {
  try {
    return await restore();
  } catch (err) {
    if (err instanceof KmsError) throw new Error(`seed ${name}: ${err.code}: ${err.message}`);
    throw new Error(`seed ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function restoreInput(k: SeedKey, scope: Scope, kms: Kms) {
  const interval = k.rotation ? parseInterval(k.rotation.interval) : undefined;
  if (k.rotation && interval === undefined) throw new KmsError('InvalidParameter', 'rotation.interval');
  const seededMaterial = (k.versions ?? []).some((v) => v.material);
  // Material written in a seed is software material: in a hardware instance such a key lives in the encrypted
  // database (HsmEncryptedDatabase) unless the seed says otherwise.
  const hardware = k.instanceId !== undefined && (await kms.instances.get(scope, k.instanceId)).kind === 'hardware';
  return {
    keyId: k.keyId,
    keySpec: k.keySpec,
    keyUsage: k.keyUsage,
    origin: k.origin,
    description: k.description,
    dkmsInstanceId: k.instanceId,
    keyStorageMechanism: k.keyStorageMechanism ?? (hardware && seededMaterial ? ('HsmEncryptedDatabase' as const) : undefined),
    policy: k.policy,
    tags: k.tags,
    enableAutomaticRotation: interval !== undefined,
    rotationIntervalSeconds: interval,
    lastRotatedAt: time(k.rotation?.lastRotationDate),
    createdAt: time(k.createdAt),
    state: k.state,
    deleteAt: time(k.deleteDate),
    deletionProtection: protection(k.deletionProtection),
    defaultKey: k.defaultKey,
    versions: k.versions?.map((v) => ({
      keyVersionId: v.keyVersionId,
      createdAt: time(v.createdAt),
      material: v.material === undefined ? undefined : rawMaterial(k.keySpec, v.material),
    })),
  };
}

/** Raw bytes for a symmetric spec (base64), PKCS#8 DER for an asymmetric one (PEM). */
function rawMaterial(spec: KeySpec, text: string): Buffer {
  if (specOf(spec).kind === 'symmetric') return Buffer.from(text, 'base64');
  try {
    return createPrivateKey(text).export({ type: 'pkcs8', format: 'der' });
  } catch {
    throw new KmsError('InvalidKeyMaterial', 'expected a PEM private key');
  }
}
