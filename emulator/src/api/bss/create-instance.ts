/**
 * BSS CreateInstance for ProductCode=kms: buys a KMS instance. Parameter.N carries Spec, KeyNum, SecretNum, VpcNum,
 * ProductVersion, Log and LogStorage (what terraform-provider-alicloud sends); ClientToken makes a retry idempotent.
 */
import { z } from 'zod';
import { defineAction } from '../action';
import { int, nonEmpty } from '../schemas';
import { capacityParams, ok, parameters, productCode, productType, subscriptionType } from './envelope';

export const CreateInstance = defineAction({
  name: 'CreateInstance',
  input: z.object({
    ProductCode: productCode,
    ProductType: productType.optional(),
    SubscriptionType: subscriptionType.optional(),
    Period: int(0, 60).optional(),
    RenewalStatus: z.enum(['AutoRenewal', 'ManualRenewal', 'NotRenewal']).optional(),
    RenewPeriod: int(0, 36).optional(),
    ClientToken: nonEmpty.max(64).optional(),
    Parameter: parameters.default({}),
  }),
  async handle(i, { kms, scope }) {
    const p = i.Parameter;
    const instance = await kms.instances.purchase(scope, {
      productVersion: p.ProductVersion,
      productType: i.ProductType,
      subscriptionType: i.SubscriptionType,
      periodMonths: i.Period,
      renewal:
        i.RenewalStatus || i.RenewPeriod !== undefined ? { status: i.RenewalStatus ?? 'ManualRenewal', period: i.RenewPeriod } : undefined,
      clientToken: i.ClientToken,
      region: p.Region,
      capacity: capacityParams(p),
    });
    return ok({ InstanceId: instance.instanceId, OrderId: String(instance.createdAt) });
  },
});
