/**
 * SetDeletionProtection: for a key named by ProtectedResourceArn (documented) or KeyId (newer models), or for a KMS
 * instance named by KmsInstanceId.
 */
import { z } from 'zod';
import { missing } from '../../domain/errors';
import { authorizeAccount } from '../../domain/authorization';
import { defineAction } from '../action';
import { bool, nonEmpty, text } from '../schemas';

export const SetDeletionProtection = defineAction({
  name: 'SetDeletionProtection',
  input: z.object({
    EnableDeletionProtection: bool,
    DeletionProtectionDescription: text.max(1024).optional(),
    ProtectedResourceArn: nonEmpty.optional(),
    KeyId: nonEmpty.optional(),
    KmsInstanceId: nonEmpty.optional(),
  }),
  async handle(i, { kms, scope, access }) {
    if (i.KmsInstanceId) {
      authorizeAccount(access, 'instance'); // an instance has no policy of its own: identity policies decide
      const description = i.DeletionProtectionDescription ?? '';
      await kms.instances.update(scope, i.KmsInstanceId, ({ deletionProtection: _, ...instance }) =>
        i.EnableDeletionProtection ? { ...instance, deletionProtection: { description } } : instance,
      );
      return {};
    }
    const ref = i.ProtectedResourceArn ?? i.KeyId;
    if (!ref) throw missing('ProtectedResourceArn');
    await kms.keys.setDeletionProtection(access, ref, i.EnableDeletionProtection, i.DeletionProtectionDescription);
    return {};
  },
});
