/**
 * Testing key-rotation code against a local KMS: start an emulator in-process, point the official SDK at it, move the
 * emulator clock, and watch the rotation happen. jest with `preset: 'ts-jest'` (TypeScript) or no settings at all (JS).
 *   npm install --save-dev alikms @alicloud/kms20160120 @alicloud/rpc-client jest ts-jest typescript @types/jest
 */
import Kms, * as $Kms from '@alicloud/kms20160120';
import { Config } from '@alicloud/rpc-client';
import { startEmulator, type EmulatorHandle } from 'alikms/testing';

let emulator: EmulatorHandle;
let kms: Kms;

beforeAll(async () => {
  emulator = await startEmulator({ clock: { at: '2030-01-01T00:00:00Z' } });
  kms = new Kms(
    new Config({
      ...emulator.credentials,
      regionId: emulator.region,
      endpoint: emulator.host,
      protocol: 'http',
    }),
  );
});

afterAll(() => emulator.stop());

test('a key with a 30-day rotation gets a new primary version after 30 days, and old ciphertext still decrypts', async () => {
  const { keyMetadata } = await kms.createKey(
    new $Kms.CreateKeyRequest({ description: 'orders', enableAutomaticRotation: true, rotationInterval: '30d' }),
  );
  expect(keyMetadata.nextRotationDate).toBe('2030-01-31T00:00:00Z');

  const plaintext = Buffer.from('order #42').toString('base64');
  const before = await kms.encrypt(new $Kms.EncryptRequest({ keyId: keyMetadata.keyId, plaintext }));

  const events = await emulator.clock.advance('30d');
  expect(events).toEqual([expect.objectContaining({ kind: 'rotate', keyId: keyMetadata.keyId })]);

  const after = await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: keyMetadata.keyId }));
  expect(after.keyMetadata.primaryKeyVersion).not.toBe(keyMetadata.primaryKeyVersion);
  expect(after.keyMetadata.lastRotationDate).toBe('2030-01-31T00:00:00Z');
  expect(after.keyMetadata.nextRotationDate).toBe('2030-03-02T00:00:00Z');

  const decrypted = await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: before.ciphertextBlob }));
  expect(decrypted.plaintext).toBe(plaintext);
  expect(decrypted.keyVersionId).toBe(keyMetadata.primaryKeyVersion);

  const fresh = await kms.encrypt(new $Kms.EncryptRequest({ keyId: keyMetadata.keyId, plaintext }));
  expect(fresh.keyVersionId).toBe(after.keyMetadata.primaryKeyVersion);
});
