/** ListAliases and ListAliasesByKeyId: the same page of aliases, all of them or one key's. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty, pageNumber, pageSize } from '../schemas';
import { aliasView, page } from '../views';
import type { Alias } from '../../domain/model';

const reply = (aliases: Alias[], pageNumber: number, size: number) => {
  const { items, paging } = page(aliases, pageNumber, size);
  return { Aliases: { Alias: items.map(aliasView) }, ...paging };
};

export const ListAliases = defineAction({
  name: 'ListAliases',
  input: z.object({ PageNumber: pageNumber, PageSize: pageSize() }),
  async handle(i, { kms, scope }) {
    return reply(await kms.aliases.list(scope), i.PageNumber, i.PageSize);
  },
});

export const ListAliasesByKeyId = defineAction({
  name: 'ListAliasesByKeyId',
  input: z.object({ KeyId: nonEmpty, PageNumber: pageNumber, PageSize: pageSize() }),
  async handle(i, { kms, scope }) {
    const key = await kms.keys.resolve(scope, i.KeyId);
    return reply(await kms.aliases.listForKey(scope, key), i.PageNumber, i.PageSize);
  },
});
