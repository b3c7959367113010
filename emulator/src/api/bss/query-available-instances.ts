/** BSS QueryAvailableInstances: the billing view of KMS instances (renewal settings live here, not in GetKmsInstance). */
import { z } from 'zod';
import { isoDate } from '../../domain/clock';
import { defineAction } from '../action';
import { int } from '../schemas';
import { ok, productCode, productType, subscriptionType } from './envelope';

export const QueryAvailableInstances = defineAction({
  name: 'QueryAvailableInstances',
  input: z.object({
    ProductCode: productCode.optional(),
    ProductType: productType.optional(),
    SubscriptionType: subscriptionType.optional(),
    InstanceIDs: z.string().optional(),
    Region: z.string().optional(),
    PageNum: int(1, 1_000_000).default(1),
    PageSize: int(1, 300).default(20),
  }),
  async handle(i, { kms, scope }) {
    const ids = i.InstanceIDs?.split(',').map((s) => s.trim());
    const all = (await kms.instances.list(i.Region ? { ...scope, regionId: i.Region } : scope))
      .filter((x) => !ids || ids.includes(x.instanceId))
      .filter((x) => !i.SubscriptionType || (x.chargeType === 'PREPAY') === (i.SubscriptionType === 'Subscription'))
      .sort((a, b) => a.createdAt - b.createdAt);
    const list = all.slice((i.PageNum - 1) * i.PageSize, i.PageNum * i.PageSize).map((x) => ({
      InstanceID: x.instanceId,
      ProductCode: 'kms',
      ProductType: x.productType,
      Region: x.regionId,
      Status: 'Normal',
      SubStatus: 'Normal',
      SubscriptionType: x.chargeType === 'PREPAY' ? 'Subscription' : 'PayAsYouGo',
      RenewStatus: x.renewal.status,
      RenewalDuration: x.renewal.period,
      RenewalDurationUnit: x.renewal.unit,
      CreateTime: isoDate(x.createdAt),
      EndTime: x.endsAt !== undefined ? isoDate(x.endsAt) : '',
      OwnerId: Number(x.accountId),
    }));
    return ok({ InstanceList: list, PageNum: i.PageNum, PageSize: i.PageSize, TotalCount: all.length });
  },
});
