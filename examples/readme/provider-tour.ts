// file: examples/readme/provider-tour.ts
// A Pulumi program (index.ts of a project with `npm install @alikms/pulumi @pulumi/pulumi`): what the provider manages.
import * as pulumi from '@pulumi/pulumi';
import * as alikms from '@alikms/pulumi';

const config = new pulumi.Config();
const { enums } = alikms.types;

// A hardware instance (productVersion 5): its keys are HSM-protected; symmetric ones rotate only when stored
// HsmEncryptedDatabase (HsmInternal, the service default, keeps them inside the HSM).
const hsm = new alikms.Instance('hsm', {
  productVersion: enums.ProductVersion.Hardware,
  vpcId: 'vpc-1',
  zoneIds: ['cn-hangzhou-k', 'cn-hangzhou-j'],
  vswitchIds: ['vsw-1'],
  paymentType: enums.PaymentType.PayAsYouGo,
});
const payments = new alikms.Key('payments', { instanceId: hsm.instanceId, keyStorageMechanism: 'HsmEncryptedDatabase' });
new alikms.RotationPolicy('payments', { keyId: payments.keyId, interval: '90d' });

// No instanceId: an instance-less key of the region (any spec), scheduled for deletion on destroy like any key.
new alikms.Key('legacy', { description: 'instance-less', pendingWindowInDays: 7 });

// Bring your own key: the provider wraps and imports the material.
new alikms.Key('byok', {
  instanceId: hsm.instanceId,
  origin: 'EXTERNAL',
  keyMaterial: config.requireSecret('keyMaterial'),
  keyMaterialExpireTime: '2031-01-01T00:00:00Z',
});

// Lookups (Pulumi invokes): Promise and Output forms.
const rsa = alikms.getKeysOutput({
  filters: [
    { key: 'KeySpec', values: ['RSA_2048'] },
    { key: 'KeyState', values: ['Enabled'] },
  ],
});
export const pem = alikms.getPublicKeyOutput({ keyId: rsa.ids[0] }).publicKey;
