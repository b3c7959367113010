/** ListKeys: key IDs and ARNs, paged, with optional Filters (AND across keys, OR within values). */
import { z } from 'zod';
import { keyArn } from '../../domain/ids';
import { LIMITS } from '../../domain/limits';
import { KEY_FILTER_FIELDS } from '../../domain/ports/store';
import { defineAction } from '../action';
import { json, pageNumber, pageSize } from '../schemas';

export const ListKeys = defineAction({
  name: 'ListKeys',
  input: z.object({
    PageNumber: pageNumber,
    PageSize: pageSize(LIMITS.listKeysPageSize.max, LIMITS.listKeysPageSize.default),
    Filters: json(
      z.array(z.object({ Key: z.enum(KEY_FILTER_FIELDS), Values: z.array(z.string()).max(10) })).max(LIMITS.listFilters),
    ).optional(),
  }),
  async handle(i, { kms, scope }) {
    const filters = (i.Filters ?? []).map((f) => ({ field: f.Key, values: f.Values }));
    const { items, total } = await kms.keys.page(scope, { filters }, (i.PageNumber - 1) * i.PageSize, i.PageSize);
    const keys = items.map((k) => ({ KeyId: k.keyId, KeyArn: keyArn(k.regionId, k.accountId, k.keyId) }));
    return { Keys: { Key: keys }, TotalCount: total, PageNumber: i.PageNumber, PageSize: i.PageSize };
  },
});
