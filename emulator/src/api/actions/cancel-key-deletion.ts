/** CancelKeyDeletion: Cancels a scheduled deletion; the key returns to Enabled. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const CancelKeyDeletion = defineAction({
  name: 'CancelKeyDeletion',
  input: z.object({ KeyId: nonEmpty }),
  async handle(i, { kms, access }) {
    await kms.keys.cancelDeletion(access, i.KeyId);
    return {};
  },
});
