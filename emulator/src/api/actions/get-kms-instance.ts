/** GetKmsInstance. */
import { z } from 'zod';
import { defineAction } from '../action';
import { instanceView } from '../instance-views';
import { nonEmpty } from '../schemas';

export const GetKmsInstance = defineAction({
  name: 'GetKmsInstance',
  input: z.object({ KmsInstanceId: nonEmpty }),
  async handle(i, { kms, scope }) {
    return { KmsInstance: instanceView(await kms.instances.get(scope, i.KmsInstanceId), kms) };
  },
});
