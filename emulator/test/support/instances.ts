/**
 * Buying and connecting KMS instances the way IaC tools do: BssOpenApi CreateInstance through @alicloud/pop-core
 * (API version 2017-12-14, form POST), then ConnectKmsInstance through the ACS3 client.
 */
import RPCClient from '@alicloud/pop-core';
import { acs3Client, type Credentials } from './clients';

export function bssClient(c: Credentials): RPCClient {
  return new RPCClient({
    accessKeyId: c.accessKeyId ?? 'test',
    accessKeySecret: c.accessKeySecret ?? 'test',
    endpoint: c.endpoint,
    apiVersion: '2017-12-14',
  });
}

export interface PurchaseOptions {
  productVersion?: string;
  payAsYouGo?: boolean;
  spec?: number;
  keyNum?: number;
  clientToken?: string;
  /** Send no Spec/KeyNum/SecretNum/VpcNum, as terraform does for a pay-as-you-go instance. */
  omitCapacity?: boolean;
}

export async function buyInstance(c: Credentials, o: PurchaseOptions = {}): Promise<string> {
  const capacity = {
    'Parameter.1.Code': 'Spec',
    'Parameter.1.Value': String(o.spec ?? 1000),
    'Parameter.2.Code': 'KeyNum',
    'Parameter.2.Value': String(o.keyNum ?? 1000),
    'Parameter.3.Code': 'SecretNum',
    'Parameter.3.Value': '0',
    'Parameter.4.Code': 'VpcNum',
    'Parameter.4.Value': '1',
  };
  const params = {
    ProductCode: 'kms',
    ProductType: o.payAsYouGo ? 'kms_ppi_public_cn' : 'kms_ddi_public_cn',
    SubscriptionType: o.payAsYouGo ? 'PayAsYouGo' : 'Subscription',
    Period: 1,
    ...(o.clientToken && { ClientToken: o.clientToken }),
    ...(o.omitCapacity ? {} : capacity),
    'Parameter.5.Code': 'ProductVersion',
    'Parameter.5.Value': o.productVersion ?? '3',
    'Parameter.6.Code': 'Log',
    'Parameter.6.Value': '0',
  };
  const res = (await bssClient(c).request('CreateInstance', params, { method: 'POST' })) as { Data: { InstanceId: string } };
  return res.Data.InstanceId;
}

export async function connectInstance(c: Credentials, instanceId: string): Promise<void> {
  await acs3Client(c)('ConnectKmsInstance', {
    KmsInstanceId: instanceId,
    KMProvider: 'Aliyun',
    VpcId: 'vpc-bp19z7cwmltad5dff0001',
    ZoneIds: 'cn-hangzhou-k,cn-hangzhou-j',
    VSwitchIds: 'vsw-bp1i512amda6d10a00001',
  });
}

/** Buys, connects and waits for Connected (the emulator's connect delay is set to 0 in tests that use this). */
export async function readyInstance(c: Credentials, o: PurchaseOptions = {}): Promise<string> {
  const id = await buyInstance(c, o);
  await connectInstance(c, id);
  return id;
}
