/** AsymmetricDecrypt: any standard OAEP / SM2PKE ciphertext made with the version's public key. */
import { z } from 'zod';
import { defineAction } from '../action';
import { base64, encryptionAlgorithm, nonEmpty } from '../schemas';

export const AsymmetricDecrypt = defineAction({
  name: 'AsymmetricDecrypt',
  input: z.object({ KeyId: nonEmpty, KeyVersionId: nonEmpty, Algorithm: encryptionAlgorithm, CiphertextBlob: base64 }),
  check: (i, { kms, access }) => kms.asymmetric.check(access, i.KeyId, i.KeyVersionId, 'ENCRYPT/DECRYPT', i.Algorithm),
  async handle(i, { kms, access }) {
    const r = await kms.asymmetric.decrypt(access, i.KeyId, i.KeyVersionId, i.Algorithm, i.CiphertextBlob);
    return { Plaintext: r.plaintext.toString('base64'), KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
