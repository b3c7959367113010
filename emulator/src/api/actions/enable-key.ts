/** EnableKey: Enables a key (Disabled -> Enabled). */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const EnableKey = defineAction({
  name: 'EnableKey',
  input: z.object({ KeyId: nonEmpty }),
  async handle(i, { kms, access }) {
    await kms.keys.enable(access, i.KeyId);
    return {};
  },
});
