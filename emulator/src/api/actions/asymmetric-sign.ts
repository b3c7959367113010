/** AsymmetricSign: signs a caller's 32-byte digest (SHA-256, or SM3(Z‖M) for SM2DSA), never the message. */
import { z } from 'zod';
import { defineAction } from '../action';
import { base64, nonEmpty, signingAlgorithm } from '../schemas';

export const AsymmetricSign = defineAction({
  name: 'AsymmetricSign',
  input: z.object({ KeyId: nonEmpty, KeyVersionId: nonEmpty, Algorithm: signingAlgorithm, Digest: base64 }),
  check: (i, { kms, access }) => kms.asymmetric.check(access, i.KeyId, i.KeyVersionId, 'SIGN/VERIFY', i.Algorithm, i.Digest),
  async handle(i, { kms, access }) {
    const r = await kms.asymmetric.sign(access, i.KeyId, i.KeyVersionId, i.Algorithm, i.Digest);
    return { Value: r.signature.toString('base64'), KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
