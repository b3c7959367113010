/**
 * BSS CreateInstance for ProductCode=kms: buys a KMS instance. Parameter.N carries Spec, KeyNum, SecretNum, VpcNum,
 * ProductVersion, Log and LogStorage (what terraform-provider-alicloud sends); ClientToken makes a retry idempotent.
 */
import { z } from 'zod';
import { KmsError, invalid } from '../../domain/errors';
import { defineAction } from '../action';
import { int, nonEmpty } from '../schemas';
import { numberParam, ok, parameters, productCode, productType, subscriptionType } from './envelope';

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
    const chargeType = i.SubscriptionType === 'PayAsYouGo' || i.ProductType?.startsWith('kms_ppi') ? 'POSTPAY' : 'PREPAY';
    const capacity = {
      spec: numberParam(p, 'Spec') ?? 1000,
      keyNum: numberParam(p, 'KeyNum') ?? 1000,
      secretNum: numberParam(p, 'SecretNum') ?? 0,
      vpcNum: numberParam(p, 'VpcNum') ?? 1,
      logStorage: numberParam(p, 'LogStorage') ?? 0,
      log: p.Log === '1' || p.Log === 'true',
    };
    if (p.Region && p.Region !== scope.regionId) throw invalid('Parameter.Region');
    if (!p.ProductVersion) throw new KmsError('MissingParameter', 'Parameter.ProductVersion');
    const instance = await kms.instances.purchase(scope, {
      ...capacity,
      productVersion: p.ProductVersion,
      productType: i.ProductType ?? (chargeType === 'PREPAY' ? 'kms_ddi_public_cn' : 'kms_ppi_public_cn'),
      chargeType,
      periodMonths: i.Period,
      renewal: i.RenewalStatus ? { status: i.RenewalStatus, period: i.RenewPeriod ?? 1, unit: 'M' } : undefined,
      clientToken: i.ClientToken,
    });
    return ok({ InstanceId: instance.instanceId, OrderId: String(instance.createdAt) });
  },
});
