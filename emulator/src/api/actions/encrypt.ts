/** Encrypt: up to 6 KiB under the key's primary version, as a self-describing blob (kms-openapi.md §1.3.4). */
import { z } from 'zod';
import { defineAction } from '../action';
import { base64, nonEmpty, stringMap } from '../schemas';

export const Encrypt = defineAction({
  name: 'Encrypt',
  input: z.object({ KeyId: nonEmpty, Plaintext: base64, EncryptionContext: stringMap.optional() }),
  check: (i, { kms, access }) => kms.symmetric.checkEncrypt(access, i.KeyId, i.Plaintext, i.EncryptionContext),
  async handle(i, { kms, access }) {
    const r = await kms.symmetric.encrypt(access, i.KeyId, i.Plaintext, i.EncryptionContext);
    return { CiphertextBlob: r.ciphertextBlob, KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
