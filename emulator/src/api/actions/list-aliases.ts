/** ListAliases and ListAliasesByKeyId: the same page of aliases, all of them or one key's. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty, pageNumber, pageSize } from '../schemas';
import type { Alias } from '../../domain/model';
import type { Page } from '../../domain/ports/store';
import { aliasView } from '../views';

const reply = ({ items, total }: Page<Alias>, pageNumber: number, size: number) => ({
  Aliases: { Alias: items.map(aliasView) },
  TotalCount: total,
  PageNumber: pageNumber,
  PageSize: size,
});
const offset = (i: { PageNumber: number; PageSize: number }) => (i.PageNumber - 1) * i.PageSize;

export const ListAliases = defineAction({
  name: 'ListAliases',
  input: z.object({ PageNumber: pageNumber, PageSize: pageSize() }),
  async handle(i, { kms, scope }) {
    return reply(await kms.aliases.page(scope, undefined, offset(i), i.PageSize), i.PageNumber, i.PageSize);
  },
});

export const ListAliasesByKeyId = defineAction({
  name: 'ListAliasesByKeyId',
  input: z.object({ KeyId: nonEmpty, PageNumber: pageNumber, PageSize: pageSize() }),
  async handle(i, { kms, scope, access }) {
    const key = await kms.keys.resolve(access, i.KeyId);
    return reply(await kms.aliases.page(scope, key, offset(i), i.PageSize), i.PageNumber, i.PageSize);
  },
});
