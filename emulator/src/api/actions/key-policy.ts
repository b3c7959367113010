/**
 * GetKeyPolicy / SetKeyPolicy. The emulator stores the policy document (a JSON object, ≤ 32 KiB) but does not
 * evaluate it: every signed request of the owning account is allowed. The only policy name is `default`.
 */
import { z } from 'zod';
import { defineAction } from '../action';
import { keyPolicy, nonEmpty } from '../schemas';

const policyName = z.literal('default').default('default');
const DEFAULT_POLICY = JSON.stringify({ Version: '1', Statement: [] });

export const GetKeyPolicy = defineAction({
  name: 'GetKeyPolicy',
  input: z.object({ KeyId: nonEmpty, PolicyName: policyName }),
  async handle(i, { kms, scope }) {
    const key = await kms.keys.resolve(scope, i.KeyId);
    return { Policy: key.policy ?? DEFAULT_POLICY };
  },
});

export const SetKeyPolicy = defineAction({
  name: 'SetKeyPolicy',
  input: z.object({
    KeyId: nonEmpty,
    PolicyName: policyName,
    Policy: keyPolicy,
  }),
  async handle(i, { kms, scope }) {
    await kms.keys.setPolicy(scope, i.KeyId, i.Policy);
    return {};
  },
});
