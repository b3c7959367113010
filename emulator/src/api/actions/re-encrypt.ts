/**
 * ReEncrypt: decrypt a symmetric blob (or, with SourceKeyId/SourceKeyVersionId/SourceEncryptionAlgorithm, an
 * asymmetric ciphertext) and encrypt the plaintext under DestinationKeyId, without returning it.
 * KeyId/KeyVersionId in the reply name the destination, under which the new blob is sealed.
 */
import { z } from 'zod';
import { missing } from '../../domain/errors';
import type { EncryptionAlgorithm } from '../../domain/specs';
import type { ReEncryptSource } from '../../domain/symmetric';
import { defineAction } from '../action';
import { base64, encryptionAlgorithm, nonEmpty, stringMap } from '../schemas';

export const ReEncrypt = defineAction({
  name: 'ReEncrypt',
  input: z.object({
    CiphertextBlob: base64,
    DestinationKeyId: nonEmpty,
    DestinationEncryptionContext: stringMap.optional(),
    SourceEncryptionContext: stringMap.optional(),
    SourceKeyId: nonEmpty.optional(),
    SourceKeyVersionId: nonEmpty.optional(),
    SourceEncryptionAlgorithm: encryptionAlgorithm.optional(),
  }),
  check: (i, { kms, access }) =>
    kms.symmetric.checkReEncrypt(access, i.CiphertextBlob, sourceOf(i), i.DestinationKeyId, i.DestinationEncryptionContext),
  async handle(i, { kms, access }) {
    const r = await kms.symmetric.reEncrypt(access, i.CiphertextBlob, sourceOf(i), i.DestinationKeyId, i.DestinationEncryptionContext);
    return { CiphertextBlob: r.ciphertextBlob, KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});

/** A symmetric blob (with its context), or with SourceEncryptionAlgorithm an asymmetric ciphertext of a named version. */
function sourceOf(i: {
  SourceEncryptionContext?: Record<string, string>;
  SourceKeyId?: string;
  SourceKeyVersionId?: string;
  SourceEncryptionAlgorithm?: EncryptionAlgorithm;
}): ReEncryptSource {
  if (!i.SourceEncryptionAlgorithm) return { context: i.SourceEncryptionContext };
  if (!i.SourceKeyId) throw missing('SourceKeyId');
  if (!i.SourceKeyVersionId) throw missing('SourceKeyVersionId');
  return { keyId: i.SourceKeyId, keyVersionId: i.SourceKeyVersionId, algorithm: i.SourceEncryptionAlgorithm };
}
