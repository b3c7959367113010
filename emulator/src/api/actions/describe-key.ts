/** DescribeKey: a key's metadata, by ID, alias or ARN. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';
import { keyMetadata } from '../views';

export const DescribeKey = defineAction({
  name: 'DescribeKey',
  input: z.object({ KeyId: nonEmpty }),
  async handle(i, { kms, access }) {
    return { KeyMetadata: keyMetadata(await kms.keys.resolve(access, i.KeyId)) };
  },
});
