/** ScheduleKeyDeletion: PendingDeletion for 7-366 days, then the key is deleted. Refused under deletion protection. */
import { z } from 'zod';
import { LIMITS } from '../../domain/limits';
import { defineAction } from '../action';
import { int, nonEmpty } from '../schemas';

export const ScheduleKeyDeletion = defineAction({
  name: 'ScheduleKeyDeletion',
  input: z.object({ KeyId: nonEmpty, PendingWindowInDays: int(LIMITS.pendingWindowDays.min, LIMITS.pendingWindowDays.max) }),
  async handle(i, { kms, access }) {
    await kms.keys.scheduleDeletion(access, i.KeyId, i.PendingWindowInDays);
    return {};
  },
});
