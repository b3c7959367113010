/** ImportKeyMaterial: unwrap and install BYOK material; KeyMaterialExpireUnix 0 or absent = never expires. */
import { z } from 'zod';
import { defineAction } from '../action';
import { base64, int, nonEmpty } from '../schemas';

export const ImportKeyMaterial = defineAction({
  name: 'ImportKeyMaterial',
  input: z.object({
    KeyId: nonEmpty,
    EncryptedKeyMaterial: base64,
    ImportToken: nonEmpty,
    KeyMaterialExpireUnix: int(0, 253402300799).default(0),
  }),
  async handle(i, { kms, access }) {
    await kms.imports.importMaterial(access, i.KeyId, i.EncryptedKeyMaterial, i.ImportToken, i.KeyMaterialExpireUnix);
    return {};
  },
});
