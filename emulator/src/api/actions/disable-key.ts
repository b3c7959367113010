/** DisableKey: Disables a key: it keeps its material but refuses every cryptographic use. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const DisableKey = defineAction({
  name: 'DisableKey',
  input: z.object({ KeyId: nonEmpty }),
  async handle(i, { kms, access }) {
    await kms.keys.disable(access, i.KeyId);
    return {};
  },
});
