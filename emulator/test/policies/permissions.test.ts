/**
 * Key policies and identity policies within and across accounts, with the official clients: an explicit Deny for a
 * RAM user (identity or key policy), conditions on the encryption context, what a key outside any instance obeys,
 * validation at CreateKey/SetKeyPolicy, dry runs, and the owner who cannot be locked out.
 */
import * as $Kms from '@alicloud/kms20160120';
import { acs3Client, kmsClient } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';
import { readyInstance } from '../support/instances';
import { A, as, B, grant, policy, PRINCIPALS } from '../support/principals';

let emu: TestEmulator;
let instanceId: string;
useEmulator(
  async (e) => {
    emu = e;
    instanceId = await readyInstance(as(e, 'a-root'), { payAsYouGo: true, omitCapacity: true });
  },
  { accounts: PRINCIPALS, kms: { connectDelayMs: 0 }, schedulerIntervalMs: 0 },
);

const acs3 = (who: string) => acs3Client(as(emu, who));
const b64 = (s: string) => Buffer.from(s).toString('base64');
const newKey = async (params: Record<string, unknown> = {}) =>
  (await acs3('a-root')('CreateKey', { DKMSInstanceId: instanceId, ...params })).KeyMetadata as { KeyId: string; Arn: string };
const encrypt = (who: string, keyId: string, context?: Record<string, string>) =>
  acs3(who)('Encrypt', { KeyId: keyId, Plaintext: b64('data'), ...(context && { EncryptionContext: JSON.stringify(context) }) });
const decrypt = (who: string, blob: string, context?: Record<string, string>) =>
  acs3(who)('Decrypt', { CiphertextBlob: blob, ...(context && { EncryptionContext: JSON.stringify(context) }) });
const denied = async (call: Promise<unknown>, ...words: string[]) => {
  const { body } = await expectError(call, 'Forbidden.NoPermission', 403);
  for (const w of words) expect(body.Message).toContain(w);
};

describe('an explicit Deny for a RAM user', () => {
  test("in the user's identity policy: the default key policy allows the rest, the Deny wins for Decrypt", async () => {
    const { KeyId } = await newKey();
    const sealed = await encrypt('a-intern', KeyId);
    await denied(
      decrypt('a-intern', sealed.CiphertextBlob),
      'kms:Decrypt',
      `acs:ram::${A}:user/intern`,
      'explicit Deny in the identity policy',
    );
    const intern = kmsClient(as(emu, 'a-intern'));
    await denied(intern.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: sealed.CiphertextBlob })), 'kms:Decrypt');
    expect((await decrypt('a-auditor', sealed.CiphertextBlob)).Plaintext).toBe(b64('data'));
  });

  test('in the key policy: the user is refused, the account itself and other users are not', async () => {
    const deny = {
      Effect: 'Deny',
      Principal: { RAM: [`acs:ram::${A}:user/auditor`] },
      Action: ['kms:Decrypt', 'kms:Schedule*'],
      Resource: ['*'],
    };
    const { KeyId } = await newKey({ Policy: policy(deny) });
    const sealed = await encrypt('a-auditor', KeyId);
    await denied(decrypt('a-auditor', sealed.CiphertextBlob), 'explicit Deny in the key policy');
    await denied(acs3('a-auditor')('ScheduleKeyDeletion', { KeyId, PendingWindowInDays: 7 }), 'kms:ScheduleKeyDeletion');
    expect((await decrypt('a-root', sealed.CiphertextBlob)).Plaintext).toBe(b64('data'));
  });

  test('a key outside any instance follows identity policies alone: the intern, allowed nothing, is refused everything', async () => {
    const plain = (await acs3('a-root')('CreateKey', {})).KeyMetadata;
    await denied(encrypt('a-intern', plain.KeyId), 'no Allow in the key policy or the identity policy');
    expect((await encrypt('a-auditor', plain.KeyId)).KeyId).toBe(plain.KeyId);
    // Actions that name no key are decided by the identity policy alone.
    await denied(acs3('a-intern')('CreateKey', {}), `kms:CreateKey on acs:kms:cn-hangzhou:${A}:key`);
    await denied(acs3('a-intern')('GetKmsInstance', { KmsInstanceId: instanceId }), `acs:kms:cn-hangzhou:${A}:instance`);
    await denied(acs3('a-intern')('SetDeletionProtection', { KmsInstanceId: instanceId, EnableDeletionProtection: true }));
    const tag = { RegionId: 'cn-hangzhou', ResourceType: 'instance', ResourceId: [instanceId], Tag: [{ Key: 'a', Value: 'b' }] };
    await denied(acs3('a-intern')('TagResources', tag), 'kms:TagResources');
    await acs3('a-auditor')('TagResources', tag);
  });
});

describe('conditions on the encryption context', () => {
  const app = `acs:ram::${B}:user/app`;
  let key: { KeyId: string; Arn: string };
  beforeAll(async () => {
    const onlyTenantB = grant([app], ['kms:Encrypt', 'kms:Decrypt'], {
      Condition: { StringEquals: { 'kms:EncryptionContext:tenant': 'b' }, StringLike: { 'kms:EncryptionContext:purpose': ['billing-*'] } },
    });
    key = await newKey({ Policy: policy(onlyTenantB) });
  });

  test('a call whose context meets every condition is allowed; Decrypt is held to the same conditions', async () => {
    const context = { tenant: 'b', purpose: 'billing-2030' };
    const sealed = await encrypt('b-app', key.Arn, context);
    expect((await decrypt('b-app', sealed.CiphertextBlob, context)).Plaintext).toBe(b64('data'));
  });

  test.each([
    ['no context', undefined],
    ['another tenant', { tenant: 'c', purpose: 'billing-1' }],
    ['a purpose that is not like billing-*', { tenant: 'b', purpose: 'marketing' }],
    ['the tenant key only', { tenant: 'b' }],
  ])('%s is refused', async (_name, context) => {
    await denied(encrypt('b-app', key.Arn, context), 'key policy does not allow');
  });

  test('the owning account, allowed without conditions, is not held to them', async () => {
    expect((await encrypt('a-root', key.KeyId)).KeyId).toBe(key.KeyId);
  });
});

describe('policies are validated at CreateKey and SetKeyPolicy, naming the element', () => {
  const stmt = { Effect: 'Allow', Principal: { RAM: [`acs:ram::${A}:*`] }, Action: ['kms:*'], Resource: ['*'] };
  const doc = (s: Record<string, unknown>, top: Record<string, unknown> = {}) => JSON.stringify({ Version: '1', Statement: [s], ...top });
  test.each([
    ['not JSON', '{"Version":', 'Policy: expected a JSON document'],
    ['not an object', '[1]', 'Policy: expected a JSON object'],
    ['Version 2', doc(stmt, { Version: '2' }), 'Policy.Version'],
    ['an unknown top-level element', doc(stmt, { Id: 'x' }), 'Policy.Id'],
    ['Effect Maybe', doc({ ...stmt, Effect: 'Maybe' }), 'Policy.Statement[0].Effect: expected Allow or Deny'],
    ['no Principal', doc({ ...stmt, Principal: undefined }), 'Policy.Statement[0].Principal'],
    ['a principal of no account', doc({ ...stmt, Principal: { RAM: ['*'] } }), 'Policy.Statement[0].Principal.RAM[0]'],
    ['a malformed principal', doc({ ...stmt, Principal: { RAM: [`acs:ram::${A}:group/x`] } }), 'Principal.RAM[0]'],
    ['an action outside kms', doc({ ...stmt, Action: ['ecs:RunInstances'] }), 'Policy.Statement[0].Action[0]'],
    ['no Action', doc({ ...stmt, Action: [] }), 'Policy.Statement[0].Action'],
    ['a malformed Resource', doc({ ...stmt, Resource: ['key-1'] }), 'Policy.Statement[0].Resource[0]'],
    ['NotAction', doc({ ...stmt, NotAction: ['kms:Decrypt'] }), 'Policy.Statement[0].NotAction'],
    [
      'an unsupported condition operator',
      doc({ ...stmt, Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } } }),
      'Condition.IpAddress',
    ],
    [
      'an unsupported condition key',
      doc({ ...stmt, Condition: { StringEquals: { 'acs:CurrentTime': 'x' } } }),
      'StringEquals.acs:CurrentTime',
    ],
    ['over 32,768 bytes', doc({ ...stmt, Sid: 'x'.repeat(32_768) }), 'Policy: expected at most 32768 bytes'],
  ])('%s', async (_name, bad, element) => {
    const { KeyId } = await newKey();
    for (const call of [
      () => acs3('a-root')('SetKeyPolicy', { KeyId, Policy: bad }),
      () => acs3('a-root')('CreateKey', { DKMSInstanceId: instanceId, Policy: bad }),
    ]) {
      const { body } = await expectError(call(), 'InvalidParameter', 400);
      expect(body.Message).toContain(element);
    }
  });
});

test('a dry run refused for permissions answers AccessDeniedError', async () => {
  const { KeyId } = await newKey();
  const sealed = await encrypt('a-intern', KeyId);
  await expectError(acs3('a-intern')('Decrypt', { CiphertextBlob: sealed.CiphertextBlob, DryRun: 'true' }), 'AccessDeniedError', 403);
  await expectError(acs3('a-auditor')('Decrypt', { CiphertextBlob: sealed.CiphertextBlob, DryRun: 'true' }), 'DryRunOperationError', 400);
});

test('a policy that denies everyone cannot lock the owning account out of the policy itself', async () => {
  const { KeyId } = await newKey();
  const denyAll = JSON.stringify({
    Version: '1',
    Statement: [{ Effect: 'Deny', Principal: { RAM: [`acs:ram::${A}:*`] }, Action: ['kms:*'], Resource: ['*'] }],
  });
  await acs3('a-root')('SetKeyPolicy', { KeyId, Policy: denyAll });
  await denied(encrypt('a-root', KeyId), 'explicit Deny in the key policy');
  expect((await acs3('a-root')('GetKeyPolicy', { KeyId })).Policy).toBe(denyAll);
  await acs3('a-root')('SetKeyPolicy', { KeyId, Policy: policy() });
  expect((await encrypt('a-root', KeyId)).KeyId).toBe(KeyId);
  await denied(acs3('a-auditor')('SetKeyPolicy', { KeyId, Policy: denyAll }).then(() => encrypt('a-auditor', KeyId)));
});

test('a policy full of wildcards cannot stall the emulator (a regular expression would backtrack for hours)', async () => {
  // The attack: a tenant's own key policy with a pattern of many `*`, and a long encryption-context value it sends.
  const pattern = '*a'.repeat(40) + 'b';
  const deny = {
    Effect: 'Deny',
    Principal: { RAM: [`acs:ram::${A}:*`] },
    Action: ['kms:Encrypt'],
    Resource: ['*'],
    Condition: { StringLike: { 'kms:EncryptionContext:path': pattern } },
  };
  const { KeyId } = await newKey({ Policy: policy(deny) });
  expect((await encrypt('a-root', KeyId, { path: 'a'.repeat(4000) })).KeyId).toBe(KeyId);
  await denied(encrypt('a-root', KeyId, { path: 'a'.repeat(4000) + 'b' }), 'explicit Deny in the key policy');
});
