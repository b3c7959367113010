/** CreateAlias: `alias/…`, unique per account and region; `alias/acs/` is reserved for service keys. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const CreateAlias = defineAction({
  name: 'CreateAlias',
  input: z.object({ AliasName: nonEmpty, KeyId: nonEmpty }),
  async handle(i, { kms, access }) {
    await kms.aliases.create(access, i.AliasName, i.KeyId);
    return {};
  },
});
