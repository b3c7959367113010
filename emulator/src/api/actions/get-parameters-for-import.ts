/** GetParametersForImport: a fresh wrapping public key (base64 DER) and a token valid for 24 hours (§3.7). */
import { z } from 'zod';
import { isoDate } from '../../domain/clock';
import { IMPORT_WRAPPING } from '../../domain/import';
import { WRAPPING_KEY_SPECS } from '../../domain/specs';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const GetParametersForImport = defineAction({
  name: 'GetParametersForImport',
  input: z.object({
    KeyId: nonEmpty,
    WrappingKeySpec: z.enum(WRAPPING_KEY_SPECS),
    WrappingAlgorithm: z.enum([...new Set(Object.values(IMPORT_WRAPPING).flat())]),
  }),
  async handle(i, { kms, access }) {
    const r = await kms.imports.parameters(access, i.KeyId, i.WrappingKeySpec, i.WrappingAlgorithm);
    return { KeyId: r.keyId, ImportToken: r.importToken, PublicKey: r.publicKey.toString('base64'), TokenExpireTime: isoDate(r.expiresAt) };
  },
});
