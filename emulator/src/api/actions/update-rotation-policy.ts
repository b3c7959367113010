/** UpdateRotationPolicy: switch automatic rotation on (with an interval) or off. */
import { z } from 'zod';
import { defineAction } from '../action';
import { bool, nonEmpty, rotationInterval } from '../schemas';

export const UpdateRotationPolicy = defineAction({
  name: 'UpdateRotationPolicy',
  input: z.object({ KeyId: nonEmpty, EnableAutomaticRotation: bool, RotationInterval: rotationInterval.optional() }),
  async handle(i, { kms, access }) {
    await kms.keys.setRotationPolicy(access, i.KeyId, i.EnableAutomaticRotation, i.RotationInterval);
    return {};
  },
});
