/** ExportDataKey: decrypt a sealed data key and encrypt it to a caller's public key. */
import { z } from 'zod';
import { defineAction } from '../action';
import { base64, exportWrapping, stringMap, toExportWrapping } from '../schemas';

export const ExportDataKey = defineAction({
  name: 'ExportDataKey',
  input: z.object({ CiphertextBlob: base64, EncryptionContext: stringMap.optional(), ...exportWrapping }),
  check: (i, { kms, access }) => kms.symmetric.checkDecrypt(access, i.CiphertextBlob, i.EncryptionContext, toExportWrapping(i)),
  async handle(i, { kms, access }) {
    const r = await kms.symmetric.exportDataKey(access, i.CiphertextBlob, i.EncryptionContext, toExportWrapping(i));
    return { ExportedDataKey: r.exportedDataKey.toString('base64'), KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
