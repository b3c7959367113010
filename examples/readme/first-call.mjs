// first-call.mjs: npm install @alicloud/kms20160120@1.2.0 @alicloud/rpc-client@1.3.2, start `npx alikms serve`, then `node first-call.mjs`
import kms20160120, { CreateKeyRequest, EncryptRequest, DecryptRequest } from '@alicloud/kms20160120';
import { Config } from '@alicloud/rpc-client';

// The SDK is CommonJS: from an ES module its client class is the default export's `default`.
// (CommonJS and TypeScript: `import Kms, * as $Kms from '@alicloud/kms20160120'`, as in the test examples below.)
const Kms = kms20160120.default;
const kms = new Kms(
  new Config({ accessKeyId: 'test', accessKeySecret: 'test', regionId: 'cn-hangzhou', endpoint: '127.0.0.1:4599', protocol: 'http' }),
);

// A key without DKMSInstanceId is an ordinary instance-less key: it rotates and is deleted like any key.
const { keyMetadata } = await kms.createKey(new CreateKeyRequest({ description: 'demo' }));
const plaintext = Buffer.from('hello').toString('base64');
const { ciphertextBlob } = await kms.encrypt(new EncryptRequest({ keyId: keyMetadata.keyId, plaintext }));
const opened = await kms.decrypt(new DecryptRequest({ ciphertextBlob }));
console.log(keyMetadata.keyId, Buffer.from(opened.plaintext, 'base64').toString());
