/**
 * ReEncrypt: decrypt a symmetric blob (or, with SourceKeyId/SourceKeyVersionId/SourceEncryptionAlgorithm, an
 * asymmetric ciphertext) and encrypt the plaintext under DestinationKeyId, without returning it.
 * KeyId/KeyVersionId in the reply name the destination, under which the new blob is sealed.
 */
import { z } from 'zod';
import { missing } from '../../domain/errors';
import { defineAction } from '../action';
import { base64, encryptionAlgorithm, nonEmpty, stringMap } from '../schemas';

export const ReEncrypt = defineAction({
  name: 'ReEncrypt',
  dryRun: true,
  input: z.object({
    CiphertextBlob: base64,
    DestinationKeyId: nonEmpty,
    DestinationEncryptionContext: stringMap.optional(),
    SourceEncryptionContext: stringMap.optional(),
    SourceKeyId: nonEmpty.optional(),
    SourceKeyVersionId: nonEmpty.optional(),
    SourceEncryptionAlgorithm: encryptionAlgorithm.optional(),
  }),
  async handle(i, { kms, scope }) {
    let source: Parameters<typeof kms.symmetric.reEncrypt>[2] = { context: i.SourceEncryptionContext };
    if (i.SourceEncryptionAlgorithm) {
      if (!i.SourceKeyId) throw missing('SourceKeyId');
      if (!i.SourceKeyVersionId) throw missing('SourceKeyVersionId');
      source = { keyId: i.SourceKeyId, keyVersionId: i.SourceKeyVersionId, algorithm: i.SourceEncryptionAlgorithm };
    }
    const r = await kms.symmetric.reEncrypt(scope, i.CiphertextBlob, source, i.DestinationKeyId, i.DestinationEncryptionContext);
    return { CiphertextBlob: r.ciphertextBlob, KeyId: r.keyId, KeyVersionId: r.keyVersionId };
  },
});
