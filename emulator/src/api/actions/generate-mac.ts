/**
 * GenerateMac / VerifyMac. HMAC keys exist in KMS 3.0, but their KeySpec names are UNCONFIRMED in the reference
 * (kms-openapi.md §3.2), so no key here is an HMAC key: after the usual key lookup and state checks, both answer
 * Unsupported.KeySpec naming the key's spec. They stay wired so the SDKs get a documented error, not a 404.
 */
import { z } from 'zod';
import { KmsError } from '../../domain/errors';
import type { Mode } from '../../domain/key-material';
import type { ActionContext } from '../action';
import { defineAction } from '../action';
import { base64, nonEmpty } from '../schemas';

const macAlgorithm = z.enum(['HMAC_SM3', 'HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512']);

/** No key spec is an HMAC spec (our documented choice): a usable key is refused for its spec, dry run or not. */
async function refuse(keyId: string, { kms, access }: ActionContext, mode: Mode = 'use'): Promise<never> {
  const key = await kms.keys.resolveFor(access, keyId, 'useMaterial', { mode });
  throw new KmsError('Unsupported.KeySpec', key.keySpec);
}

export const GenerateMac = defineAction({
  name: 'GenerateMac',
  input: z.object({ KeyId: nonEmpty, Algorithm: macAlgorithm, Message: base64 }),
  check: (i, ctx) => refuse(i.KeyId, ctx, 'check'),
  handle: (i, ctx) => refuse(i.KeyId, ctx),
});

export const VerifyMac = defineAction({
  name: 'VerifyMac',
  input: z.object({ KeyId: nonEmpty, Algorithm: macAlgorithm, Message: base64, Mac: base64 }),
  check: (i, ctx) => refuse(i.KeyId, ctx, 'check'),
  handle: (i, ctx) => refuse(i.KeyId, ctx),
});
