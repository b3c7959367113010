/** DeleteKeyMaterial: forget imported material; the key waits in PendingImport for the same material again. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const DeleteKeyMaterial = defineAction({
  name: 'DeleteKeyMaterial',
  input: z.object({ KeyId: nonEmpty }),
  async handle(i, { kms, access }) {
    await kms.imports.deleteMaterial(access, i.KeyId);
    return {};
  },
});
