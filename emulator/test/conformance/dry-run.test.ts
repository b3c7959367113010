/**
 * DryRun=true runs an action's checks and nothing else: it refuses what the call would refuse, and when the checks
 * pass it answers DryRunOperationError having changed nothing — no service key provisioned, no instance QPS used, no
 * imported material expired.
 */
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { ownerAccess } from '../../src/domain/authorization';
import { acs3Client } from '../support/clients';
import { b64 } from '../support/crypto';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';
import { readyInstance } from '../support/instances';

let emu: TestEmulator;
let acs3: ReturnType<typeof acs3Client>;
useEmulator(
  (e) => {
    emu = e;
    acs3 = acs3Client(e);
  },
  { kms: { connectDelayMs: 0 }, schedulerIntervalMs: 0 },
);

const dryRun = (action: string, params: Record<string, unknown>) => acs3(action, { ...params, DryRun: 'true' });
const keyIds = async () => ((await acs3('ListKeys', { PageSize: 100 })).Keys.Key as { KeyId: string }[]).map((k) => k.KeyId);

test('a dry run on alias/acs/<product> provisions no service key', async () => {
  const before = await keyIds();
  await expectError(dryRun('Encrypt', { KeyId: 'alias/acs/rds', Plaintext: b64('x') }), 'DryRunOperationError', 400);
  await expectError(dryRun('GenerateDataKey', { KeyId: 'alias/acs/rds' }), 'DryRunOperationError', 400);
  expect(await keyIds()).toEqual(before);
  const aliases = (await acs3('ListAliases', { PageSize: 100 })).Aliases.Alias as { AliasName: string }[];
  expect(aliases.map((a) => a.AliasName)).not.toContain('alias/acs/rds');
  // The real call provisions it.
  await acs3('Encrypt', { KeyId: 'alias/acs/rds', Plaintext: b64('x') });
  expect((await keyIds()).length).toBe(before.length + 1);
});

test('a dry run refuses what the call would: state, algorithm, digest, plaintext size, a foreign blob', async () => {
  const keyId = (await acs3('CreateKey', { KeySpec: 'EC_P256', KeyUsage: 'SIGN/VERIFY' })).KeyMetadata.KeyId as string;
  const versionId = (await acs3('DescribeKey', { KeyId: keyId })).KeyMetadata.PrimaryKeyVersion as string;
  const sign = { KeyId: keyId, KeyVersionId: versionId, Algorithm: 'ECDSA_SHA_256', Digest: b64(randomBytes(32)) };
  await expectError(dryRun('AsymmetricSign', sign), 'DryRunOperationError', 400);
  await expectError(dryRun('AsymmetricSign', { ...sign, Algorithm: 'RSA_PSS_SHA_256' }), 'InvalidParameter', 400);
  await expectError(dryRun('AsymmetricSign', { ...sign, Digest: b64(randomBytes(31)) }), 'InvalidParameter', 400);
  await expectError(
    dryRun('AsymmetricSign', { ...sign, KeyVersionId: '00000000-0000-4000-8000-000000000000' }),
    'Forbidden.KeyVersionNotFound',
    404,
  );
  await expectError(dryRun('Encrypt', { KeyId: keyId, Plaintext: b64('x') }), 'Unsupported.KeySpec', 400);
  await acs3('DisableKey', { KeyId: keyId });
  await expectError(dryRun('AsymmetricSign', sign), 'Rejected.Disabled', 409);

  const aes = (await acs3('CreateKey', {})).KeyMetadata.KeyId as string;
  await expectError(dryRun('Encrypt', { KeyId: aes, Plaintext: b64(randomBytes(6145)) }), 'InvalidParameter', 400);
  const blob = (await acs3('Encrypt', { KeyId: aes, Plaintext: b64('x') })).CiphertextBlob as string;
  await expectError(dryRun('Decrypt', { CiphertextBlob: blob }), 'DryRunOperationError', 400);
  await expectError(dryRun('Decrypt', { CiphertextBlob: b64(randomBytes(64)) }), 'InvalidCiphertext', 400);
});

test('dry runs use none of an instance QPS, and are refused once the calls have used it', async () => {
  const instanceId = await readyInstance(emu, { spec: 200 });
  const keyId = (await acs3('CreateKey', { DKMSInstanceId: instanceId })).KeyMetadata.KeyId as string;
  // Within one frozen second of real time: 300 dry runs, then the instance's 200 calls all pass, then the 201st and a
  // dry run are throttled. (Through the domain, as 500 signed requests cannot be relied on to fit in one second.)
  const scope = ownerAccess({ accountId: '1234567890123456', regionId: emu.region }, 'Encrypt');
  const second = Date.now();
  const now = jest.spyOn(Date, 'now').mockReturnValue(second);
  try {
    for (let n = 0; n < 300; n++) await emu.kms.symmetric.checkEncrypt(scope, keyId, Buffer.from('x'));
    for (let n = 0; n < 200; n++) await emu.kms.symmetric.encrypt(scope, keyId, Buffer.from('x'), undefined);
    await expect(emu.kms.symmetric.encrypt(scope, keyId, Buffer.from('x'), undefined)).rejects.toMatchObject({
      code: 'Rejected.Throttling',
    });
    await expect(emu.kms.symmetric.checkEncrypt(scope, keyId, Buffer.from('x'))).rejects.toMatchObject({ code: 'Rejected.Throttling' });
  } finally {
    now.mockRestore();
  }
});

test('a dry run reports expired imported material without removing it', async () => {
  const keyId = (await acs3('CreateKey', { Origin: 'EXTERNAL' })).KeyMetadata.KeyId as string;
  const p = await acs3('GetParametersForImport', { KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' });
  const pub = createPublicKey({ key: Buffer.from(p.PublicKey, 'base64'), format: 'der', type: 'spki' });
  const wrapped = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(32));
  const expires = Math.floor(emu.clock.now() / 1000) + 3600;
  await acs3('ImportKeyMaterial', {
    KeyId: keyId,
    ImportToken: p.ImportToken,
    EncryptedKeyMaterial: b64(wrapped),
    KeyMaterialExpireUnix: expires,
  });
  emu.clock.advance(2 * 3600 * 1000); // the clock alone: the scheduler is off, so nothing has expired the material yet

  await expectError(dryRun('Encrypt', { KeyId: keyId, Plaintext: b64('x') }), 'Rejected.PendingImport', 409);
  expect((await acs3('DescribeKey', { KeyId: keyId })).KeyMetadata.KeyState).toBe('Enabled');
  await expectError(acs3('Encrypt', { KeyId: keyId, Plaintext: b64('x') }), 'Rejected.PendingImport', 409);
  expect((await acs3('DescribeKey', { KeyId: keyId })).KeyMetadata.KeyState).toBe('PendingImport');
});
