/**
 * The single-key tag actions: TagResource, UntagResource, ListResourceTags (KeyId + JSON). Secrets and certificates
 * are not emulated, so KeyId is required here.
 */
import { z } from 'zod';
import { validateTags } from '../../domain/tags';
import { defineAction } from '../action';
import { json, nonEmpty, tagList } from '../schemas';

/** UntagResource.TagKeys: the doc says comma-separated, its example is a JSON array; both are accepted. */
const tagKeys = z.union([json(z.array(z.string()).min(1)), z.string().transform((s) => s.split(',').map((k) => k.trim()))]);

export const TagResource = defineAction({
  name: 'TagResource',
  input: z.object({ KeyId: nonEmpty, Tags: tagList }),
  async handle(i, { kms, access }) {
    await kms.keys.setTags(access, i.KeyId, (tags) => validateTags(tags, i.Tags));
    return {};
  },
});

export const UntagResource = defineAction({
  name: 'UntagResource',
  input: z.object({ KeyId: nonEmpty, TagKeys: tagKeys }),
  async handle(i, { kms, access }) {
    await kms.keys.setTags(access, i.KeyId, (tags) => {
      for (const k of i.TagKeys) delete tags[k];
      return tags;
    });
    return {};
  },
});

export const ListResourceTags = defineAction({
  name: 'ListResourceTags',
  input: z.object({ KeyId: nonEmpty }),
  async handle(i, { kms, access }) {
    const key = await kms.keys.resolve(access, i.KeyId);
    return { Tags: { Tag: Object.entries(key.tags).map(([TagKey, TagValue]) => ({ KeyId: key.keyId, TagKey, TagValue })) } };
  },
});
