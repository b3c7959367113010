/**
 * GetKeyPolicy / SetKeyPolicy. A key's policy is evaluated on every call that names the key (domain/authorization.ts);
 * a key created without one has the default policy (its account, `kms:*`). The only policy name is `default`.
 */
import { z } from 'zod';
import { defaultKeyPolicy } from '../../domain/policy';
import { defineAction } from '../action';
import { keyPolicy, nonEmpty } from '../schemas';

const policyName = z.literal('default').default('default');

export const GetKeyPolicy = defineAction({
  name: 'GetKeyPolicy',
  input: z.object({ KeyId: nonEmpty, PolicyName: policyName }),
  async handle(i, { kms, access }) {
    const key = await kms.keys.resolve(access, i.KeyId);
    return { Policy: key.policy ?? defaultKeyPolicy(key.accountId) };
  },
});

export const SetKeyPolicy = defineAction({
  name: 'SetKeyPolicy',
  input: z.object({
    KeyId: nonEmpty,
    PolicyName: policyName,
    Policy: keyPolicy,
  }),
  async handle(i, { kms, access }) {
    await kms.keys.setPolicy(access, i.KeyId, i.Policy);
    return {};
  },
});
