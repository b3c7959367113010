/** BSS SetRenewal: auto/manual/no renewal of subscription instances. */
import { z } from 'zod';
import { defineAction } from '../action';
import { int, nonEmpty } from '../schemas';
import { ok, productCode, productType, subscriptionType } from './envelope';

export const SetRenewal = defineAction({
  name: 'SetRenewal',
  input: z.object({
    InstanceIDs: nonEmpty,
    ProductCode: productCode,
    ProductType: productType.optional(),
    SubscriptionType: subscriptionType.optional(),
    RenewalStatus: z.enum(['AutoRenewal', 'ManualRenewal', 'NotRenewal']),
    RenewalPeriod: int(0, 36).optional(),
    RenewalPeriodUnit: z.enum(['M', 'Y']).default('M'),
  }),
  async handle(i, { kms, scope }) {
    const ids = i.InstanceIDs.split(',').map((s) => s.trim());
    await kms.instances.setRenewal(scope, ids, i.RenewalStatus, i.RenewalPeriod, i.RenewalPeriodUnit);
    return ok();
  },
});
