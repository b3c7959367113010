/** GetKmsInstanceQuotaInfos: quota and usage per resource type (key, secret, qps, vpc). */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

export const GetKmsInstanceQuotaInfos = defineAction({
  name: 'GetKmsInstanceQuotaInfos',
  input: z.object({ KmsInstanceId: nonEmpty, ResourceType: z.enum(['key', 'secret', 'qps', 'vpc']).optional() }),
  async handle(i, { kms, scope }) {
    const instance = await kms.instances.get(scope, i.KmsInstanceId);
    const quotas = (await kms.instances.quota(instance)).filter((q) => !i.ResourceType || q.ResourceType === i.ResourceType);
    return { KmsInstanceId: instance.instanceId, KmsInstanceQuotaInfos: quotas };
  },
});
