// A hardware (HSM) instance with a rotating key, an instance-less key of the region, and a key whose material you
// bring (BYOK). Against the emulator: see README.md. The material is a secret config value (Pulumi.yaml says how).
import * as pulumi from '@pulumi/pulumi';
import * as alikms from '@alikms/pulumi';

const config = new pulumi.Config();

const hsm = new alikms.Instance('hsm', {
  productVersion: alikms.types.enums.ProductVersion.Hardware,
  vpcId: 'vpc-demo',
  zoneIds: ['cn-hangzhou-k', 'cn-hangzhou-j'],
  vswitchIds: ['vsw-demo'],
  paymentType: alikms.types.enums.PaymentType.PayAsYouGo,
});

// HSM keys rotate only when stored HsmEncryptedDatabase (HsmInternal, the default, keeps them inside the HSM).
const payments = new alikms.Key('payments', {
  instanceId: hsm.instanceId,
  keyStorageMechanism: alikms.types.enums.KeyStorageMechanism.HsmEncryptedDatabase,
  description: 'payments data key (HSM)',
});
new alikms.RotationPolicy('payments', { keyId: payments.keyId, interval: '90d' });

// No instanceId: an instance-less key of the region, deleted (after its pending window) like any other.
const legacy = new alikms.Key('legacy', { description: 'instance-less key', pendingWindowInDays: 7 });

// Your own material: imported by the provider, kept only as a secret in the state inputs, never an output.
const byok = new alikms.Key('byok', {
  instanceId: hsm.instanceId,
  origin: alikms.types.enums.KeyOrigin.EXTERNAL,
  keyMaterial: config.requireSecret('keyMaterial'),
  keyMaterialExpireTime: '2031-01-01T00:00:00Z',
  description: 'bring-your-own-key',
});

export const instanceId = hsm.instanceId;
export const paymentsKeyId = payments.keyId;
export const paymentsProtection = payments.protectionLevel;
export const legacyKeyId = legacy.keyId;
export const byokKeyId = byok.keyId;
export const byokState = byok.keyState;
