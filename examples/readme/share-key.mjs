// share-key.mjs: npm install @alicloud/kms20160120@1.2.0 @alicloud/rpc-client@1.3.2 @alicloud/pop-core@1.8.0,
// start `npx alikms serve --accounts accounts.json` (the accounts file above), then `node share-key.mjs`
import kms20160120, { DecryptRequest, EncryptRequest } from '@alicloud/kms20160120';
import { Config } from '@alicloud/rpc-client';
import RPCClient from '@alicloud/pop-core';

const endpoint = '127.0.0.1:4599';
const owner = (apiVersion) => new RPCClient({ accessKeyId: 'test', accessKeySecret: 'test', endpoint: `http://${endpoint}`, apiVersion });
const kmsA = owner('2016-01-20');

// Account 1234567890123456 (access key test) buys and connects a KMS instance: key policies apply to its keys.
const { Data } = await owner('2017-12-14').request(
  'CreateInstance',
  {
    ProductCode: 'kms',
    ProductType: 'kms_ppi_public_cn',
    SubscriptionType: 'PayAsYouGo',
    'Parameter.1.Code': 'ProductVersion',
    'Parameter.1.Value': '3',
  },
  { method: 'POST' },
);
const instance = { KmsInstanceId: Data.InstanceId };
await kmsA.request('ConnectKmsInstance', {
  ...instance,
  KMProvider: 'Aliyun',
  VpcId: 'vpc-a',
  ZoneIds: 'cn-hangzhou-k,cn-hangzhou-j',
  VSwitchIds: 'vsw-a',
});
while ((await kmsA.request('GetKmsInstance', instance)).KmsInstance.Status !== 'Connected') await new Promise((r) => setTimeout(r, 200));
const { KeyMetadata: key } = await kmsA.request('CreateKey', { DKMSInstanceId: Data.InstanceId });

// It shares the key with account 2222222222222222's RAM user `app`: the owner keeps kms:*, app may Encrypt and Decrypt.
const policy = {
  Version: '1',
  Statement: [
    { Effect: 'Allow', Principal: { RAM: ['acs:ram::1234567890123456:*'] }, Action: ['kms:*'], Resource: ['*'] },
    {
      Effect: 'Allow',
      Principal: { RAM: ['acs:ram::2222222222222222:user/app'] },
      Action: ['kms:Encrypt', 'kms:Decrypt'],
      Resource: ['*'],
    },
  ],
};
await kmsA.request('SetKeyPolicy', { KeyId: key.KeyId, Policy: JSON.stringify(policy) });

// The other account's user, whose own identity policy allows it too, names the key by its ARN.
const Kms = kms20160120.default;
const app = new Kms(
  new Config({ accessKeyId: 'team-b-app', accessKeySecret: 'app-secret', regionId: 'cn-hangzhou', endpoint, protocol: 'http' }),
);
const plaintext = Buffer.from('shared across accounts').toString('base64');
const { ciphertextBlob } = await app.encrypt(new EncryptRequest({ keyId: key.Arn, plaintext }));
const opened = await app.decrypt(new DecryptRequest({ ciphertextBlob }));
console.log(key.Arn, Buffer.from(opened.plaintext, 'base64').toString());
