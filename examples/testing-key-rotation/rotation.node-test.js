// The rotation test for node's own test runner: `node --test rotation.node-test.js`
//   npm install --save-dev alikms @alicloud/kms20160120 @alicloud/rpc-client
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { default: Kms, CreateKeyRequest, EncryptRequest, DecryptRequest, DescribeKeyRequest } = require('@alicloud/kms20160120');
const { Config } = require('@alicloud/rpc-client');
const { startEmulator } = require('alikms/testing');

let emulator;
let kms;

before(async () => {
  emulator = await startEmulator({ clock: { at: '2030-01-01T00:00:00Z' } });
  kms = new Kms(new Config({ ...emulator.credentials, regionId: emulator.region, endpoint: emulator.host, protocol: 'http' }));
});

after(() => emulator.stop());

test('a 30-day rotation happens when the clock passes it, and old ciphertext still decrypts', async () => {
  const { keyMetadata } = await kms.createKey(new CreateKeyRequest({ enableAutomaticRotation: true, rotationInterval: '30d' }));
  const sealed = await kms.encrypt(
    new EncryptRequest({ keyId: keyMetadata.keyId, plaintext: Buffer.from('order #42').toString('base64') }),
  );

  const events = await emulator.clock.advance('30d');
  assert.deepEqual(events, [{ kind: 'rotate', keyId: keyMetadata.keyId, at: '2030-01-31T00:00:00Z' }]);

  const after = await kms.describeKey(new DescribeKeyRequest({ keyId: keyMetadata.keyId }));
  assert.notEqual(after.keyMetadata.primaryKeyVersion, keyMetadata.primaryKeyVersion);
  const opened = await kms.decrypt(new DecryptRequest({ ciphertextBlob: sealed.ciphertextBlob }));
  assert.equal(Buffer.from(opened.plaintext, 'base64').toString(), 'order #42');
});
