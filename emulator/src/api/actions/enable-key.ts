/** EnableKey: Enables a key (Disabled -> Enabled). */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const EnableKey = defineAction({
  name: 'EnableKey',
  input: z.object({ KeyId: nonEmpty }),
  async handle(i, { kms, scope }) {
    await kms.keys.enable(scope, i.KeyId);
    return {};
  },
});
