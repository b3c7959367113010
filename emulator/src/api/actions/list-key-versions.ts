/** ListKeyVersions: oldest first. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty, pageNumber, pageSize } from '../schemas';
import { keyVersionView, page } from '../views';

export const ListKeyVersions = defineAction({
  name: 'ListKeyVersions',
  input: z.object({ KeyId: nonEmpty, PageNumber: pageNumber, PageSize: pageSize() }),
  async handle(i, { kms, access }) {
    const key = await kms.keys.resolve(access, i.KeyId);
    const { items, paging } = page(key.versions, i.PageNumber, i.PageSize);
    return { KeyVersions: { KeyVersion: items.map((v) => keyVersionView(key, v)) }, ...paging };
  },
});
