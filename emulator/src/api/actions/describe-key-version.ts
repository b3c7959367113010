/** DescribeKeyVersion. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';
import { keyVersionView } from '../views';

export const DescribeKeyVersion = defineAction({
  name: 'DescribeKeyVersion',
  input: z.object({ KeyId: nonEmpty, KeyVersionId: nonEmpty }),
  async handle(i, { kms, access }) {
    const key = await kms.keys.resolve(access, i.KeyId);
    return { KeyVersion: keyVersionView(key, kms.keys.version(key, i.KeyVersionId)) };
  },
});
