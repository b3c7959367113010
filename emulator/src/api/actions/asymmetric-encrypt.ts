/** AsymmetricEncrypt: OAEP (RSA) or SM2PKE (EC_SM2) with the named key version's public key. */
import { z } from 'zod';
import { defineAction } from '../action';
import { base64, encryptionAlgorithm, nonEmpty } from '../schemas';

export const AsymmetricEncrypt = defineAction({
  name: 'AsymmetricEncrypt',
  input: z.object({ KeyId: nonEmpty, KeyVersionId: nonEmpty, Algorithm: encryptionAlgorithm, Plaintext: base64 }),
  check: (i, { kms, access }) => kms.asymmetric.check(access, i.KeyId, i.KeyVersionId, 'ENCRYPT/DECRYPT', i.Algorithm),
  async handle(i, { kms, access }) {
    const r = await kms.asymmetric.encrypt(access, i.KeyId, i.KeyVersionId, i.Algorithm, i.Plaintext);
    return { CiphertextBlob: r.ciphertext.toString('base64'), KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
