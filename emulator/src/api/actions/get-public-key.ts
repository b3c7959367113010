/** GetPublicKey: the version's SubjectPublicKeyInfo as PEM. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const GetPublicKey = defineAction({
  name: 'GetPublicKey',
  input: z.object({ KeyId: nonEmpty, KeyVersionId: nonEmpty }),
  check: (i, { kms, scope }) => kms.asymmetric.check(scope, i.KeyId, i.KeyVersionId),
  async handle(i, { kms, scope }) {
    const r = await kms.asymmetric.publicKey(scope, i.KeyId, i.KeyVersionId);
    return { PublicKey: r.pem, KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
