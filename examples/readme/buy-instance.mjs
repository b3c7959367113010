// buy-instance.mjs: npm install @alicloud/pop-core@1.8.0, start `npx alikms serve`, then `node buy-instance.mjs`
import RPCClient from '@alicloud/pop-core';

const bss = new RPCClient({ accessKeyId: 'test', accessKeySecret: 'test', endpoint: 'http://127.0.0.1:4599', apiVersion: '2017-12-14' });
const { Data } = await bss.request(
  'CreateInstance',
  {
    ProductCode: 'kms',
    ProductType: 'kms_ddi_public_cn',
    SubscriptionType: 'Subscription',
    Period: 1,
    'Parameter.1.Code': 'ProductVersion',
    'Parameter.1.Value': '3', // 3 = software, 5 = hardware
    'Parameter.2.Code': 'Spec',
    'Parameter.2.Value': '1000', // QPS of the instance
    'Parameter.3.Code': 'KeyNum',
    'Parameter.3.Value': '1000',
  },
  { method: 'POST' },
);
console.log(Data.InstanceId);
// Then ConnectKmsInstance(KmsInstanceId, KMProvider=Aliyun, VpcId, ZoneIds="a,b", VSwitchIds) -> Connecting -> Connected
