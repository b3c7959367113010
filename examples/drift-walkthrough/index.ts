// The configuration a team wants to keep: who can use the key, how it is described and tagged, how often it rotates.
// README.md changes some of it out of band and walks through finding and repairing the drift.
import * as alikms from '@alikms/pulumi';

const instance = new alikms.Instance('walkthrough', {
  vpcId: 'vpc-walkthrough',
  zoneIds: ['cn-hangzhou-k', 'cn-hangzhou-j'],
  vswitchIds: ['vsw-walkthrough'],
  paymentType: 'PayAsYouGo',
});

const key = new alikms.Key('app', {
  instanceId: instance.instanceId,
  description: 'app secrets key',
  tags: { env: 'dev', owner: 'platform' },
  pendingWindowInDays: 7,
});

new alikms.Alias('app', { name: 'alias/app', keyId: key.keyId });
new alikms.RotationPolicy('app', { keyId: key.keyId, interval: '90d' });

export const keyId = key.keyId;
