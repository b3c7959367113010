/** GenerateDataKey: a random data key, in plaintext and sealed under the key's primary version. */
import { z } from 'zod';
import { defineAction } from '../action';
import { dataKeyBytes, dataKeyLength, nonEmpty, stringMap } from '../schemas';

export const GenerateDataKey = defineAction({
  name: 'GenerateDataKey',
  input: z.object({ KeyId: nonEmpty, EncryptionContext: stringMap.optional(), ...dataKeyLength }),
  check: (i, { kms, access }) => kms.symmetric.checkGenerateDataKey(access, i.KeyId, i.EncryptionContext),
  async handle(i, { kms, access }) {
    const r = await kms.symmetric.generateDataKey(access, i.KeyId, dataKeyBytes(i), i.EncryptionContext);
    return { CiphertextBlob: r.ciphertextBlob, Plaintext: r.plaintext.toString('base64'), KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
