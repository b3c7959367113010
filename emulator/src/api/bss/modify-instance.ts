/** BSS ModifyInstance (ModifyType=Upgrade): grow Spec, KeyNum, SecretNum, VpcNum, LogStorage or turn Log on. */
import { z } from 'zod';
import { KmsError } from '../../domain/errors';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';
import { numberParam, ok, parameters, productCode, productType, subscriptionType } from './envelope';

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
    if (i.ModifyType !== 'Upgrade') throw new KmsError('Rejected.UnsupportedOperation', 'KMS instances can only be upgraded');
    const p = i.Parameter;
    const instance = await kms.instances.upgrade(scope, i.InstanceId, {
      ...defined({
        spec: numberParam(p, 'Spec'),
        keyNum: numberParam(p, 'KeyNum'),
        secretNum: numberParam(p, 'SecretNum'),
        vpcNum: numberParam(p, 'VpcNum'),
        logStorage: numberParam(p, 'LogStorage'),
      }),
      ...(p.Log !== undefined && { log: p.Log === '1' || p.Log === 'true' }),
    });
    return ok({ HostId: instance.instanceId, OrderId: String(kms.clock.now()) });
  },
});

function defined<T extends Record<string, number | undefined>>(o: T): Partial<Record<keyof T, number>> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, number>>;
}
