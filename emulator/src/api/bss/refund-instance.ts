/** BSS RefundInstance: ends a subscription instance (ImmediatelyRelease=1 is what the providers send). */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';
import { ok, productCode, productType } from './envelope';

export const RefundInstance = defineAction({
  name: 'RefundInstance',
  input: z.object({
    InstanceId: nonEmpty,
    ImmediatelyRelease: z.string().optional(),
    ProductCode: productCode.optional(),
    ProductType: productType.optional(),
    ClientToken: z.string().optional(),
  }),
  async handle(i, { kms, scope }) {
    await kms.instances.refund(scope, i.InstanceId);
    return ok({ HostId: i.InstanceId, OrderId: String(kms.clock.now()) });
  },
});
