/**
 * The batch tag actions over `ResourceId.N` / `Tag.N.Key` lists: TagResources, UntagResources, ListTagResources,
 * for keys and KMS instances (domain/tagging.ts).
 */
import { z } from 'zod';
import { LIMITS } from '../../domain/limits';
import { TAG_RESOURCE_TYPES, type Tagged } from '../../domain/tagging';
import { validateTags } from '../../domain/tags';
import { defineAction } from '../action';
import { bool, nonEmpty } from '../schemas';

const resourceType = z.enum(TAG_RESOURCE_TYPES);
const resourceIds = z.array(nonEmpty).min(1).max(LIMITS.tagResourcesPerCall);
const tags = z
  .array(z.object({ Key: nonEmpty, Value: z.string().default('') }))
  .min(1)
  .max(LIMITS.tagsPerResource);

export const TagResources = defineAction({
  name: 'TagResources',
  input: z.object({ RegionId: nonEmpty, ResourceType: resourceType, ResourceId: resourceIds, Tag: tags }),
  async handle(i, { kms, access }) {
    const target = kms.tagTargets[i.ResourceType];
    const added = Object.fromEntries(i.Tag.map((t) => [t.Key, t.Value]));
    // Resolve all first so that one unknown resource leaves every resource untouched.
    const resources = await Promise.all(i.ResourceId.map((id) => target.resolve(access, id)));
    for (const r of resources) validateTags(r.tags, added, 'Tag');
    for (const r of resources) await target.setTags(access, r.id, (t) => validateTags(t, added, 'Tag'));
    return {};
  },
});

export const UntagResources = defineAction({
  name: 'UntagResources',
  input: z.object({
    RegionId: nonEmpty.optional(), // the region comes from the request like any other (wire/server.ts regionOf)
    ResourceType: resourceType,
    ResourceId: resourceIds,
    TagKey: z.array(nonEmpty).max(LIMITS.tagsPerResource).optional(),
    All: bool.default(false),
  }),
  async handle(i, { kms, access }) {
    const target = kms.tagTargets[i.ResourceType];
    const resources = await Promise.all(i.ResourceId.map((id) => target.resolve(access, id)));
    for (const r of resources)
      await target.setTags(access, r.id, (t) => {
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
    RegionId: nonEmpty.optional(), // the region comes from the request like any other (wire/server.ts regionOf)
    ResourceType: resourceType,
    ResourceId: resourceIds.optional(),
    Tag: z
      .array(z.object({ Key: nonEmpty, Value: z.string().optional() }))
      .max(LIMITS.tagsPerResource)
      .optional(),
    NextToken: z.string().regex(/^\d+$/).transform(Number).optional(),
  }),
  async handle(i, { kms, scope, access }) {
    const target = kms.tagTargets[i.ResourceType];
    // Named resources are listed in the order named (once each); the rest oldest first, in the store's listing order
    // for those made in the same millisecond (the sort is stable), so a page boundary never moves between calls.
    let resources: Tagged[] = i.ResourceId
      ? [...new Map((await Promise.all(i.ResourceId.map((id) => target.resolve(access, id)))).map((r) => [r.id, r])).values()]
      : (await target.list(scope)).sort((a, b) => a.createdAt - b.createdAt);
    // Own keys only: `in` would also match Object.prototype names such as `toString`.
    if (i.Tag)
      resources = resources.filter((r) =>
        i.Tag!.every((t) => Object.hasOwn(r.tags, t.Key) && (t.Value === undefined || r.tags[t.Key] === t.Value)),
      );
    const rows = resources.flatMap((r) =>
      Object.entries(r.tags).map(([TagKey, TagValue]) => ({ ResourceId: r.id, ResourceType: i.ResourceType, TagKey, TagValue })),
    );
    const start = i.NextToken ?? 0;
    const next = start + PAGE < rows.length ? String(start + PAGE) : '';
    return { TagResources: { TagResource: rows.slice(start, start + PAGE) }, NextToken: next };
  },
});
