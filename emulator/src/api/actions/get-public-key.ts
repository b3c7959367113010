/** GetPublicKey: the version's SubjectPublicKeyInfo as PEM. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const GetPublicKey = defineAction({
  name: 'GetPublicKey',
  dryRun: true,
  input: z.object({ KeyId: nonEmpty, KeyVersionId: nonEmpty }),
  async handle(i, { kms, scope }) {
    const r = await kms.asymmetric.publicKey(scope, i.KeyId, i.KeyVersionId);
    return { PublicKey: r.pem, KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
