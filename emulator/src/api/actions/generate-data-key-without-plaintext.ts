/** GenerateDataKeyWithoutPlaintext: GenerateDataKey that returns only the sealed data key. */
import { z } from 'zod';
import { defineAction } from '../action';
import { dataKeyBytes, dataKeyLength, nonEmpty, stringMap } from '../schemas';

export const GenerateDataKeyWithoutPlaintext = defineAction({
  name: 'GenerateDataKeyWithoutPlaintext',
  input: z.object({ KeyId: nonEmpty, EncryptionContext: stringMap.optional(), ...dataKeyLength }),
  check: (i, { kms, scope }) => kms.symmetric.checkGenerateDataKey(scope, i.KeyId),
  async handle(i, { kms, scope }) {
    const r = await kms.symmetric.generateDataKey(scope, i.KeyId, dataKeyBytes(i), i.EncryptionContext);
    return { CiphertextBlob: r.ciphertextBlob, KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
