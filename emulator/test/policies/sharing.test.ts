/**
 * Sharing a CMK with another account through its key policy, with the official clients: use by ARN only, the
 * cryptographic and read actions only, an Allow needed in both the key policy and the caller's identity policy,
 * revoking, the instance's VpcNum as the quota of accounts shared with, and the default keys that cannot be shared.
 */
import * as $Kms from '@alicloud/kms20160120';
import { acs3Client, kmsClient } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';
import { bssClient, readyInstance } from '../support/instances';
import { A, as, B, C, grant, policy, PRINCIPALS } from '../support/principals';

let emu: TestEmulator;
let instanceId: string;
let key: { keyId: string; arn: string };
useEmulator(
  async (e) => {
    emu = e;
    instanceId = await readyInstance(as(e, 'a-root'));
    const made = (await acs3Client(as(e, 'a-root'))('CreateKey', { DKMSInstanceId: instanceId })).KeyMetadata;
    key = { keyId: made.KeyId, arn: made.Arn };
  },
  { accounts: PRINCIPALS, kms: { connectDelayMs: 0 }, schedulerIntervalMs: 0 },
);

const acs3 = (who: string) => acs3Client(as(emu, who));
const b64 = (s: string) => Buffer.from(s).toString('base64');
const encrypt = (who: string, keyId: string, context?: Record<string, string>) =>
  acs3(who)('Encrypt', { KeyId: keyId, Plaintext: b64('shared secret'), ...(context && { EncryptionContext: JSON.stringify(context) }) });
const denied = async (call: Promise<unknown>, ...words: string[]) => {
  const { body } = await expectError(call, 'Forbidden.NoPermission', 403);
  for (const w of words) expect(body.Message).toContain(w);
};
const vpcUsed = async () =>
  (await acs3('a-root')('GetKmsInstanceQuotaInfos', { KmsInstanceId: instanceId, ResourceType: 'vpc' })).KmsInstanceQuotaInfos[0];

test('the key is in the instance (DKMSInstanceId), so its policy is evaluated', () => {
  expect(key.arn).toBe(`acs:kms:cn-hangzhou:${A}:key/${key.keyId}`);
});

test('unshared: another account is refused by ARN, naming the action and itself; by ID the key does not exist', async () => {
  await denied(encrypt('b-app', key.arn), 'kms:Encrypt', `acs:ram::${B}:user/app`, key.arn, 'key policy does not allow');
  await expectError(encrypt('b-app', key.keyId), 'Forbidden.KeyNotFound', 404);
  await expectError(acs3('b-root')('DescribeKey', { KeyId: key.keyId }), 'Forbidden.KeyNotFound', 404);
});

describe('shared with B', () => {
  const sharedWithB = policy(
    grant(
      [`acs:ram::${B}:user/app`, `acs:ram::${B}:role/ci`, `acs:ram::${B}:user/limited`],
      ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:Describe*'],
    ),
  );
  beforeAll(() => acs3('a-root')('SetKeyPolicy', { KeyId: key.keyId, Policy: sharedWithB }));

  test("GetKeyPolicy returns it; it takes one unit of the instance's VpcNum (with the connected VPC: 2 of 1)", async () => {
    expect((await acs3('a-root')('GetKeyPolicy', { KeyId: key.keyId })).Policy).toBe(sharedWithB);
    expect(await vpcUsed()).toEqual({ ResourceType: 'vpc', ResourceQuota: 1, UsedQuantity: 2 });
  });

  test("B's user encrypts by ARN through the 1.2.0 SDK and decrypts; A decrypts B's ciphertext and B decrypts A's", async () => {
    const app = kmsClient(as(emu, 'b-app'));
    const sealed = await app.encrypt(new $Kms.EncryptRequest({ keyId: key.arn, plaintext: b64('from B') }));
    expect(sealed.keyId).toBe(key.keyId);
    expect((await app.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: sealed.ciphertextBlob }))).plaintext).toBe(b64('from B'));
    const byA = await kmsClient(as(emu, 'a-root')).decrypt(new $Kms.DecryptRequest({ ciphertextBlob: sealed.ciphertextBlob }));
    expect(byA.plaintext).toBe(b64('from B'));
    const fromA = await encrypt('a-root', key.keyId);
    expect((await app.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: fromA.CiphertextBlob }))).plaintext).toBe(b64('shared secret'));
    expect((await app.generateDataKey(new $Kms.GenerateDataKeyRequest({ keyId: key.arn }))).keyId).toBe(key.keyId);
    expect((await app.describeKey(new $Kms.DescribeKeyRequest({ keyId: key.arn }))).keyMetadata.creator).toBe(A);
  });

  test("B's STS role key speaks for its role", async () => {
    expect((await encrypt('b-ci', key.arn)).KeyId).toBe(key.keyId);
  });

  test('management stays with the owner, whatever the policy says', async () => {
    for (const [action, params] of [
      ['DisableKey', {}],
      ['ScheduleKeyDeletion', { PendingWindowInDays: 7 }],
      ['SetKeyPolicy', { Policy: sharedWithB }],
      ['UpdateKeyDescription', { Description: 'mine' }],
      ['TagResource', { Tags: JSON.stringify([{ TagKey: 'a', TagValue: 'b' }]) }],
      ['CreateAlias', { AliasName: 'alias/stolen' }],
    ] as const)
      await denied(acs3('b-ci')(action, { KeyId: key.arn, ...params }), `kms:${action}`, 'only the owning account manages a key');
  });

  test('both policies must allow: a B identity whose own policy does not, or one the key policy does not name, is refused', async () => {
    await denied(encrypt('b-limited', key.arn), `identity policy of acs:ram::${B}:user/limited does not allow it`);
    expect((await acs3('b-limited')('DescribeKey', { KeyId: key.arn })).KeyMetadata.KeyId).toBe(key.keyId);
    await denied(encrypt('b-root', key.arn), `acs:ram::${B}:root`, 'key policy does not allow');
    await denied(encrypt('c-root', key.arn), `acs:ram::${C}:root`);
  });

  test("B's listings never show A's keys; listing needs B's own identity policy to allow it", async () => {
    expect((await acs3('b-ci')('ListKeys', {})).Keys.Key).toEqual([]);
    await denied(acs3('b-app')('ListKeys', {}), `kms:ListKeys on acs:kms:cn-hangzhou:${B}:key`, 'no Allow in the identity policy');
    await acs3('a-root')('CreateAlias', { AliasName: 'alias/shared', KeyId: key.keyId });
    expect((await acs3('b-root')('ListAliases', {})).Aliases.Alias).toEqual([]);
    await expectError(encrypt('b-app', 'alias/shared'), 'Forbidden.AliasNotFound', 404);
  });

  test('sharing with one more account is beyond VpcNum; after an upgrade it fits; a bound VPC counts too', async () => {
    const withC = policy(grant([`acs:ram::${B}:user/app`, `acs:ram::${C}:*`], ['kms:Encrypt']));
    await expectError(acs3('a-root')('SetKeyPolicy', { KeyId: key.keyId, Policy: withC }), 'Rejected.LimitExceeded', 400);
    const second = (await acs3('a-root')('CreateKey', { DKMSInstanceId: instanceId, Policy: withC }).catch((e) => e)) as { code?: string };
    expect(second.code).toBe('Rejected.LimitExceeded');
    await bssClient(as(emu, 'a-root')).request(
      'ModifyInstance',
      { ProductCode: 'kms', InstanceId: instanceId, ModifyType: 'Upgrade', 'Parameter.1.Code': 'VpcNum', 'Parameter.1.Value': '2' },
      { method: 'POST' },
    );
    await acs3('a-root')('SetKeyPolicy', { KeyId: key.keyId, Policy: withC });
    // Another key shared with the same accounts takes no more.
    await acs3('a-root')('CreateKey', { DKMSInstanceId: instanceId, Policy: withC });
    expect(await vpcUsed()).toMatchObject({ ResourceQuota: 2, UsedQuantity: 3 });
    const vpc = [{ VpcId: 'vpc-x', VSwitchId: 'vsw-x', RegionId: 'cn-hangzhou', VpcOwnerId: Number(A) }];
    await expectError(
      acs3('a-root')('UpdateKmsInstanceBindVpc', { KmsInstanceId: instanceId, BindVpcs: JSON.stringify(vpc) }),
      'Rejected.LimitExceeded',
      400,
    );
    expect((await encrypt('c-root', key.arn)).KeyId).toBe(key.keyId);
  });

  test('revoking: without the grant B is refused again', async () => {
    await acs3('a-root')('SetKeyPolicy', { KeyId: key.keyId, Policy: policy() });
    await denied(encrypt('b-app', key.arn), 'key policy does not allow');
    await denied(encrypt('c-root', key.arn), 'key policy does not allow');
  });
});

describe('default keys cannot be shared', () => {
  const admin = (path: string) =>
    fetch(`${emu.endpoint}/_alikms/${path}`, {
      method: 'POST',
      headers: { authorization: 'Basic ' + Buffer.from('a-root:a-secret').toString('base64'), 'content-type': 'application/json' },
      body: JSON.stringify(path === 'service-keys' ? { product: 'oss' } : {}),
    }).then(async (r) => (await r.json()) as { KeyMetadata: { KeyId: string; Arn: string } });

  test('SetKeyPolicy on the default CMK or a service key is refused; other accounts cannot reach them', async () => {
    const cmk = (await admin('default-key')).KeyMetadata;
    const service = (await admin('service-keys')).KeyMetadata;
    for (const k of [cmk, service]) {
      await denied(acs3('a-root')('SetKeyPolicy', { KeyId: k.KeyId, Policy: policy(grant([`acs:ram::${B}:*`], ['kms:*'])) }));
      await expectError(encrypt('b-ci', k.Arn), 'Forbidden.KeyNotFound', 404);
    }
    expect((await encrypt('a-root', cmk.KeyId)).KeyId).toBe(cmk.KeyId);
  });

  test('a key outside any instance is invisible to other accounts, whatever its policy', async () => {
    const plain = (await acs3('a-root')('CreateKey', { Policy: policy(grant([`acs:ram::${B}:*`], ['kms:*'])) })).KeyMetadata;
    await expectError(encrypt('b-ci', plain.Arn), 'Forbidden.KeyNotFound', 404);
  });
});
