/**
 * alikms:index:Key — a customer master key (iac-anchors.md §5.2): in a KMS instance (software or hardware), or, without
 * `instanceId`, an instance-less key (a KMS 1.0-style key of the region), managed like any other. An EXTERNAL key's
 * material can be given as the secret `keyMaterial` (key-material.ts). Rotation is owned by RotationPolicy and only
 * reported here; ProtectionLevel follows the instance.
 */
import { isNotFound, type KeyMetadata, type KmsClient } from '../client';
import { jsonEqual } from '../diff';
import { KeyOrigin, KeySpec, KeyStorageMechanism, KeyUsage } from '../enums';
import { clientOf, finishCreate, ResourceError, type CheckFailure, type ResourceDefinition } from '../resource';
import type { Props } from '../values';
import { importable, usagesOf } from '../enums';
import { checkDescription, checkTags, descriptionSpec, syncTags, tagsSpec } from './common';
import { checkMaterial, diffMaterial, importMaterial, needsImport } from './key-material';
import { inputsFromLive, normalizePolicy, readKey } from './key-read';

export { normalizePolicy, readKey } from './key-read';

const out = (description: string, stable = false) => ({ type: 'string' as const, description, stable });

export const Key: ResourceDefinition = {
  token: 'alikms:index:Key',
  description:
    'A customer master key (CMK), in a KMS instance (`instanceId`) or, without one, an instance-less key of the region ' +
    '(deleted like any other; the region default CMK is managed by `DefaultKey`). `keySpec`, `keyUsage`, `origin`, ' +
    '`instanceId` and `keyStorageMechanism` force replacement; `pendingWindowInDays` is only used when the key is deleted ' +
    'and is never diffed. An `EXTERNAL` key takes its material from the secret `keyMaterial` (never an output): another ' +
    'material replaces the key, the same material is imported again for a new `keyMaterialExpireTime` or when the key ' +
    'lost it (PendingImport). A key found PendingDeletion reads as deleted (recover it with CancelKeyDeletion and ' +
    '`pulumi import`). Automatic rotation is managed by `RotationPolicy`.',
  properties: {
    instanceId: {
      type: 'string',
      input: 'optional',
      replaceOnChanges: true,
      description:
        'The KMS instance (`kst-…`) the key lives in (DKMSInstanceId). Unset: an instance-less key of the region (any spec; ' +
        'SOFTWARE). The region default CMK is managed by `DefaultKey`. Forces replacement.',
    },
    keySpec: {
      type: 'string',
      input: 'optional',
      replaceOnChanges: true,
      enumType: KeySpec,
      default: 'Aliyun_AES_256',
      alwaysOutput: true,
      description: 'Key type. Forces replacement.',
    },
    keyUsage: {
      type: 'string',
      input: 'optional',
      replaceOnChanges: true,
      enumType: KeyUsage,
      diff: 'whenSet',
      alwaysOutput: true,
      description: 'ENCRYPT/DECRYPT or SIGN/VERIFY; unset lets the service pick from the spec. Forces replacement.',
    },
    origin: {
      type: 'string',
      input: 'optional',
      replaceOnChanges: true,
      enumType: KeyOrigin,
      default: 'Aliyun_KMS',
      alwaysOutput: true,
      description: 'Key material origin: `Aliyun_KMS` (generated) or `EXTERNAL` (imported; see `keyMaterial`). Forces replacement.',
    },
    keyStorageMechanism: {
      type: 'string',
      input: 'optional',
      replaceOnChanges: true,
      enumType: KeyStorageMechanism,
      diff: 'inputs',
      description:
        'Keys of a hardware instance (productVersion 5): `HsmInternal` (the service default; no automatic rotation) or ' +
        '`HsmEncryptedDatabase` (symmetric keys rotate). Not readable through DescribeKey, so compared with the value the ' +
        'key was created with. Forces replacement.',
    },
    description: descriptionSpec('key'),
    enabled: {
      type: 'boolean',
      input: 'optional',
      default: true,
      alwaysOutput: true,
      description: 'Whether the key is Enabled (EnableKey/DisableKey).',
    },
    deletionProtection: {
      type: 'boolean',
      input: 'optional',
      default: false,
      alwaysOutput: true,
      description: 'Deletion protection; a protected key cannot be deleted.',
    },
    deletionProtectionDescription: {
      type: 'string',
      input: 'optional',
      diff: 'whenSet',
      description: 'Why the key is protected; only with `deletionProtection: true`.',
    },
    policy: {
      type: 'string',
      input: 'optional',
      diff: 'whenSet',
      normalize: normalizePolicy,
      description: 'Key policy (JSON, at most 32768 bytes), compared semantically; unset leaves the service policy alone.',
    },
    pendingWindowInDays: {
      type: 'integer',
      input: 'optional',
      default: 30,
      diff: 'never',
      description: 'Days (7-366) between `pulumi destroy` and the actual deletion of the key. Used only at delete time, never diffed.',
    },
    keyMaterial: {
      type: 'string',
      input: 'optional',
      secret: true,
      writeOnly: true,
      diff: 'never',
      description:
        'For an `EXTERNAL` key: the key material, base64 of the raw symmetric key (32 bytes for Aliyun_AES_256, 24 for ' +
        'Aliyun_AES_192, 16 for Aliyun_AES_128 and Aliyun_SM4). A secret, kept only in the state inputs, never an output. ' +
        'Another material replaces the key; removing it from the program leaves the imported material alone.',
    },
    keyMaterialExpireTime: {
      type: 'string',
      input: 'optional',
      diff: 'never',
      description:
        'When the imported material expires (ISO 8601, e.g. `2030-01-01T00:00:00Z`); unset: never. Changing it imports the ' +
        'same material again with the new expiry. Needs `keyMaterial`.',
    },
    tags: tagsSpec('key'),
    keyId: { ...out('The key ID.', true), alwaysOutput: true },
    arn: { ...out('The key ARN.', true), alwaysOutput: true },
    keyState: { ...out('Enabled, Disabled, PendingDeletion or PendingImport.'), alwaysOutput: true },
    protectionLevel: out('SOFTWARE or HSM, decided by the instance.', true),
    creator: out('Who created the key.', true),
    creationDate: out('When the key was created.', true),
    deleteDate: out('When a PendingDeletion key is deleted.', true),
    primaryKeyVersion: out('The primary key version ID.', true),
    defaultKey: {
      type: 'boolean',
      stable: true,
      description: "Whether the key is the region's default CMK (the emulator's DescribeKey field DefaultKey).",
    },
    materialExpireTime: out('When imported key material expires.'),
    automaticRotation: out('Enabled, Disabled or Suspended (read-only; see RotationPolicy).'),
    rotationInterval: out('Rotation interval in seconds, e.g. `604800s` (read-only).'),
    lastRotationDate: out('Last rotation (read-only).'),
    nextRotationDate: out('Next rotation (read-only).'),
  },

  check(news, unknown) {
    const f: CheckFailure[] = [...checkDescription(news.description), ...checkTags(news.tags), ...checkMaterial(news, unknown)];
    const spec = news.keySpec as string | undefined,
      usage = news.keyUsage as string | undefined;
    if (typeof news.instanceId === 'string' && !/^kst-[a-z0-9]+$/.test(news.instanceId))
      f.push({ property: 'instanceId', reason: `instanceId must be a KMS instance ID (kst-…); got '${news.instanceId}'` });
    if (news.keyStorageMechanism !== undefined && news.instanceId === undefined && !unknown.has('instanceId'))
      f.push({ property: 'keyStorageMechanism', reason: 'keyStorageMechanism applies to keys of a hardware instance (set instanceId)' });
    if (spec && usage && !unknown.has('keySpec') && !unknown.has('keyUsage')) {
      const usages = usagesOf(spec);
      if (usages.length > 0 && !usages.includes(usage))
        f.push({ property: 'keyUsage', reason: `keyUsage must be ${usages.join(' or ')} for keySpec ${spec}` });
    }
    if (news.origin === 'EXTERNAL' && spec && !importable(spec))
      f.push({ property: 'origin', reason: `origin EXTERNAL needs a keySpec that takes imported material (symmetric); got ${spec}` });
    if (typeof news.policy === 'string') {
      const parsed = normalizePolicy(news.policy);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        f.push({ property: 'policy', reason: 'policy must be a JSON object document' });
      if (Buffer.byteLength(news.policy) > 32768) f.push({ property: 'policy', reason: 'policy must be at most 32768 bytes' });
    }
    const w = news.pendingWindowInDays;
    if (typeof w === 'number' && (w < 7 || w > 366))
      f.push({ property: 'pendingWindowInDays', reason: `pendingWindowInDays must be 7-366; got ${w}` });
    if (news.deletionProtectionDescription !== undefined && news.deletionProtection !== true && !unknown.has('deletionProtection'))
      f.push({ property: 'deletionProtectionDescription', reason: 'deletionProtectionDescription needs deletionProtection: true' });
    return f;
  },

  diffExtra: diffMaterial,

  async create(ctx, inputs) {
    const client = clientOf(ctx);
    const tags = (inputs.tags ?? {}) as Record<string, string>;
    const meta = await client.createKey({
      KeySpec: inputs.keySpec,
      KeyUsage: inputs.keyUsage,
      Origin: inputs.origin,
      Description: inputs.description,
      DKMSInstanceId: inputs.instanceId,
      KeyStorageMechanism: inputs.keyStorageMechanism,
      Policy: inputs.policy,
      Tags: Object.keys(tags).length ? JSON.stringify(Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue }))) : undefined,
    });
    ctx.log.log('info', `created key ${meta.KeyId}${inputs.instanceId ? '' : ' (instance-less)'}`, ctx.urn);
    // Material, deletion protection and the Disabled state are separate calls; a failure here still records the key
    // (partial create) with every input, so the next up finishes it.
    return finishCreate(meta.KeyId, { keyId: meta.KeyId, arn: meta.Arn }, async () => {
      let state = meta.KeyState;
      if (typeof inputs.keyMaterial === 'string') {
        await importMaterial(client, meta.KeyId, inputs.keyMaterial, inputs.keyMaterialExpireTime);
        state = 'Enabled';
        ctx.log.log('info', `imported key material into ${meta.KeyId}`, ctx.urn);
      }
      await applyProtection(client, meta, inputs);
      // A PendingImport key (EXTERNAL, no material yet) cannot be disabled; the state is compared once material arrives.
      if (inputs.enabled === false && state !== 'PendingImport') await client.call('DisableKey', { KeyId: meta.KeyId });
      const live = await readKey(client, meta.KeyId, inputs);
      if (!live) throw new ResourceError(`key ${meta.KeyId} disappeared right after CreateKey`);
      return live;
    });
  },

  async read(ctx, id, state, inputs) {
    const live = await readKey(clientOf(ctx), id, { ...state, ...(inputs ?? {}) }, ctx);
    if (!live) return undefined;
    return { id, outputs: live, inputs: inputsFromLive(live, inputs) };
  },

  async update(ctx, id, _olds, news, oldInputs) {
    const client = clientOf(ctx);
    let meta = await client.describeKey(id);
    // Material first: a key without it (PendingImport) refuses EnableKey/DisableKey.
    if (needsImport(meta.KeyState, meta.MaterialExpireTime, news, oldInputs)) {
      await importMaterial(client, id, news.keyMaterial as string, news.keyMaterialExpireTime);
      ctx.log.log('info', `imported key material into ${id}`, ctx.urn);
      meta = await client.describeKey(id);
    }
    const enabled = news.enabled ?? true;
    // Enable first and disable last, so the other calls never meet a Disabled key (aws #5688 lesson).
    if (enabled && meta.KeyState === 'Disabled') await client.call('EnableKey', { KeyId: id });
    if ((news.description ?? '') !== meta.Description)
      await client.call('UpdateKeyDescription', { KeyId: id, Description: news.description ?? '' });
    // Against the live policy, not the old outputs (a partial create's state holds the desired one).
    if (news.policy !== undefined && !jsonEqual(normalizePolicy(news.policy), normalizePolicy(await client.getKeyPolicy(id))))
      await client.call('SetKeyPolicy', { KeyId: id, PolicyName: 'default', Policy: news.policy });
    const protectedNow = meta.DeletionProtection === 'Enabled';
    if (
      (news.deletionProtection ?? false) !== protectedNow ||
      (news.deletionProtection &&
        news.deletionProtectionDescription !== undefined &&
        news.deletionProtectionDescription !== (meta.DeletionProtectionDescription ?? ''))
    )
      await client.call('SetDeletionProtection', {
        ProtectedResourceArn: meta.Arn,
        EnableDeletionProtection: news.deletionProtection ?? false,
        DeletionProtectionDescription: news.deletionProtection ? news.deletionProtectionDescription : undefined,
      });
    await syncTags(client, 'key', id, news.tags);
    if (!enabled && meta.KeyState === 'Enabled') await client.call('DisableKey', { KeyId: id });
    const live = await readKey(client, id, news);
    if (!live) throw new ResourceError(`key ${id} disappeared during update`);
    return live;
  },

  async delete(ctx, id, olds, oldInputs) {
    const client = clientOf(ctx);
    const meta = await client.findKey(id);
    if (!meta || meta.KeyState === 'PendingDeletion') return;
    if (meta.DeletionProtection === 'Enabled')
      throw new ResourceError(
        `key ${id} has deletion protection enabled; set deletionProtection: false and run \`pulumi up\` before deleting it`,
      );
    // Old inputs win: a changed window is never diffed, so the outputs may still hold the previous one.
    const days = (oldInputs.pendingWindowInDays ?? olds.pendingWindowInDays ?? 30) as number;
    try {
      await client.call('ScheduleKeyDeletion', { KeyId: id, PendingWindowInDays: days });
    } catch (e) {
      if (isNotFound(e)) return;
      if (!isDefaultKeyRefusal(e, meta)) throw e;
      // An emulator that makes the first instance-less AES-256 key the region's default CMK refuses to delete it. That
      // key stays (as DefaultKey's delete leaves it); this stack stops managing it.
      ctx.log.log(
        'warning',
        `key ${id} is the region's default CMK, which cannot be deleted; it is no longer managed by this stack`,
        ctx.urn,
      );
      return;
    }
    ctx.log.log('info', `key ${id} scheduled for deletion in ${days} days (aliases pointing at it keep their names until then)`, ctx.urn);
  },
};

/** ScheduleKeyDeletion refused because `meta` is the region default CMK (DescribeKey's flag, or the refusal says so). */
function isDefaultKeyRefusal(e: unknown, meta: KeyMetadata): boolean {
  const err = e as { code?: string; detail?: string };
  return (
    !meta.DKMSInstanceId && err.code === 'Forbidden.NoPermission' && (meta.DefaultKey === true || /default key/i.test(err.detail ?? ''))
  );
}

async function applyProtection(client: KmsClient, meta: KeyMetadata, inputs: Props) {
  if (inputs.deletionProtection === true)
    await client.call('SetDeletionProtection', {
      ProtectedResourceArn: meta.Arn,
      EnableDeletionProtection: true,
      DeletionProtectionDescription: inputs.deletionProtectionDescription,
    });
}
