/**
 * The key-state matrix (kms-openapi.md §3.4) for every cryptographic operation: Disabled, PendingDeletion and
 * PendingImport keys refuse with 409 and the state's code; re-enabling (or cancelling deletion) makes the same
 * ciphertexts usable again.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { acs3Client } from '../support/clients';
import { b64 } from '../support/crypto';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';

let emu: TestEmulator;
let acs3: ReturnType<typeof acs3Client>;
const digest = b64(createHash('sha256').update('m').digest());
const rsaBlob = b64(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }));

interface Fixture {
  sym: string;
  blob: string;
  signer: { KeyId: string; KeyVersionId: string };
  crypter: { KeyId: string; KeyVersionId: string };
  signature: string;
  ciphertext: string;
}
let f: Fixture;

useEmulator(async (e) => {
  emu = e;
  acs3 = acs3Client(emu);
  const key = async (KeySpec: string, KeyUsage?: string) => {
    const { KeyMetadata: m } = await acs3('CreateKey', { KeySpec, ...(KeyUsage && { KeyUsage }) });
    return { KeyId: m.KeyId as string, KeyVersionId: m.PrimaryKeyVersion as string };
  };
  await key('Aliyun_AES_256'); // the first becomes the region's default key, which can never be scheduled for deletion
  const sym = (await key('Aliyun_AES_256')).KeyId;
  const signer = await key('EC_P256');
  const crypter = await key('RSA_2048', 'ENCRYPT/DECRYPT');
  const blob = (await acs3('Encrypt', { KeyId: sym, Plaintext: b64('x') })).CiphertextBlob;
  const signature = (await acs3('AsymmetricSign', { ...signer, Algorithm: 'ECDSA_SHA_256', Digest: digest })).Value;
  const ciphertext = (await acs3('AsymmetricEncrypt', { ...crypter, Algorithm: 'RSAES_OAEP_SHA_256', Plaintext: b64('x') })).CiphertextBlob;
  f = { sym, blob, signer, crypter, signature, ciphertext };
});

/** Every data-plane call, each touching one of the fixture keys (named by `key`). */
const OPERATIONS: [string, 'sym' | 'signer' | 'crypter', () => [string, Record<string, unknown>]][] = [
  ['Encrypt', 'sym', () => ['Encrypt', { KeyId: f.sym, Plaintext: b64('x') }]],
  ['Decrypt', 'sym', () => ['Decrypt', { CiphertextBlob: f.blob }]],
  ['GenerateDataKey', 'sym', () => ['GenerateDataKey', { KeyId: f.sym }]],
  ['GenerateDataKeyWithoutPlaintext', 'sym', () => ['GenerateDataKeyWithoutPlaintext', { KeyId: f.sym }]],
  [
    'GenerateAndExportDataKey',
    'sym',
    () => [
      'GenerateAndExportDataKey',
      { KeyId: f.sym, PublicKeyBlob: rsaBlob, WrappingKeySpec: 'RSA_2048', WrappingAlgorithm: 'RSAES_OAEP_SHA_256' },
    ],
  ],
  [
    'ExportDataKey',
    'sym',
    () => [
      'ExportDataKey',
      { CiphertextBlob: f.blob, PublicKeyBlob: rsaBlob, WrappingKeySpec: 'RSA_2048', WrappingAlgorithm: 'RSAES_OAEP_SHA_256' },
    ],
  ],
  ['ReEncrypt', 'sym', () => ['ReEncrypt', { CiphertextBlob: f.blob, DestinationKeyId: f.sym }]],
  ['AsymmetricSign', 'signer', () => ['AsymmetricSign', { ...f.signer, Algorithm: 'ECDSA_SHA_256', Digest: digest }]],
  [
    'AsymmetricVerify',
    'signer',
    () => ['AsymmetricVerify', { ...f.signer, Algorithm: 'ECDSA_SHA_256', Digest: digest, Value: f.signature }],
  ],
  ['GetPublicKey', 'signer', () => ['GetPublicKey', f.signer]],
  ['AsymmetricEncrypt', 'crypter', () => ['AsymmetricEncrypt', { ...f.crypter, Algorithm: 'RSAES_OAEP_SHA_256', Plaintext: b64('x') }]],
  [
    'AsymmetricDecrypt',
    'crypter',
    () => ['AsymmetricDecrypt', { ...f.crypter, Algorithm: 'RSAES_OAEP_SHA_256', CiphertextBlob: f.ciphertext }],
  ],
];

const keyOf = (which: 'sym' | 'signer' | 'crypter') => (which === 'sym' ? f.sym : f[which].KeyId);

describe.each(OPERATIONS)('%s', (_name, which, call) => {
  test('succeeds Enabled, 409 Rejected.Disabled when Disabled, works again when re-enabled', async () => {
    await acs3(...call());
    await acs3('DisableKey', { KeyId: keyOf(which) });
    await expectError(acs3(...call()), 'Rejected.Disabled', 409);
    await acs3('EnableKey', { KeyId: keyOf(which) });
    await acs3(...call());
  });

  test('409 Rejected.PendingDeletion while PendingDeletion; works after CancelKeyDeletion', async () => {
    await acs3('ScheduleKeyDeletion', { KeyId: keyOf(which), PendingWindowInDays: 7 });
    await expectError(acs3(...call()), 'Rejected.PendingDeletion', 409);
    await acs3('CancelKeyDeletion', { KeyId: keyOf(which) });
    await acs3(...call());
  });
});

test('PendingImport (EXTERNAL key before import) refuses with 409 Rejected.PendingImport', async () => {
  const { KeyMetadata: m } = await acs3('CreateKey', { Origin: 'EXTERNAL' });
  await expectError(acs3('Encrypt', { KeyId: m.KeyId, Plaintext: b64('x') }), 'Rejected.PendingImport', 409);
  await expectError(acs3('GenerateDataKey', { KeyId: m.KeyId }), 'Rejected.PendingImport', 409);
  await expectError(acs3('ReEncrypt', { CiphertextBlob: f.blob, DestinationKeyId: m.KeyId }), 'Rejected.PendingImport', 409);
});
