/** ListKmsInstances: IDs and ARNs, paged (default 20 a page). */
import { z } from 'zod';
import { defineAction } from '../action';
import { instanceArn } from '../../domain/ids';
import { json, pageNumber, pageSize } from '../schemas';
import { page } from '../views';

export const ListKmsInstances = defineAction({
  name: 'ListKmsInstances',
  input: z.object({
    PageNumber: pageNumber,
    PageSize: pageSize(100, 20),
    Filters: json(z.array(z.object({ Key: z.string(), Values: z.array(z.string()) })).max(10)).optional(),
  }),
  async handle(i, { kms, scope }) {
    const instances = (await kms.instances.list(scope)).sort((a, b) => a.createdAt - b.createdAt);
    const { items, paging } = page(instances, i.PageNumber, i.PageSize);
    return { KmsInstances: { KmsInstance: items.map((x) => ({ KmsInstanceId: x.instanceId, KmsInstanceArn: instanceArn(x.regionId, x.accountId, x.instanceId) })) }, ...paging };
  },
});
