/** GenerateAndExportDataKey: a data key sealed under the key, and also encrypted to a caller's public key. */
import { z } from 'zod';
import { defineAction } from '../action';
import { dataKeyBytes, dataKeyLength, exportWrapping, nonEmpty, stringMap, toExportWrapping } from '../schemas';

export const GenerateAndExportDataKey = defineAction({
  name: 'GenerateAndExportDataKey',
  input: z.object({ KeyId: nonEmpty, EncryptionContext: stringMap.optional(), ...dataKeyLength, ...exportWrapping }),
  check: (i, { kms, access }) => kms.symmetric.checkGenerateDataKey(access, i.KeyId, i.EncryptionContext, toExportWrapping(i)),
  async handle(i, { kms, access }) {
    const r = await kms.symmetric.generateAndExportDataKey(access, i.KeyId, dataKeyBytes(i), i.EncryptionContext, toExportWrapping(i));
    return {
      CiphertextBlob: r.ciphertextBlob,
      ExportedDataKey: r.exportedDataKey.toString('base64'),
      KeyId: r.keyId,
      KeyVersionId: r.keyVersionId,
    };
  },
});
