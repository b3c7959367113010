/** DeleteAlias. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const DeleteAlias = defineAction({
  name: 'DeleteAlias',
  input: z.object({ AliasName: nonEmpty }),
  async handle(i, { kms, access }) {
    await kms.aliases.delete(access, i.AliasName);
    return {};
  },
});
