/** Reading a key back as alikms:index:Key's properties (also used by DefaultKey), and the inputs Read reports. */
import type { KmsClient } from '../client';
import { jsonEqual } from '../diff';
import { userTags, type ResourceContext } from '../resource';
import type { Props } from '../values';
import { expireUnix } from './key-material';

/**
 * Policies compare as parsed JSON in a canonical order, so whitespace, key order, the order of statements and of the
 * principals, actions and resources in each, and `"x"` for `["x"]`, never diff: none of them changes what the policy
 * allows. A string that does not parse compares as text.
 */
export function normalizePolicy(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  let doc: unknown;
  try {
    doc = JSON.parse(v);
  } catch {
    return v;
  }
  if (!isObject(doc) || !Array.isArray(doc.Statement)) return doc;
  const statements = doc.Statement.map((s) => (isObject(s) ? canonicalStatement(s) : s));
  return { ...doc, Statement: statements.sort((a, b) => compare(canonicalJson(a), canonicalJson(b))) };
}

const LISTS = ['Action', 'Resource'] as const;

function canonicalStatement(s: Record<string, unknown>): Record<string, unknown> {
  const out = { ...s };
  for (const k of LISTS) out[k] = sortedList(s[k]);
  if (isObject(s.Principal)) out.Principal = { ...s.Principal, RAM: sortedList(s.Principal.RAM) };
  return out;
}

const sortedList = (v: unknown) =>
  typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...v].sort(compare) : v;

/** JSON with object keys sorted, so two statements that differ only in key order compare equal. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort(compare)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
  if (m.KeyState === 'PendingImport')
    ctx?.log.log(
      'warning',
      `key ${id} is PendingImport: it has no key material${known.keyMaterial ? ' (the next up imports it)' : ''}`,
      ctx.urn,
    );
  const [policy, tags] = await Promise.all([client.getKeyPolicy(id), client.listTags('key', id)]);
  const materialExpireTime = m.MaterialExpireTime || undefined;
  return {
    instanceId: m.DKMSInstanceId || undefined,
    keySpec: m.KeySpec,
    keyUsage: m.KeyUsage,
    origin: m.Origin,
    // Not in DescribeKey: the value the key was created with (compared with the old inputs).
    keyStorageMechanism: known.keyStorageMechanism,
    description: m.Description ?? '',
    // PendingImport (no key material yet) is neither Enabled nor Disabled and EnableKey/DisableKey refuse it: the
    // desired value stands until material is imported, so an EXTERNAL key shows no perpetual diff.
    enabled: m.KeyState === 'PendingImport' ? (known.enabled ?? true) : m.KeyState === 'Enabled',
    deletionProtection: m.DeletionProtection === 'Enabled',
    deletionProtectionDescription: m.DeletionProtection === 'Enabled' ? (m.DeletionProtectionDescription ?? '') : undefined,
    // Keep the user's text when it means the same document, so state shows what the program wrote.
    policy: policy !== undefined && jsonEqual(normalizePolicy(policy), normalizePolicy(known.policy)) ? known.policy : policy,
    pendingWindowInDays: known.pendingWindowInDays ?? 30,
    // The user's spelling when it is the same instant as the live expiry.
    keyMaterialExpireTime:
      known.keyMaterialExpireTime !== undefined && expireUnix(known.keyMaterialExpireTime) === expireUnix(materialExpireTime)
        ? known.keyMaterialExpireTime
        : materialExpireTime,
    tags: userTags(tags),
    keyId: m.KeyId,
    arn: m.Arn,
    keyState: m.KeyState,
    protectionLevel: m.ProtectionLevel,
    creator: m.Creator,
    creationDate: m.CreationDate,
    deleteDate: m.DeleteDate || undefined,
    primaryKeyVersion: m.PrimaryKeyVersion,
    materialExpireTime,
    automaticRotation: m.AutomaticRotation,
    rotationInterval: m.RotationInterval,
    lastRotationDate: m.LastRotationDate,
    nextRotationDate: m.NextRotationDate || undefined,
    defaultKey: m.DefaultKey === true,
  };
}

const INPUTS = [
  'instanceId',
  'keySpec',
  'keyUsage',
  'origin',
  'keyStorageMechanism',
  'description',
  'enabled',
  'deletionProtection',
  'deletionProtectionDescription',
  'policy',
  'pendingWindowInDays',
  'keyMaterial',
  'keyMaterialExpireTime',
  'tags',
];

/** Inputs the API cannot show: kept from the old inputs as they were (the material stays a secret there). */
const KEPT = new Set(['pendingWindowInDays', 'keyStorageMechanism', 'keyMaterial']);

/**
 * Inputs as Check would return them. Refresh: the old inputs with live values for the properties the program set.
 * Import: the live values of every settable property (policy only when the program sets one, as it is server-computed).
 */
export function inputsFromLive(live: Props, old: Props | undefined): Props {
  const inputs: Props = {};
  for (const k of INPUTS) {
    if (old ? old[k] === undefined : k === 'policy') continue;
    if (k === 'pendingWindowInDays') inputs[k] = old?.[k] ?? 30;
    else if (KEPT.has(k)) inputs[k] = old?.[k];
    else if (live[k] !== undefined && !(old === undefined && k === 'description' && live[k] === '')) inputs[k] = live[k];
  }
  for (const k of Object.keys(inputs)) if (inputs[k] === undefined) delete inputs[k];
  if (!old && Object.keys(live.tags as object).length === 0) delete inputs.tags;
  return inputs;
}
