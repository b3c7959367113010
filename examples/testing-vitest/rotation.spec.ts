// The rotation test under vitest: `npx vitest run` (no vitest config needed).
//   npm install --save-dev alikms vitest @alicloud/kms20160120 @alicloud/rpc-client
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as $Kms from '@alicloud/kms20160120';
import { Config } from '@alicloud/rpc-client';
import { startEmulator, type EmulatorHandle } from 'alikms/testing';

// The SDK is CommonJS compiled from TypeScript: under ES modules its client class is the `default` export's `default`.
const Kms = $Kms.default.default ?? $Kms.default;
let emulator: EmulatorHandle;
let kms: InstanceType<typeof Kms>;

beforeAll(async () => {
  emulator = await startEmulator({ clock: { at: '2030-01-01T00:00:00Z' } });
  kms = new Kms(new Config({ ...emulator.credentials, regionId: emulator.region, endpoint: emulator.host, protocol: 'http' }));
});

afterAll(() => emulator.stop());

test('a 30-day rotation happens when the clock passes it, and old ciphertext still decrypts', async () => {
  const { keyMetadata } = await kms.createKey(new $Kms.CreateKeyRequest({ enableAutomaticRotation: true, rotationInterval: '30d' }));
  const sealed = await kms.encrypt(
    new $Kms.EncryptRequest({ keyId: keyMetadata!.keyId, plaintext: Buffer.from('order #42').toString('base64') }),
  );

  expect(await emulator.clock.advance('30d')).toEqual([{ kind: 'rotate', keyId: keyMetadata!.keyId, at: '2030-01-31T00:00:00Z' }]);

  const after = await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: keyMetadata!.keyId }));
  expect(after.keyMetadata!.primaryKeyVersion).not.toBe(keyMetadata!.primaryKeyVersion);
  const opened = await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: sealed.ciphertextBlob }));
  expect(Buffer.from(opened.plaintext!, 'base64').toString()).toBe('order #42');
});
