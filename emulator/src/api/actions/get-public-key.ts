/** GetPublicKey: the version's SubjectPublicKeyInfo as PEM. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const GetPublicKey = defineAction({
  name: 'GetPublicKey',
  input: z.object({ KeyId: nonEmpty, KeyVersionId: nonEmpty }),
  check: (i, { kms, access }) => kms.asymmetric.check(access, i.KeyId, i.KeyVersionId),
  async handle(i, { kms, access }) {
    const r = await kms.asymmetric.publicKey(access, i.KeyId, i.KeyVersionId);
    return { PublicKey: r.pem, KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
