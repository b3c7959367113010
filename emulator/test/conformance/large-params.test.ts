/** The SDKs send every parameter in the URL: the largest documented ones must fit in a request line. */
import { acs3Client, kmsClient } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import * as $Kms from '@alicloud/kms20160120';

let emu: TestEmulator;
useEmulator((e) => {
  emu = e;
});

test('a key policy near its 32 KiB limit round-trips through the query string', async () => {
  const acs3 = acs3Client(emu);
  const { KeyId } = (await acs3('CreateKey', {})).KeyMetadata;
  // Quotes and braces percent-encode to three bytes each: the URL carries ~70 KB.
  const statement = {
    Sid: '"{}"'.repeat(5_150),
    Effect: 'Allow',
    Action: ['kms:*'],
    Principal: { RAM: ['acs:ram::1234567890123456:*'] },
    Resource: ['*'],
  };
  const big = JSON.stringify({ Version: '1', Statement: [statement] });
  expect(Buffer.byteLength(big)).toBeGreaterThan(30_000);
  expect(Buffer.byteLength(big)).toBeLessThanOrEqual(32_768);
  await acs3('SetKeyPolicy', { KeyId, Policy: big });
  expect((await acs3('GetKeyPolicy', { KeyId })).Policy).toBe(big);
});

test('a 6 KiB plaintext encrypts through the 1.2.0 SDK (parameters in the query)', async () => {
  const kms = kmsClient(emu);
  const { keyId } = (await kms.createKey(new $Kms.CreateKeyRequest({}))).keyMetadata;
  const plaintext = Buffer.alloc(6144, 0xfb).toString('base64');
  const sealed = await kms.encrypt(new $Kms.EncryptRequest({ keyId, plaintext }));
  expect((await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: sealed.ciphertextBlob }))).plaintext).toBe(plaintext);
});
