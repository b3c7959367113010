/** GetParametersForImport: a fresh wrapping public key (base64 DER) and a token valid for 24 hours (§3.7). */
import { z } from 'zod';
import { isoDate } from '../../domain/clock';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const GetParametersForImport = defineAction({
  name: 'GetParametersForImport',
  input: z.object({
    KeyId: nonEmpty,
    WrappingKeySpec: z.enum(['RSA_2048', 'EC_SM2']),
    WrappingAlgorithm: z.enum(['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5', 'SM2PKE']),
  }),
  async handle(i, { kms, scope }) {
    const r = await kms.imports.parameters(scope, i.KeyId, i.WrappingKeySpec, i.WrappingAlgorithm);
    return { KeyId: r.keyId, ImportToken: r.importToken, PublicKey: r.publicKey.toString('base64'), TokenExpireTime: isoDate(r.expiresAt) };
  },
});
