// An instance, a key in it, two aliases (by key ID and by ARN), a rotation policy, and the adopted default key.
// Against the emulator: see README.md. `@alikms/pulumi` is the generated SDK in sdk/nodejs (package.json links it).
import * as alikms from '@alikms/pulumi';

const instance = new alikms.Instance('kms', {
  vpcId: 'vpc-demo',
  zoneIds: ['cn-hangzhou-k', 'cn-hangzhou-j'],
  vswitchIds: ['vsw-demo'],
  paymentType: 'PayAsYouGo',
  tags: { team: 'payments' },
});

const key = new alikms.Key('orders', {
  instanceId: instance.instanceId,
  description: 'orders data key',
  tags: { team: 'payments' },
  pendingWindowInDays: 7,
});

new alikms.Alias('orders', { name: 'alias/orders', keyId: key.keyId });
new alikms.Alias('orders-arn', { name: 'alias/orders-by-arn', keyId: key.arn });
new alikms.RotationPolicy('orders', { keyId: key.keyId, interval: '30d' });
const defaultKey = new alikms.DefaultKey('default', { description: 'region default key' });

export const instanceId = instance.instanceId;
export const keyId = key.keyId;
export const defaultKeyId = defaultKey.keyId;
