/** CreateKey: a new key with one primary version (kms-openapi.md §1.3.1). */
import { z } from 'zod';
import { LIMITS } from '../../domain/limits';
import { KEY_STORAGE_MECHANISMS, ORIGINS } from '../../domain/specs';
import { defineAction } from '../action';
import { bool, keyPolicy, keySpec, keyUsage, nonEmpty, protectionLevel, rotationInterval, tagList, text } from '../schemas';
import { keyMetadata } from '../views';

export const CreateKey = defineAction({
  name: 'CreateKey',
  input: z.object({
    KeySpec: keySpec.optional(),
    KeyUsage: keyUsage.optional(),
    Origin: z.enum(ORIGINS).optional(),
    ProtectionLevel: protectionLevel.optional(),
    Description: text.max(LIMITS.descriptionMaxLength).optional(),
    DKMSInstanceId: nonEmpty.optional(),
    KeyStorageMechanism: z.enum(KEY_STORAGE_MECHANISMS).optional(),
    EnableAutomaticRotation: bool.optional(),
    RotationInterval: rotationInterval.optional(),
    Policy: keyPolicy.optional(),
    Tags: tagList.optional(),
  }),
  async handle(i, { kms, access }) {
    const key = await kms.keys.create(access, {
      keySpec: i.KeySpec,
      keyUsage: i.KeyUsage,
      origin: i.Origin,
      protectionLevel: i.ProtectionLevel,
      description: i.Description,
      dkmsInstanceId: i.DKMSInstanceId,
      keyStorageMechanism: i.KeyStorageMechanism,
      enableAutomaticRotation: i.EnableAutomaticRotation,
      rotationIntervalSeconds: i.RotationInterval,
      policy: i.Policy,
      tags: i.Tags,
    });
    return { KeyMetadata: keyMetadata(key) };
  },
});
