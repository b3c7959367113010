/**
 * Applies a seed at start. Whatever already exists (same KeyId, instance ID or alias) is left as it is, so restarting
 * with the same seed never overwrites state that tests or users changed since.
 */
import { createPrivateKey } from 'node:crypto';
import type { SoftwareBackend } from '../crypto/software/backend';
import type { Clock } from '../domain/clock';
import type { Kms } from '../domain/kms';
import { materialHome } from '../domain/key-material';
import type { Instance, Key, KeyVersion, Scope } from '../domain/model';
import { parseInterval } from '../domain/rotation';
import { SPECS, type KeySpec } from '../domain/specs';
import { newKeyVersionId } from '../domain/ids';
import type { Seed, SeedInstance, SeedKey } from './format';

export interface SeedResult {
  instances: number;
  keys: number;
  aliases: number;
}

const time = (iso: string | undefined, fallback: number) => (iso ? Date.parse(iso) : fallback);

export async function applySeed(seed: Seed, kms: Kms, software: SoftwareBackend, defaults: Scope): Promise<SeedResult> {
  const result: SeedResult = { instances: 0, keys: 0, aliases: 0 };
  const scopeOf = (x: { accountId?: string; regionId?: string }): Scope => ({
    accountId: x.accountId ?? defaults.accountId,
    regionId: x.regionId ?? defaults.regionId,
  });
  for (const i of seed.instances) {
    if (await kms.store.getInstance(i.instanceId)) continue;
    await kms.store.putInstance(seedInstance(i, scopeOf(i), kms.clock));
    result.instances++;
  }
  for (const k of seed.keys) {
    const scope = scopeOf(k);
    if (!(await kms.store.getKey(k.keyId))) {
      await kms.store.putKey(await seedKey(k, scope, kms, software));
      result.keys++;
    }
    for (const aliasName of k.aliases) {
      if (await kms.store.getAlias(scope, aliasName)) continue;
      await kms.store.putAlias({ ...scope, aliasName, keyId: k.keyId });
      result.aliases++;
    }
  }
  return result;
}

function seedInstance(i: SeedInstance, scope: Scope, clock: Clock): Instance {
  const now = clock.now();
  return {
    ...scope,
    instanceId: i.instanceId,
    instanceName: i.instanceId,
    kind: i.kind,
    productVersion: i.kind === 'hardware' ? '5' : '3',
    productType: i.chargeType === 'PREPAY' ? 'kms_ddi_public_cn' : 'kms_ppi_public_cn',
    chargeType: i.chargeType,
    spec: i.spec,
    keyNum: i.keyNum,
    secretNum: i.secretNum,
    vpcNum: i.vpcNum,
    log: false,
    logStorage: 0,
    createdAt: now,
    renewal: { status: 'ManualRenewal', period: 1, unit: 'M' },
    connection: i.connected
      ? { vpcId: 'vpc-seeded', zoneIds: [`${scope.regionId}-a`, `${scope.regionId}-b`], vswitchIds: ['vsw-seeded'], connectedAt: now }
      : undefined,
    bindVpcs: [],
    deletionProtection: protection(i.deletionProtection),
    tags: {},
  };
}

async function seedKey(k: SeedKey, scope: Scope, kms: Kms, software: SoftwareBackend): Promise<Key> {
  const now = kms.clock.now();
  const createdAt = time(k.createdAt, now);
  const instance = k.instanceId ? await kms.store.getInstance(k.instanceId) : undefined;
  if (k.instanceId && !instance) throw new Error(`seed key ${k.keyId}: unknown instance ${k.instanceId}`);
  if (k.defaultKey && (instance || k.keySpec !== 'Aliyun_AES_256'))
    throw new Error(`seed key ${k.keyId}: a default key is an Aliyun_AES_256 key outside any instance`);
  if (k.defaultKey && (await kms.store.listKeys(scope)).some((other) => other.defaultKey))
    throw new Error(`seed key ${k.keyId}: ${scope.accountId}/${scope.regionId} already has a default key`);
  const external = k.origin === 'EXTERNAL';
  const hardware = instance?.kind === 'hardware';
  // Material written in a seed is software material: in a hardware instance such a key lives in the encrypted
  // database (HsmEncryptedDatabase); generated material of an HsmInternal key goes into the HSM.
  const seededMaterial = (k.versions ?? []).some((v) => v.material);
  if (hardware && seededMaterial && k.keyStorageMechanism === 'HsmInternal')
    throw new Error(`seed key ${k.keyId}: material cannot be seeded into an HSM (HsmInternal); use HsmEncryptedDatabase`);
  const keyStorageMechanism = hardware ? (k.keyStorageMechanism ?? (seededMaterial ? 'HsmEncryptedDatabase' : 'HsmInternal')) : undefined;
  const home = materialHome({ hardware, keyStorageMechanism });
  const versions: KeyVersion[] = [];
  for (const v of k.versions ?? [{}]) {
    const material = v.material
      ? software.wrap(rawMaterial(k.keySpec, v.material, k.keyId))
      : external
        ? undefined
        : await kms.crypto.generate(k.keySpec, home);
    versions.push({ keyVersionId: v.keyVersionId ?? newKeyVersionId(), createdAt: time(v.createdAt, createdAt), material });
  }
  const primary = versions[versions.length - 1];
  const state = k.state ?? (external && !primary.material ? 'PendingImport' : 'Enabled');
  if (state === 'PendingDeletion' && !k.deleteDate) throw new Error(`seed key ${k.keyId}: PendingDeletion needs deleteDate`);
  const interval = k.rotation ? parseInterval(k.rotation.interval) : undefined;
  if (k.rotation && interval === undefined) throw new Error(`seed key ${k.keyId}: bad rotation interval ${k.rotation.interval}`);
  const lastRotatedAt = time(k.rotation?.lastRotationDate, primary.createdAt);
  return {
    ...scope,
    keyId: k.keyId,
    description: k.description,
    keySpec: k.keySpec,
    keyUsage: k.keyUsage ?? SPECS[k.keySpec].usages[0],
    origin: k.origin,
    protectionLevel: instance?.kind === 'hardware' ? 'HSM' : 'SOFTWARE',
    keyState: state,
    creator: scope.accountId,
    creatorType: 'User',
    createdAt,
    deleteAt: state === 'PendingDeletion' ? Date.parse(k.deleteDate!) : undefined,
    deletionProtection: protection(k.deletionProtection),
    dkmsInstanceId: instance?.instanceId,
    keyStorageMechanism,
    policy: k.policy,
    ...(k.defaultKey && { defaultKey: true as const }),
    rotation:
      interval === undefined
        ? { enabled: false, lastRotatedAt }
        : { enabled: true, intervalSeconds: interval, lastRotatedAt, nextRotationAt: lastRotatedAt + interval * 1000 },
    primaryKeyVersionId: primary.keyVersionId,
    versions,
    tags: k.tags,
  };
}

/** Raw bytes for a symmetric spec (base64), PKCS#8 DER for an asymmetric one (PEM). */
function rawMaterial(spec: KeySpec, text: string, keyId: string): Buffer {
  const info = SPECS[spec];
  if (info.kind === 'symmetric') {
    const raw = Buffer.from(text, 'base64');
    if (raw.length * 8 !== info.bits) throw new Error(`seed key ${keyId}: ${spec} material must be ${info.bits / 8} bytes`);
    return raw;
  }
  return createPrivateKey(text).export({ type: 'pkcs8', format: 'der' });
}

const protection = (p: boolean | string | undefined) => (p === undefined || p === false ? undefined : { description: p === true ? '' : p });
