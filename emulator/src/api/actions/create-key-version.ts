/** CreateKeyVersion: a new primary version for an Enabled asymmetric key (at most one per 7 days, 50 in all). */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';
import { keyVersionView } from '../views';

export const CreateKeyVersion = defineAction({
  name: 'CreateKeyVersion',
  input: z.object({ KeyId: nonEmpty }),
  async handle(i, { kms, access }) {
    const key = await kms.keys.createVersion(access, i.KeyId);
    return { KeyVersion: keyVersionView(key, kms.keys.primary(key)) };
  },
});
