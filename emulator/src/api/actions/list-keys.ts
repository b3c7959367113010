/** ListKeys: key IDs and ARNs, paged, with optional Filters (AND across keys, OR within values). */
import { z } from 'zod';
import { keyArn } from '../../domain/ids';
import { LIMITS } from '../../domain/limits';
import { defineAction } from '../action';
import { json, pageNumber, pageSize } from '../schemas';
import { page } from '../views';

const FILTER_FIELDS = ['KeyState', 'KeySpec', 'KeyUsage', 'ProtectionLevel', 'CreatorType', 'DKMSInstanceId', 'Creator'] as const;

export const ListKeys = defineAction({
  name: 'ListKeys',
  input: z.object({
    PageNumber: pageNumber,
    PageSize: pageSize(LIMITS.listKeysPageSize.max, LIMITS.listKeysPageSize.default),
    Filters: json(
      z.array(z.object({ Key: z.enum(FILTER_FIELDS), Values: z.array(z.string()).max(10) })).max(LIMITS.listFilters),
    ).optional(),
  }),
  async handle(i, { kms, scope }) {
    const keys = await kms.keys.list(
      scope,
      (i.Filters ?? []).map((f) => ({ field: f.Key, values: f.Values })),
    );
    keys.sort((a, b) => a.createdAt - b.createdAt || a.keyId.localeCompare(b.keyId));
    const { items, paging } = page(keys, i.PageNumber, i.PageSize);
    return { Keys: { Key: items.map((k) => ({ KeyId: k.keyId, KeyArn: keyArn(k.regionId, k.accountId, k.keyId) })) }, ...paging };
  },
});
