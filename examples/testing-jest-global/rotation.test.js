// Another test file on the same emulator: state made by other files is there too, so this one finds its own key by ID.
// Moving the shared clock moves it for every file; here it only ever moves forward, which the others do not mind.
const { default: Kms, CreateKeyRequest, DescribeKeyRequest } = require('@alicloud/kms20160120');
const { Config } = require('@alicloud/rpc-client');
const { sharedEmulator } = require('alikms/testing');

const emulator = sharedEmulator();
const kms = new Kms(new Config({ ...emulator.credentials, regionId: emulator.region, endpoint: emulator.host, protocol: 'http' }));

test('a 7-day rotation happens when the shared clock passes it', async () => {
  // The first instance-less AES key of an account and region becomes the region's default CMK, which only rotates with
  // a paid add-on: make sure it exists, so the key below is an ordinary one.
  await kms.createKey(new CreateKeyRequest({ description: 'the default CMK, if none was made yet' }));
  const { keyMetadata } = await kms.createKey(new CreateKeyRequest({ enableAutomaticRotation: true, rotationInterval: '7d' }));
  const events = await emulator.clock.advance('7d');
  expect(events).toContainEqual(expect.objectContaining({ kind: 'rotate', keyId: keyMetadata.keyId }));
  const after = await kms.describeKey(new DescribeKeyRequest({ keyId: keyMetadata.keyId }));
  expect(after.keyMetadata.primaryKeyVersion).not.toBe(keyMetadata.primaryKeyVersion);
});
