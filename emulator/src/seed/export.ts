/** The state of one account and region in the seed format, so it can be saved and applied again. */
import { createPrivateKey } from 'node:crypto';
import { isoDate } from '../domain/clock';
import type { Kms } from '../domain/kms';
import { all } from '../domain/paging';
import type { Key, Scope } from '../domain/model';
import { specOf } from '../domain/specs';
import type { SoftwareBackend } from '../crypto/software/backend';
import type { AccessKey } from '../wire/accounts';
import type { Seed } from './format';

/**
 * With `material`, software-held material is exported too (base64 or PEM); HSM material never leaves its token.
 * `accessKeys` are the account's keys, exported so the seed re-creates the account as it is (the admin plane hands them
 * over only with material: both are secrets).
 */
export async function exportSeed(
  kms: Kms,
  software: SoftwareBackend,
  scope: Scope,
  material = false,
  accessKeys: AccessKey[] = [],
): Promise<Seed> {
  const instances = (await kms.instances.list(scope)).sort((a, b) => a.createdAt - b.createdAt);
  const keys = (await all((o, n) => kms.keys.page(scope, { filters: [{ field: 'CreatorType', values: ['User'] }] }, o, n))).sort(
    (a, b) => a.createdAt - b.createdAt,
  );
  const aliases = await all((o, n) => kms.aliases.page(scope, undefined, o, n));
  return {
    accounts: accessKeys.length
      ? [
          {
            id: scope.accountId,
            accessKeys: accessKeys.map(({ id, secret, securityToken }) => ({ id, secret, ...(securityToken && { securityToken }) })),
          },
        ]
      : [],
    instances: instances.map((i) => ({
      ...scope,
      instanceId: i.instanceId,
      kind: i.kind,
      chargeType: i.chargeType,
      spec: i.spec,
      keyNum: i.keyNum,
      secretNum: i.secretNum,
      vpcNum: i.vpcNum,
      connected: i.connection !== undefined,
      ...(i.deletionProtection && { deletionProtection: i.deletionProtection.description || true }),
    })),
    keys: keys.map((k) => ({
      ...scope,
      keyId: k.keyId,
      keySpec: k.keySpec,
      keyUsage: k.keyUsage,
      origin: k.origin,
      description: k.description,
      state: k.keyState,
      ...(k.deleteAt !== undefined && { deleteDate: isoDate(k.deleteAt) }),
      ...(k.dkmsInstanceId && { instanceId: k.dkmsInstanceId }),
      ...(k.keyStorageMechanism && { keyStorageMechanism: k.keyStorageMechanism }),
      createdAt: isoDate(k.createdAt),
      ...(k.deletionProtection && { deletionProtection: k.deletionProtection.description || true }),
      tags: { ...k.tags },
      ...(k.rotation.enabled && {
        rotation: {
          interval: friendlyInterval(k.rotation.intervalSeconds ?? 0),
          lastRotationDate: isoDate(k.rotation.lastRotatedAt ?? k.createdAt),
        },
      }),
      aliases: aliases
        .filter((a) => a.keyId === k.keyId)
        .map((a) => a.aliasName)
        .sort(),
      versions: k.versions.map((v) => ({
        keyVersionId: v.keyVersionId,
        createdAt: isoDate(v.createdAt),
        ...(material && v.material?.backend === 'software' && { material: exportMaterial(k, software.unwrap(v.material)) }),
      })),
      ...(k.policy && { policy: k.policy }),
      ...(k.defaultKey && { defaultKey: true }),
    })),
  };
}

function exportMaterial(k: Key, raw: Buffer): string {
  if (specOf(k.keySpec).kind === 'symmetric') return raw.toString('base64');
  return createPrivateKey({ key: raw, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** An interval as people write it: `30d`, `36h`, `90m`, else seconds. */
export function friendlyInterval(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds > 0 && seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}
