/**
 * ListKmsInstances: IDs and ARNs, paged (default 20 a page). The reference leaves `Filters` undocumented; ours take the
 * ListKeys shape (`[{"Key":…,"Values":[…]}]`, AND across keys, OR within values) on the fields below.
 */
import { z } from 'zod';
import { instanceArn } from '../../domain/ids';
import type { Instance } from '../../domain/model';
import type { Kms } from '../../domain/kms';
import { defineAction } from '../action';
import { json, pageNumber, pageSize } from '../schemas';
import { page } from '../views';

const FILTERS = {
  KmsInstanceId: (i: Instance) => i.instanceId,
  Status: (i: Instance, kms: Kms) => kms.instances.status(i),
  ChargeType: (i: Instance) => i.chargeType,
  ProductVersion: (i: Instance) => i.productVersion,
  InstanceKind: (i: Instance) => i.kind,
  VpcId: (i: Instance) => i.connection?.vpcId ?? '',
};

export const ListKmsInstances = defineAction({
  name: 'ListKmsInstances',
  input: z.object({
    PageNumber: pageNumber,
    PageSize: pageSize(100, 20),
    Filters: json(
      z.array(z.object({ Key: z.enum(Object.keys(FILTERS) as [keyof typeof FILTERS]), Values: z.array(z.string()).max(10) })).max(10),
    ).optional(),
  }),
  async handle(i, { kms, scope }) {
    const instances = (await kms.instances.list(scope))
      .filter((x) => (i.Filters ?? []).every((f) => f.Values.includes(FILTERS[f.Key](x, kms))))
      .sort((a, b) => a.createdAt - b.createdAt);
    const { items, paging } = page(instances, i.PageNumber, i.PageSize);
    return {
      KmsInstances: {
        KmsInstance: items.map((x) => ({
          KmsInstanceId: x.instanceId,
          KmsInstanceArn: instanceArn(x.regionId, x.accountId, x.instanceId),
        })),
      },
      ...paging,
    };
  },
});
