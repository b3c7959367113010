/** UpdateKeyDescription. An empty Description arrives as an absent one; it clears the description. */
import { z } from 'zod';
import { LIMITS } from '../../domain/limits';
import { defineAction } from '../action';
import { nonEmpty, text } from '../schemas';

export const UpdateKeyDescription = defineAction({
  name: 'UpdateKeyDescription',
  input: z.object({ KeyId: nonEmpty, Description: text.max(LIMITS.descriptionMaxLength).default('') }),
  async handle(i, { kms, access }) {
    await kms.keys.updateDescription(access, i.KeyId, i.Description);
    return {};
  },
});
