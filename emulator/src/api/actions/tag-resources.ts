/**
 * The batch tag actions over `ResourceId.N` / `Tag.N.Key` lists: TagResources, UntagResources, ListTagResources.
 * Only ResourceType `key` is emulated.
 */
import { z } from 'zod';
import { LIMITS } from '../../domain/limits';
import type { Key } from '../../domain/model';
import { validateTags } from '../../domain/tags';
import { defineAction } from '../action';
import { bool, nonEmpty } from '../schemas';

const resourceType = z.literal('key');
const resourceIds = z.array(nonEmpty).min(1).max(LIMITS.tagResourcesPerCall);
const tags = z.array(z.object({ Key: nonEmpty, Value: z.string().default('') })).min(1).max(LIMITS.tagsPerResource);

export const TagResources = defineAction({
  name: 'TagResources',
  input: z.object({ RegionId: nonEmpty, ResourceType: resourceType, ResourceId: resourceIds, Tag: tags }),
  async handle(i, { kms, scope }) {
    const added = Object.fromEntries(i.Tag.map((t) => [t.Key, t.Value]));
    // Resolve all first so that one unknown key leaves every key untouched.
    const keys = await Promise.all(i.ResourceId.map((id) => kms.keys.resolve(scope, id)));
    for (const key of keys) validateTags(key.tags, added, 'Tag');
    for (const key of keys) await kms.keys.setTags(scope, key.keyId, (t) => validateTags(t, added, 'Tag'));
    return {};
  },
});

export const UntagResources = defineAction({
  name: 'UntagResources',
  input: z.object({
    RegionId: nonEmpty,
    ResourceType: resourceType,
    ResourceId: resourceIds,
    TagKey: z.array(nonEmpty).max(LIMITS.tagsPerResource).optional(),
    All: bool.default(false),
  }),
  async handle(i, { kms, scope }) {
    const keys = await Promise.all(i.ResourceId.map((id) => kms.keys.resolve(scope, id)));
    for (const key of keys)
      await kms.keys.setTags(scope, key.keyId, (t) => {
        if (i.All) return {};
        for (const k of i.TagKey ?? []) delete t[k];
        return t;
      });
    return {};
  },
});

const PAGE = 50;

export const ListTagResources = defineAction({
  name: 'ListTagResources',
  input: z.object({
    RegionId: nonEmpty,
    ResourceType: resourceType,
    ResourceId: resourceIds.optional(),
    Tag: z.array(z.object({ Key: nonEmpty, Value: z.string().optional() })).max(LIMITS.tagsPerResource).optional(),
    NextToken: z.string().regex(/^\d+$/).transform(Number).optional(),
  }),
  async handle(i, { kms, scope }) {
    let keys: Key[] = i.ResourceId
      ? await Promise.all(i.ResourceId.map((id) => kms.keys.resolve(scope, id)))
      : await kms.keys.list(scope);
    // Own keys only: `in` would also match Object.prototype names such as `toString`.
    if (i.Tag) keys = keys.filter((k) => i.Tag!.every((t) => Object.hasOwn(k.tags, t.Key) && (t.Value === undefined || k.tags[t.Key] === t.Value)));
    const rows = keys
      .sort((a, b) => a.createdAt - b.createdAt || a.keyId.localeCompare(b.keyId))
      .flatMap((k) => Object.entries(k.tags).map(([TagKey, TagValue]) => ({ ResourceId: k.keyId, ResourceType: 'key', TagKey, TagValue })));
    const start = i.NextToken ?? 0;
    const next = start + PAGE < rows.length ? String(start + PAGE) : '';
    return { TagResources: { TagResource: rows.slice(start, start + PAGE) }, NextToken: next };
  },
});
