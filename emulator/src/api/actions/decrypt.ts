/** Decrypt: the blob names its key and version, so no KeyId is needed; EncryptionContext must match. */
import { z } from 'zod';
import { defineAction } from '../action';
import { base64, stringMap } from '../schemas';

export const Decrypt = defineAction({
  name: 'Decrypt',
  input: z.object({ CiphertextBlob: base64, EncryptionContext: stringMap.optional() }),
  check: (i, { kms, access }) => kms.symmetric.checkDecrypt(access, i.CiphertextBlob, i.EncryptionContext),
  async handle(i, { kms, access }) {
    const r = await kms.symmetric.decrypt(access, i.CiphertextBlob, i.EncryptionContext);
    return { Plaintext: r.plaintext.toString('base64'), KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
