/** Object types shared by resources, as schema `types` (referenced with `#/types/<token>`). */
export const TYPES: Record<string, unknown> = {
  'alikms:index:InstanceBindVpc': {
    type: 'object',
    description: 'A VPC (of this or another account) allowed to reach the instance.',
    properties: {
      vpcId: { type: 'string', description: 'VPC ID.' },
      vswitchId: { type: 'string', description: 'vSwitch ID.' },
      regionId: { type: 'string', description: 'Region of the VPC.' },
      vpcOwnerId: { type: 'string', description: 'Account ID owning the VPC (a string: account IDs overflow int64 parsers).' },
    },
    required: ['vpcId', 'vswitchId', 'regionId', 'vpcOwnerId'],
  },
};
