/**
 * alikms:index:Key — a customer master key in a KMS instance (iac-anchors.md §5.2).
 * Rotation is owned by RotationPolicy and only reported here; ProtectionLevel follows the instance.
 */
import { isNotFound, type KeyMetadata, type KmsClient } from '../client';
import { jsonEqual } from '../diff';
import {
  clientOf,
  finishCreate,
  ResourceError,
  userTags,
  type CheckFailure,
  type ResourceContext,
  type ResourceDefinition,
} from '../resource';
import type { Props } from '../values';
import { checkDescription, checkTags, descriptionSpec, isSymmetric, KEY_SPECS, KEY_USAGES, ORIGINS, syncTags, tagsSpec } from './common';

/** Policies compare as parsed JSON, so whitespace and key order never diff (a string that does not parse compares as text). */
export function normalizePolicy(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

const out = (description: string) => ({ type: 'string' as const, description });

export const Key: ResourceDefinition = {
  token: 'alikms:index:Key',
  description:
    'A customer master key (CMK) in a KMS instance. `keySpec`, `keyUsage`, `origin` and `instanceId` force replacement; ' +
    '`pendingWindowInDays` is only used when the key is deleted and is never diffed. A key found PendingDeletion reads as ' +
    'deleted (recover it with CancelKeyDeletion and `pulumi import`). Automatic rotation is managed by `RotationPolicy`.',
  properties: {
    instanceId: {
      type: 'string',
      input: 'required',
      replaceOnChanges: true,
      requiredHint: ' (the default key of a region is managed by alikms:index:DefaultKey)',
      description: 'The KMS instance (`kst-…`) the key lives in (DKMSInstanceId). Default keys are managed by `DefaultKey`.',
    },
    keySpec: {
      type: 'string',
      input: 'optional',
      replaceOnChanges: true,
      enum: KEY_SPECS,
      default: 'Aliyun_AES_256',
      alwaysOutput: true,
      description: 'Key type. Forces replacement.',
    },
    keyUsage: {
      type: 'string',
      input: 'optional',
      replaceOnChanges: true,
      enum: KEY_USAGES,
      diff: 'whenSet',
      alwaysOutput: true,
      description: 'ENCRYPT/DECRYPT or SIGN/VERIFY; unset lets the service pick from the spec. Forces replacement.',
    },
    origin: {
      type: 'string',
      input: 'optional',
      replaceOnChanges: true,
      enum: ORIGINS,
      default: 'Aliyun_KMS',
      alwaysOutput: true,
      description: 'Key material origin. Forces replacement.',
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
    tags: tagsSpec('key'),
    keyId: { ...out('The key ID.'), alwaysOutput: true },
    arn: { ...out('The key ARN.'), alwaysOutput: true },
    keyState: { ...out('Enabled, Disabled, PendingDeletion or PendingImport.'), alwaysOutput: true },
    protectionLevel: out('SOFTWARE or HSM, decided by the instance.'),
    creator: out('Who created the key.'),
    creationDate: out('When the key was created.'),
    deleteDate: out('When a PendingDeletion key is deleted.'),
    primaryKeyVersion: out('The primary key version ID.'),
    materialExpireTime: out('When imported key material expires.'),
    automaticRotation: out('Enabled, Disabled or Suspended (read-only; see RotationPolicy).'),
    rotationInterval: out('Rotation interval in seconds, e.g. `604800s` (read-only).'),
    lastRotationDate: out('Last rotation (read-only).'),
    nextRotationDate: out('Next rotation (read-only).'),
  },

  async check(ctx, news, unknown) {
    const f: CheckFailure[] = [...checkDescription(news.description), ...checkTags(news.tags)];
    const spec = news.keySpec as string | undefined,
      usage = news.keyUsage as string | undefined;
    if (typeof news.instanceId === 'string' && !/^kst-[a-z0-9]+$/.test(news.instanceId))
      f.push({ property: 'instanceId', reason: `instanceId must be a KMS instance ID (kst-…); got '${news.instanceId}'` });
    if (spec && usage && !unknown.has('keySpec') && !unknown.has('keyUsage')) {
      if (isSymmetric(spec) && usage !== 'ENCRYPT/DECRYPT')
        f.push({ property: 'keyUsage', reason: `keyUsage must be ENCRYPT/DECRYPT for symmetric keySpec ${spec}` });
      if (spec.startsWith('EC_') && usage !== 'SIGN/VERIFY')
        f.push({ property: 'keyUsage', reason: `keyUsage must be SIGN/VERIFY for keySpec ${spec}` });
    }
    if (news.origin === 'EXTERNAL' && spec && !isSymmetric(spec))
      f.push({ property: 'origin', reason: `origin EXTERNAL needs a symmetric keySpec; got ${spec}` });
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

  async create(ctx, inputs) {
    const client = clientOf(ctx);
    const tags = (inputs.tags ?? {}) as Record<string, string>;
    const meta = await client.createKey({
      KeySpec: inputs.keySpec,
      KeyUsage: inputs.keyUsage,
      Origin: inputs.origin,
      Description: inputs.description,
      DKMSInstanceId: inputs.instanceId,
      Policy: inputs.policy,
      Tags: Object.keys(tags).length ? JSON.stringify(Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue }))) : undefined,
    });
    ctx.log.log('info', `created key ${meta.KeyId}`, ctx.urn);
    // Deletion protection and the Disabled state are separate calls; a failure here still records the key (partial create).
    return finishCreate(meta.KeyId, { keyId: meta.KeyId, arn: meta.Arn }, async () => {
      await applyProtection(client, meta, inputs);
      // A PendingImport key (EXTERNAL, no material yet) cannot be disabled; the state is compared once material arrives.
      if (inputs.enabled === false && meta.KeyState !== 'PendingImport') await client.call('DisableKey', { KeyId: meta.KeyId });
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

  async update(ctx, id, olds, news) {
    const client = clientOf(ctx);
    const meta = await client.describeKey(id);
    const enabled = news.enabled ?? true;
    // Enable first and disable last, so the other calls never meet a Disabled key (aws #5688 lesson).
    if (enabled && meta.KeyState === 'Disabled') await client.call('EnableKey', { KeyId: id });
    if ((news.description ?? '') !== meta.Description)
      await client.call('UpdateKeyDescription', { KeyId: id, Description: news.description ?? '' });
    if (news.policy !== undefined && !jsonEqual(normalizePolicy(news.policy), normalizePolicy(olds.policy)))
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
      throw e;
    }
    ctx.log.log('info', `key ${id} scheduled for deletion in ${days} days (aliases pointing at it keep their names until then)`, ctx.urn);
  },
};

async function applyProtection(client: KmsClient, meta: KeyMetadata, inputs: Props) {
  if (inputs.deletionProtection === true)
    await client.call('SetDeletionProtection', {
      ProtectedResourceArn: meta.Arn,
      EnableDeletionProtection: true,
      DeletionProtectionDescription: inputs.deletionProtectionDescription,
    });
}

/** Live outputs of key `id`; undefined when it is gone or pending deletion. `known` carries the user's forms to keep. */
export async function readKey(client: KmsClient, id: string, known: Props, ctx?: ResourceContext): Promise<Props | undefined> {
  const m = await client.findKey(id);
  if (!m) return undefined;
  if (m.KeyState === 'PendingDeletion') {
    ctx?.log.log(
      'warning',
      `key ${id} is PendingDeletion (deletes ${m.DeleteDate}); treating it as deleted. To recover: CancelKeyDeletion, then pulumi import`,
      ctx.urn,
    );
    return undefined;
  }
  if (m.KeyState === 'PendingImport') ctx?.log.log('warning', `key ${id} is PendingImport: it has no key material yet`, ctx.urn);
  const [policy, tags] = await Promise.all([client.getKeyPolicy(id), client.listTags('key', id)]);
  return {
    instanceId: m.DKMSInstanceId || undefined,
    keySpec: m.KeySpec,
    keyUsage: m.KeyUsage,
    origin: m.Origin,
    description: m.Description ?? '',
    // PendingImport (no key material yet) is neither Enabled nor Disabled and EnableKey/DisableKey refuse it: the
    // desired value stands until material is imported, so an EXTERNAL key shows no perpetual diff.
    enabled: m.KeyState === 'PendingImport' ? (known.enabled ?? true) : m.KeyState === 'Enabled',
    deletionProtection: m.DeletionProtection === 'Enabled',
    deletionProtectionDescription: m.DeletionProtection === 'Enabled' ? (m.DeletionProtectionDescription ?? '') : undefined,
    // Keep the user's text when it means the same document, so state shows what the program wrote.
    policy: policy !== undefined && jsonEqual(normalizePolicy(policy), normalizePolicy(known.policy)) ? known.policy : policy,
    pendingWindowInDays: known.pendingWindowInDays ?? 30,
    tags: userTags(tags),
    keyId: m.KeyId,
    arn: m.Arn,
    keyState: m.KeyState,
    protectionLevel: m.ProtectionLevel,
    creator: m.Creator,
    creationDate: m.CreationDate,
    deleteDate: m.DeleteDate || undefined,
    primaryKeyVersion: m.PrimaryKeyVersion,
    materialExpireTime: m.MaterialExpireTime || undefined,
    automaticRotation: m.AutomaticRotation,
    rotationInterval: m.RotationInterval,
    lastRotationDate: m.LastRotationDate,
    nextRotationDate: m.NextRotationDate || undefined,
  };
}

const INPUTS = [
  'instanceId',
  'keySpec',
  'keyUsage',
  'origin',
  'description',
  'enabled',
  'deletionProtection',
  'deletionProtectionDescription',
  'policy',
  'pendingWindowInDays',
  'tags',
];

/**
 * Inputs as Check would return them. Refresh: the old inputs with live values for the properties the program set.
 * Import: the live values of every settable property (policy only when the program sets one, as it is server-computed).
 */
function inputsFromLive(live: Props, old: Props | undefined): Props {
  const inputs: Props = {};
  for (const k of INPUTS) {
    if (old ? old[k] === undefined : k === 'policy') continue;
    if (k === 'pendingWindowInDays') inputs[k] = old?.[k] ?? 30;
    else if (live[k] !== undefined && !(old === undefined && k === 'description' && live[k] === '')) inputs[k] = live[k];
  }
  if (!old && Object.keys(live.tags as object).length === 0) delete inputs.tags;
  return inputs;
}
