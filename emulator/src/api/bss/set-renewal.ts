/** BSS SetRenewal: auto/manual/no renewal of subscription instances. */
import { z } from 'zod';
import { KmsError } from '../../domain/errors';
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
    RenewalPeriod: int(1, 36).optional(),
    RenewalPeriodUnit: z.enum(['M', 'Y']).default('M'),
  }),
  async handle(i, { kms, scope }) {
    for (const id of i.InstanceIDs.split(',').map((s) => s.trim())) {
      await kms.instances.update(scope, id, (x) => {
        if (x.chargeType !== 'PREPAY') throw new KmsError('Rejected.UnsupportedOperation', 'pay-as-you-go instances are not renewed');
        return { ...x, renewal: { status: i.RenewalStatus, period: i.RenewalPeriod ?? x.renewal.period, unit: i.RenewalPeriodUnit } };
      });
    }
    return ok();
  },
});
