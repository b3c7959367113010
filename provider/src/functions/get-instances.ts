/**
 * alikms:index:getInstances — KMS instances of the region (ListKmsInstances, then GetKmsInstance each), filtered here
 * rather than by ListKmsInstances' Filters, whose fields the API reference leaves undocumented.
 */
import { isNotFound } from '../client';
import { PaymentType, ProductVersion } from '../enums';
import { allPages, list, str, strings, type FunctionDefinition } from './function';

export const getInstances: FunctionDefinition = {
  token: 'alikms:index:getInstances',
  description: 'KMS instances of the provider region, optionally only some IDs, one product version, payment type or VPC.',
  inputs: {
    ids: strings('Only these instance IDs.', 'optional'),
    productVersion: {
      type: 'string',
      enumType: ProductVersion,
      input: 'optional',
      description: 'Only software (`3`) or hardware (`5`) instances.',
    },
    paymentType: { type: 'string', enumType: PaymentType, input: 'optional', description: 'Only Subscription or PayAsYouGo instances.' },
    vpcId: str('Only instances connected to this VPC.', 'optional'),
  },
  outputs: {
    ids: { ...strings('IDs of the instances found, oldest first.'), alwaysOutput: true },
    instances: list('alikms:index:GetInstancesInstance', 'The instances found, oldest first.'),
  },
  async invoke(client, args) {
    const rows = await allPages<{ KmsInstanceId: string; KmsInstanceArn: string }>(
      client,
      'ListKmsInstances',
      {},
      (p) => p.KmsInstances?.KmsInstance,
    );
    const ids = args.ids as string[] | undefined;
    const instances = [];
    for (const row of rows) {
      if (ids && !ids.includes(row.KmsInstanceId)) continue;
      let i: Record<string, any>;
      try {
        i = (await client.call<{ KmsInstance: Record<string, any> }>('GetKmsInstance', { KmsInstanceId: row.KmsInstanceId })).KmsInstance;
      } catch (e) {
        if (isNotFound(e)) continue; // released between the two calls
        throw e;
      }
      const view = {
        instanceId: row.KmsInstanceId,
        instanceArn: row.KmsInstanceArn,
        instanceName: i.InstanceName || undefined,
        productVersion: String(i.ProductVersion),
        paymentType: i.ChargeType === 'POSTPAY' ? 'PayAsYouGo' : 'Subscription',
        status: i.Status,
        vpcId: i.VpcId || undefined,
        zoneIds: i.ZoneIds ?? [],
        vswitchIds: i.VswitchIds ?? [],
        spec: i.Spec,
        keyNum: i.KeyNum,
        createTime: i.CreateTime || undefined,
        endDate: i.EndDate || undefined,
      };
      if (args.productVersion !== undefined && view.productVersion !== args.productVersion) continue;
      if (args.paymentType !== undefined && view.paymentType !== args.paymentType) continue;
      if (args.vpcId !== undefined && view.vpcId !== args.vpcId) continue;
      instances.push(view);
    }
    return { ids: instances.map((i) => i.instanceId), instances };
  },
};

export const GET_INSTANCES_TYPES = {
  'alikms:index:GetInstancesInstance': {
    type: 'object',
    description: 'A KMS instance, as GetKmsInstance shows it.',
    properties: {
      instanceId: { type: 'string', description: 'Instance ID (`kst-…`).' },
      instanceArn: { type: 'string', description: 'Instance ARN.' },
      instanceName: { type: 'string', description: 'Instance name.' },
      productVersion: { $ref: `#/types/${ProductVersion.token}`, description: 'Software (`3`) or hardware (`5`).' },
      paymentType: { $ref: `#/types/${PaymentType.token}`, description: 'Billing.' },
      status: { type: 'string', description: 'Uninitialized, Connecting, Connected, Disconnected or Error.' },
      vpcId: { type: 'string', description: 'The VPC it is connected to.' },
      zoneIds: { type: 'array', items: { type: 'string' }, description: 'Its zones.' },
      vswitchIds: { type: 'array', items: { type: 'string' }, description: 'Its vSwitches.' },
      spec: { type: 'integer', description: 'Computing performance.' },
      keyNum: { type: 'integer', description: 'Key quota.' },
      createTime: { type: 'string', description: 'When it was bought.' },
      endDate: { type: 'string', description: 'When a subscription ends.' },
    },
    required: ['instanceId', 'instanceArn', 'productVersion', 'paymentType', 'status', 'zoneIds', 'vswitchIds'],
  },
};
