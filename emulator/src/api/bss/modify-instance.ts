/** BSS ModifyInstance (ModifyType=Upgrade): grow Spec, KeyNum, SecretNum, VpcNum, LogStorage or turn Log on. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';
import { capacityParams, ok, parameters, productCode, productType, subscriptionType } from './envelope';

export const ModifyInstance = defineAction({
  name: 'ModifyInstance',
  input: z.object({
    ProductCode: productCode,
    ProductType: productType.optional(),
    SubscriptionType: subscriptionType.optional(),
    InstanceId: nonEmpty,
    ModifyType: z.enum(['Upgrade', 'Downgrade']),
    ClientToken: z.string().optional(),
    Parameter: parameters.default({}),
  }),
  async handle(i, { kms, scope }) {
    const instance = await kms.instances.modify(scope, i.InstanceId, i.ModifyType, capacityParams(i.Parameter));
    return ok({ HostId: instance.instanceId, OrderId: String(kms.clock.now()) });
  },
});
