/**
 * UpdateKmsInstance: terraform-provider-alicloud renames an instance with it (KmsInstanceId, InstanceName in a POST
 * body). The reference does not document the action; the fields are what the provider sends (our documented choice).
 */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const UpdateKmsInstance = defineAction({
  name: 'UpdateKmsInstance',
  input: z.object({ KmsInstanceId: nonEmpty, InstanceName: nonEmpty.max(128) }),
  async handle(i, { kms, scope }) {
    await kms.instances.rename(scope, i.KmsInstanceId, i.InstanceName);
    return {};
  },
});
