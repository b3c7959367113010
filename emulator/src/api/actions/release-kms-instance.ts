/** ReleaseKmsInstance: pay-as-you-go instances only (subscriptions are refunded through BSS). */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty, text } from '../schemas';

export const ReleaseKmsInstance = defineAction({
  name: 'ReleaseKmsInstance',
  input: z.object({ KmsInstanceId: nonEmpty, ForceDeleteWithoutBackup: text.optional() }),
  async handle(i, { kms, scope }) {
    await kms.instances.release(scope, i.KmsInstanceId);
    return {};
  },
});
