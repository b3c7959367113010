/** SetDeletionProtection: names the key by ProtectedResourceArn (documented) or KeyId (newer models). */
import { z } from 'zod';
import { missing } from '../../domain/errors';
import { defineAction } from '../action';
import { bool, nonEmpty, text } from '../schemas';

export const SetDeletionProtection = defineAction({
  name: 'SetDeletionProtection',
  input: z.object({
    EnableDeletionProtection: bool,
    DeletionProtectionDescription: text.max(1024).optional(),
    ProtectedResourceArn: nonEmpty.optional(),
    KeyId: nonEmpty.optional(),
  }),
  async handle(i, { kms, scope }) {
    const ref = i.ProtectedResourceArn ?? i.KeyId;
    if (!ref) throw missing('ProtectedResourceArn');
    await kms.keys.setDeletionProtection(scope, ref, i.EnableDeletionProtection, i.DeletionProtectionDescription);
    return {};
  },
});
