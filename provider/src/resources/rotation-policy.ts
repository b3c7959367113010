/**
 * alikms:index:RotationPolicy — automatic rotation of one key (iac-anchors.md §5.4). ID = the key ID.
 * The interval is compared in seconds (7d == 604800s); `Suspended` (rotation on, key not Enabled) counts as enabled,
 * so disabling a key never shows up as rotation drift. Check is static (interval format and range); the key's
 * eligibility is live state the same deployment may change first (a Key re-enabled in the same `up`), so it is
 * checked when rotation is set, by Create and Update. Rotation is one setting per key: Create refuses a key whose
 * rotation is already on (someone else's, or the old resource's during `up --replace`), and replacements delete first.
 */
import { isNotFound, type KeyMetadata, type KmsClient } from '../client';
import { clientOf, resourceName, ResourceError, type CheckFailure, type ResourceDefinition } from '../resource';
import type { Props } from '../values';
import { rotates } from '../enums';
import { keyIdOf } from './alias';

const UNITS: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
/**
 * 7d-365d: the CreateKey doc's range for software keys, which the emulator enforces by default (its
 * --max-rotation-interval). UpdateRotationPolicy's doc says 730d; checking the narrower range means a preview never
 * accepts an interval that `up` would then be refused.
 */
const MIN_SECONDS = 7 * 86400,
  MAX_SECONDS = 365 * 86400;

/** `7d`, `168h`, `604800s` → seconds; undefined when malformed. */
export function intervalSeconds(v: unknown): number | undefined {
  const m = typeof v === 'string' ? /^(\d{1,12})([dhms])$/.exec(v) : null;
  return m ? Number(m[1]) * UNITS[m[2]] : undefined;
}

/**
 * Why `key` cannot rotate automatically, or undefined when it can. Hardware (HSM) keys are left to the service: those
 * stored with KeyStorageMechanism HsmEncryptedDatabase rotate, HsmInternal ones do not, and DescribeKey does not say
 * which a key is.
 */
export function ineligibility(key: KeyMetadata): string | undefined {
  if (!rotates(key.KeySpec)) return `key ${key.KeyId} has spec ${key.KeySpec}; only symmetric keys rotate automatically`;
  if (key.Origin !== 'Aliyun_KMS') return `key ${key.KeyId} has origin ${key.Origin}; only KMS-generated key material rotates`;
  if (/^acs:|Service/i.test(key.Creator ?? '')) return `key ${key.KeyId} is a service key`;
  if (key.KeyState !== 'Enabled') return `key ${key.KeyId} is ${key.KeyState}; UpdateRotationPolicy needs an Enabled key`;
  return undefined;
}

export const RotationPolicy: ResourceDefinition = {
  token: 'alikms:index:RotationPolicy',
  description:
    'Automatic rotation of one key; the ID is the key ID. `interval` is compared in seconds, so `7d` and `604800s` never ' +
    'diff. Rotation shown as Suspended (the key is not Enabled) is not drift. Deleting the resource turns rotation off. ' +
    'Eligibility (symmetric, KMS-generated, user-created, Enabled) is checked when rotation is set, so a key re-enabled by ' +
    'the same deployment passes. Creating refuses a key whose rotation is already on (import it with `pulumi import`); ' +
    'a replacement turns the old rotation off before the new one is set.',
  deleteBeforeReplace: true,
  properties: {
    keyId: {
      type: 'string',
      input: 'required',
      replaceOnChanges: true,
      alwaysOutput: true,
      normalize: keyIdOf,
      description: 'The key (ID or ARN). Forces replacement.',
    },
    enabled: { type: 'boolean', input: 'optional', default: true, alwaysOutput: true, description: 'Whether automatic rotation is on.' },
    interval: {
      type: 'string',
      input: 'optional',
      default: '365d',
      alwaysOutput: true,
      normalize: intervalSeconds,
      description:
        'Rotation period as `<n>d|h|m|s`, compared in seconds. Accepted: 7d-365d, the range the CreateKey documentation ' +
        "gives for software keys and the emulator enforces by default (UpdateRotationPolicy's documentation says 730d).",
    },
    intervalSeconds: { type: 'integer', description: 'The period in seconds, as the service reports it.' },
    status: { type: 'string', alwaysOutput: true, description: 'Enabled, Disabled or Suspended (rotation on, key not Enabled).' },
    lastRotationDate: { type: 'string', stable: true, description: 'Last rotation.' },
    nextRotationDate: { type: 'string', description: 'Next rotation.' },
    primaryKeyVersion: { type: 'string', stable: true, description: 'The primary key version ID.' },
  },

  check(news, unknown) {
    const f: CheckFailure[] = [];
    if (news.interval !== undefined && !unknown.has('interval')) {
      const s = intervalSeconds(news.interval);
      if (s === undefined)
        f.push({ property: 'interval', reason: `interval '${String(news.interval)}' must be <integer><d|h|m|s>, e.g. 30d or 604800s` });
      else if (s < MIN_SECONDS || s > MAX_SECONDS)
        f.push({ property: 'interval', reason: `interval ${String(news.interval)} must be between 7d and 365d` });
    }
    if (typeof news.keyId === 'string' && news.keyId.startsWith('alias/'))
      f.push({ property: 'keyId', reason: 'keyId must be a key ID or ARN, not an alias' });
    return f;
  },

  async create(ctx, inputs) {
    const client = clientOf(ctx);
    const keyId = keyIdOf(inputs.keyId) as string;
    const key = await client.findKey(keyId);
    if (key && key.KeyState !== 'PendingDeletion' && key.AutomaticRotation !== 'Disabled')
      throw new ResourceError(
        `automatic rotation of key ${keyId} is already on (${key.AutomaticRotation}, every ${key.RotationInterval}); alikms does ` +
          `not take over a rotation it did not set. To manage it, \`pulumi import alikms:index:RotationPolicy ` +
          `${resourceName(ctx.urn)} ${keyId}\`; if this is \`pulumi up --replace\` of this policy, give it the resource option ` +
          'deleteBeforeReplace: true',
      );
    await apply(client, keyId, inputs);
    const live = await readPolicy(client, keyId, inputs);
    if (!live) throw new ResourceError(`key ${keyId} disappeared while its rotation policy was set`);
    return { id: keyId, outputs: live };
  },

  async read(ctx, id, state, inputs) {
    const live = await readPolicy(clientOf(ctx), id, { ...state, ...(inputs ?? {}) });
    if (!live) return undefined;
    if (live.status === 'Suspended') ctx.log.log('warning', `rotation of key ${id} is Suspended because the key is not Enabled`, ctx.urn);
    const base = inputs ?? {};
    return { id, outputs: live, inputs: { keyId: base.keyId ?? id, enabled: live.enabled, interval: live.interval } };
  },

  async update(ctx, id, olds, news) {
    const client = clientOf(ctx);
    await apply(client, id, news);
    const live = await readPolicy(client, id, news);
    if (!live) throw new ResourceError(`key ${id} disappeared during update`);
    return live;
  },

  async delete(ctx, id) {
    try {
      const key = await clientOf(ctx).findKey(id);
      if (!key || key.KeyState === 'PendingDeletion' || key.AutomaticRotation === 'Disabled') return;
      await clientOf(ctx).call('UpdateRotationPolicy', { KeyId: id, EnableAutomaticRotation: false });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  },
};

/** Sets the policy; the key must exist and, to turn rotation on, be eligible now (see ineligibility). */
async function apply(client: KmsClient, keyId: string, inputs: Props) {
  const enabled = inputs.enabled !== false;
  const key = await client.findKey(keyId);
  if (!key || key.KeyState === 'PendingDeletion') throw new ResourceError(`key ${keyId} does not exist (or is PendingDeletion)`);
  const why = enabled ? ineligibility(key) : undefined;
  if (why) throw new ResourceError(why);
  await client.call('UpdateRotationPolicy', {
    KeyId: keyId,
    EnableAutomaticRotation: enabled,
    RotationInterval: enabled ? `${intervalSeconds(inputs.interval ?? '365d')}s` : undefined,
  });
}

/** Live policy; undefined when the key is gone or pending deletion (the policy went with it). */
async function readPolicy(client: KmsClient, keyId: string, known: Props): Promise<Props | undefined> {
  const key = await client.findKey(keyId);
  if (!key || key.KeyState === 'PendingDeletion') return undefined;
  const enabled = key.AutomaticRotation !== 'Disabled';
  const seconds = intervalSeconds(key.RotationInterval);
  // Keep the user's spelling when it means the same period; otherwise show the service's seconds.
  const interval = !enabled
    ? (known.interval ?? '365d')
    : intervalSeconds(known.interval) === seconds
      ? known.interval
      : key.RotationInterval;
  return {
    keyId: known.keyId ?? keyId,
    enabled,
    interval,
    intervalSeconds: seconds,
    status: key.AutomaticRotation,
    lastRotationDate: key.LastRotationDate || undefined,
    nextRotationDate: key.NextRotationDate || undefined,
    primaryKeyVersion: key.PrimaryKeyVersion,
  };
}
