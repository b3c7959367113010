/** BSS RefundInstance: ends a subscription instance (ImmediatelyRelease=1 is what the providers send). */
import { z } from 'zod';
import { KmsError } from '../../domain/errors';
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
    const exists = (await kms.instances.list(scope)).some((x) => x.instanceId === i.InstanceId);
    if (!exists) throw new KmsError('ResourceNotExists');
    await kms.instances.remove(scope, i.InstanceId, 'refund', (k) =>
      kms.lifecycle.purge(k.keyId, (now) => now.keyState === 'PendingDeletion'),
    );
    return ok({ HostId: i.InstanceId, OrderId: String(kms.clock.now()) });
  },
});
