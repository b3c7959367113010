// A test file of a suite that shares one emulator (jest.config.js beside this file). sharedEmulator() reads what
// globalSetup published: ALIKMS_ENDPOINT, ALIKMS_REGION, ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET.
const { default: Kms, CreateKeyRequest, EncryptRequest, DecryptRequest } = require('@alicloud/kms20160120');
const { Config } = require('@alicloud/rpc-client');
const { sharedEmulator } = require('alikms/testing');

const emulator = sharedEmulator();
const kms = new Kms(new Config({ ...emulator.credentials, regionId: emulator.region, endpoint: emulator.host, protocol: 'http' }));

test('encrypts and decrypts with a key of the shared emulator', async () => {
  const { keyMetadata } = await kms.createKey(new CreateKeyRequest({ description: 'orders' }));
  const plaintext = Buffer.from('order #42').toString('base64');
  const { ciphertextBlob } = await kms.encrypt(new EncryptRequest({ keyId: keyMetadata.keyId, plaintext }));
  const opened = await kms.decrypt(new DecryptRequest({ ciphertextBlob }));
  expect(opened.plaintext).toBe(plaintext);
});
