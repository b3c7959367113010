/** AsymmetricVerify: checks a signature over a caller's digest; a wrong signature is `Value: false`, not an error. */
import { z } from 'zod';
import { defineAction } from '../action';
import { base64, nonEmpty, signingAlgorithm } from '../schemas';

export const AsymmetricVerify = defineAction({
  name: 'AsymmetricVerify',
  input: z.object({ KeyId: nonEmpty, KeyVersionId: nonEmpty, Algorithm: signingAlgorithm, Digest: base64, Value: base64 }),
  check: (i, { kms, access }) => kms.asymmetric.check(access, i.KeyId, i.KeyVersionId, 'SIGN/VERIFY', i.Algorithm, i.Digest),
  async handle(i, { kms, access }) {
    const r = await kms.asymmetric.verify(access, i.KeyId, i.KeyVersionId, i.Algorithm, i.Digest, i.Value);
    return { Value: r.valid, KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
