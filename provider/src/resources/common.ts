/** Property specs and normalisers shared by the resources (Key, DefaultKey; tags also Instance). */
import type { KmsClient, TagResourceType } from '../client';
import { isSystemTag, userTags, type CheckFailure, type PropertySpec } from '../resource';

/** Tags compare as user-managed tags only; unset means "no user tags". */
export const normalizeTags = (v: unknown) => userTags((v ?? {}) as Record<string, string>);

export const tagsSpec = (resource: string): PropertySpec => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  input: 'optional',
  description: `Tags of the ${resource}. Keys starting with \`acs:\` or \`aliyun\` are reserved by the cloud and are neither set nor compared.`,
  normalize: normalizeTags,
});

export function checkTags(tags: unknown, property = 'tags'): CheckFailure[] {
  if (typeof tags !== 'object' || tags === null) return [];
  const entries = Object.entries(tags as Record<string, string>);
  const failures: CheckFailure[] = [];
  if (entries.length > 20) failures.push({ property, reason: `${property} may hold at most 20 tags; got ${entries.length}` });
  for (const [k, v] of entries) {
    if (isSystemTag(k))
      failures.push({ property, reason: `${property} key '${k}' is reserved (acs:/aliyun prefixes belong to the cloud)` });
    if (k.length === 0 || k.length > 128) failures.push({ property, reason: `${property} key '${k}' must be 1-128 characters` });
    if (String(v).length > 128) failures.push({ property, reason: `${property} value for '${k}' must be at most 128 characters` });
  }
  return failures;
}

/** Tag calls that take `live` user tags to `desired`. */
export function tagChanges(live: Record<string, string>, desired: Record<string, string>) {
  const set = Object.fromEntries(Object.entries(desired).filter(([k, v]) => live[k] !== v));
  const remove = Object.keys(live).filter((k) => !(k in desired));
  return { set, remove };
}

/** Takes the live user tags of resource `id` to `desired` (unset: none); acs:/aliyun tags are left alone. */
export async function syncTags(client: KmsClient, type: TagResourceType, id: string, desired: unknown) {
  const { set, remove } = tagChanges(userTags(await client.listTags(type, id)), (desired ?? {}) as Record<string, string>);
  await client.untag(type, id, remove);
  await client.tag(type, id, set);
}

export const descriptionSpec = (resource: string): PropertySpec => ({
  type: 'string',
  input: 'optional',
  description: `Description of the ${resource} (at most 8192 characters). Unset means empty.`,
  normalize: (v) => v ?? '',
});

export function checkDescription(v: unknown): CheckFailure[] {
  return typeof v === 'string' && v.length > 8192
    ? [{ property: 'description', reason: 'description must be at most 8192 characters' }]
    : [];
}
