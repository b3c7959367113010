/** GenerateDataKeyWithoutPlaintext: GenerateDataKey that returns only the sealed data key. */
import { z } from 'zod';
import { defineAction } from '../action';
import { dataKeyBytes, dataKeyLength, nonEmpty, stringMap } from '../schemas';

export const GenerateDataKeyWithoutPlaintext = defineAction({
  name: 'GenerateDataKeyWithoutPlaintext',
  input: z.object({ KeyId: nonEmpty, EncryptionContext: stringMap.optional(), ...dataKeyLength }),
  check: (i, { kms, access }) => kms.symmetric.checkGenerateDataKey(access, i.KeyId, i.EncryptionContext),
  async handle(i, { kms, access }) {
    const r = await kms.symmetric.generateDataKey(access, i.KeyId, dataKeyBytes(i), i.EncryptionContext);
    return { CiphertextBlob: r.ciphertextBlob, KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
