/** UpdateKmsInstanceBindVpc: the extra VPCs (possibly of other accounts) that may reach the instance. */
import { z } from 'zod';
import { defineAction } from '../action';
import { json, nonEmpty } from '../schemas';

const bindVpc = z.object({
  VpcId: z.string().regex(/^vpc-/),
  VSwitchId: z.string().regex(/^vsw-/),
  RegionId: nonEmpty,
  // Sent as a JSON number by the docs' example and as a string by some callers; kept as a string (ids exceed 2^53).
  VpcOwnerId: z.union([z.string(), z.number()]).transform(String),
});

export const UpdateKmsInstanceBindVpc = defineAction({
  name: 'UpdateKmsInstanceBindVpc',
  input: z.object({ KmsInstanceId: nonEmpty, BindVpcs: json(z.array(bindVpc)) }),
  async handle(i, { kms, scope }) {
    const vpcs = i.BindVpcs.map((b) => ({ vpcId: b.VpcId, vswitchId: b.VSwitchId, regionId: b.RegionId, vpcOwnerId: b.VpcOwnerId }));
    await kms.instances.bindVpcs(scope, i.KmsInstanceId, vpcs);
    return {};
  },
});
