/** UpdateAlias: re-point an existing alias at another key. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const UpdateAlias = defineAction({
  name: 'UpdateAlias',
  input: z.object({ AliasName: nonEmpty, KeyId: nonEmpty }),
  async handle(i, { kms, access }) {
    await kms.aliases.update(access, i.AliasName, i.KeyId);
    return {};
  },
});
