/** AsymmetricDecrypt: any standard OAEP / SM2PKE ciphertext made with the version's public key. */
import { z } from 'zod';
import { defineAction } from '../action';
import { base64, encryptionAlgorithm, nonEmpty } from '../schemas';

export const AsymmetricDecrypt = defineAction({
  name: 'AsymmetricDecrypt',
  dryRun: true,
  input: z.object({ KeyId: nonEmpty, KeyVersionId: nonEmpty, Algorithm: encryptionAlgorithm, CiphertextBlob: base64 }),
  async handle(i, { kms, scope }) {
    const r = await kms.asymmetric.decrypt(scope, i.KeyId, i.KeyVersionId, i.Algorithm, i.CiphertextBlob);
    return { Plaintext: r.plaintext.toString('base64'), KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
