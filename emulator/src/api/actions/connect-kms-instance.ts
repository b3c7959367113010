/** ConnectKmsInstance: attach a bought instance to a VPC in two zones; it reads Connecting, then Connected. */
import { z } from 'zod';
import { defineAction } from '../action';
import { nonEmpty } from '../schemas';

const commaList = (min: number, max: number) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string()).min(min).max(max));

export const ConnectKmsInstance = defineAction({
  name: 'ConnectKmsInstance',
  input: z.object({
    KmsInstanceId: nonEmpty,
    KMProvider: z.literal('Aliyun'),
    VpcId: z.string().regex(/^vpc-/),
    ZoneIds: commaList(2, 2),
    VSwitchIds: commaList(1, 2),
  }),
  async handle(i, { kms, scope }) {
    await kms.instances.connect(scope, i.KmsInstanceId, i.VpcId, i.ZoneIds, i.VSwitchIds);
    return {};
  },
});
