/**
 * The evaluator, table-driven over the policy examples of ../shared/reference/key-policies.md and the KMS API reference
 * (the "Enable RAM User Permissions" statement with another account's user and role, the console's key-administrator
 * and key-user action lists, the default policy, a policy naming two accounts): who may do what on which key.
 */
import { KMS_VERSION, REGISTRY } from '../../src/api/registry';
import { ACCOUNT_ACTIONS, authorizeKey, principalArn, type Access, type Caller } from '../../src/domain/authorization';
import { KmsError } from '../../src/domain/errors';
import type { Key } from '../../src/domain/model';
import { defaultKeyPolicy, parsePolicy } from '../../src/domain/policy';

const OWNER = '1128904620000001';
const OTHER = '1192853035110002';
const THIRD = '1903253031260003';

/** key-policies.md §Statement shape. */
const SHAPE = {
  Version: '1',
  Statement: [
    {
      Sid: 'Enable RAM User Permissions',
      Effect: 'Allow',
      Principal: { RAM: [`acs:ram::${OWNER}:*`] },
      Action: ['kms:*'],
      Resource: ['*'],
    },
    {
      Effect: 'Allow',
      Principal: { RAM: [`acs:ram::${OTHER}:user/alice`, `acs:ram::${OTHER}:role/deployer`] },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: ['*'],
    },
  ],
};

/** The console's action lists (key-policies.md): administrators manage, users use; here both of the owner's account. */
const ROLES = {
  Version: '1',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { RAM: [`acs:ram::${OWNER}:user/for_test_policy`] },
      Action: ['kms:List*', 'kms:Describe*', 'kms:Create*', 'kms:Enable*', 'kms:Disable*', 'kms:Get*', 'kms:Set*', 'kms:Update*'].concat([
        'kms:Delete*',
        'kms:Cancel*',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:ImportKeyMaterial',
        'kms:ScheduleKeyDeletion',
      ]),
      Resource: ['*'],
    },
    {
      Effect: 'Allow',
      Principal: { RAM: [`acs:ram::${OWNER}:user/app`] },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateAndExportDataKey', 'kms:AsymmetricEncrypt'].concat([
        'kms:AsymmetricDecrypt',
        'kms:DescribeKey',
        'kms:DescribeKeyVersion',
        'kms:ListKeyVersions',
        'kms:ListAliasesByKeyId',
      ]),
      Resource: ['*'],
    },
  ],
};

/** The reference's policy naming two accounts (kms-api-fields.json, SetKeyPolicy example). */
const TWO_ACCOUNTS = {
  Version: '1',
  Statement: [
    {
      Action: ['kms:*'],
      Effect: 'Allow',
      Principal: { RAM: [`acs:ram::${THIRD}:*`, `acs:ram::${OWNER}:*`] },
      Resource: ['*'],
      Sid: 'kms default key policy',
    },
  ],
};

const key = (policy?: object, extra: Partial<Key> = {}): Key =>
  ({
    accountId: OWNER,
    regionId: 'cn-hangzhou',
    keyId: 'key-hzz0000000000000000000001',
    dkmsInstanceId: 'kst-hzz000000000000000000001',
    creatorType: 'User',
    policy: policy && JSON.stringify(policy),
    ...extra,
  }) as Key;

const identity = (statements: object[]) => [parsePolicy(JSON.stringify({ Version: '1', Statement: statements }), 'identity')];
const allowAll = identity([{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }]);

type Who = [account: string, kind: 'root' | 'user' | 'role', name?: string, policies?: Caller['identityPolicies']];
const caller = ([account, kind, name, identityPolicies]: Who): Caller => ({
  accountId: account,
  principal: kind === 'root' ? principalArn.root(account) : principalArn[kind](account, name!),
  ...(identityPolicies && { identityPolicies }),
});

const verdict = (k: Key, who: Who, action: string, context?: Record<string, string>) => {
  const access: Access = { scope: { accountId: who[0], regionId: 'cn-hangzhou' }, caller: caller(who), action };
  try {
    authorizeKey(access, k, context);
    return 'allow';
  } catch (err) {
    if (!(err instanceof KmsError)) throw err;
    return err.code === 'Forbidden.NoPermission' ? `refuse: ${err.message.split(': ').slice(-1)[0]}` : err.code;
  }
};

test.each<[string, Key, Who, string, string]>([
  // The statement shape: the owner's identities by the first statement, the other account's user and role by the second.
  ['owner root, any action', key(SHAPE), [OWNER, 'root'], 'ScheduleKeyDeletion', 'allow'],
  ['owner user with no policy of its own', key(SHAPE), [OWNER, 'user', 'bob', identity([])], 'Decrypt', 'allow'],
  ["other account's named user, a granted action", key(SHAPE), [OTHER, 'user', 'alice', allowAll], 'Encrypt', 'allow'],
  ["other account's named role", key(SHAPE), [OTHER, 'role', 'deployer', allowAll], 'GenerateDataKey', 'allow'],
  [
    "other account's named user, an action not granted",
    key(SHAPE),
    [OTHER, 'user', 'alice', allowAll],
    'ReEncrypt',
    'refuse: the key policy does not allow it.',
  ],
  [
    "other account's user the key policy does not name",
    key(SHAPE),
    [OTHER, 'user', 'mallory', allowAll],
    'Encrypt',
    'refuse: the key policy does not allow it.',
  ],
  [
    'other account without an identity Allow',
    key(SHAPE),
    [OTHER, 'user', 'alice', identity([])],
    'Encrypt',
    `refuse: the identity policy of acs:ram::${OTHER}:user/alice does not allow it.`,
  ],
  [
    'other account, identity Allow on another resource',
    key(SHAPE),
    [OTHER, 'user', 'alice', identity([{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: `acs:kms:*:${OWNER}:key/key-other` }])],
    'Encrypt',
    `refuse: the identity policy of acs:ram::${OTHER}:user/alice does not allow it.`,
  ],
  [
    'other account, identity Allow on the key ARN',
    key(SHAPE),
    [OTHER, 'user', 'alice', identity([{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: `acs:kms:cn-hangzhou:${OWNER}:key/key-hzz*` }])],
    'Encrypt',
    'allow',
  ],
  [
    'other account, management action',
    key(SHAPE),
    [OTHER, 'user', 'alice', allowAll],
    'DisableKey',
    'refuse: only the owning account manages a key.',
  ],
  // The console's lists: an administrator cannot use the key, a user cannot manage it (same account: identity Allow is enough, so these users have none).
  ['key administrator manages', key(ROLES), [OWNER, 'user', 'for_test_policy', identity([])], 'ScheduleKeyDeletion', 'allow'],
  ['key administrator sets the policy', key(ROLES), [OWNER, 'user', 'for_test_policy', identity([])], 'SetKeyPolicy', 'allow'],
  [
    'key administrator encrypts',
    key(ROLES),
    [OWNER, 'user', 'for_test_policy', identity([])],
    'Encrypt',
    'refuse: no Allow in the key policy or the identity policy.',
  ],
  ['key user encrypts', key(ROLES), [OWNER, 'user', 'app', identity([])], 'Encrypt', 'allow'],
  ['key user lists aliases of the key', key(ROLES), [OWNER, 'user', 'app', identity([])], 'ListAliasesByKeyId', 'allow'],
  [
    'key user disables',
    key(ROLES),
    [OWNER, 'user', 'app', identity([])],
    'DisableKey',
    'refuse: no Allow in the key policy or the identity policy.',
  ],
  ['key user allowed by its identity policy instead', key(ROLES), [OWNER, 'user', 'app', allowAll], 'DisableKey', 'allow'],
  // The default policy: the owning account's identities, nobody else.
  ['default policy, owner user', key(), [OWNER, 'user', 'x', identity([])], 'Encrypt', 'allow'],
  ['default policy, other account', key(), [OTHER, 'root'], 'Encrypt', 'refuse: the key policy does not allow it.'],
  ['two accounts named, the third account', key(TWO_ACCOUNTS), [THIRD, 'root'], 'Decrypt', 'allow'],
  ['two accounts named, another one', key(TWO_ACCOUNTS), [OTHER, 'root'], 'Decrypt', 'refuse: the key policy does not allow it.'],
  // Deny wins, wherever it is.
  [
    'identity Deny over the key policy Allow',
    key(SHAPE),
    [OWNER, 'user', 'bob', identity([{ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }])],
    'Decrypt',
    `refuse: an explicit Deny in the identity policy of acs:ram::${OWNER}:user/bob.`,
  ],
  [
    'key policy Deny over an identity Allow',
    key({
      Version: '1',
      Statement: [{ Effect: 'Deny', Principal: { RAM: [`acs:ram::${OWNER}:user/*`] }, Action: 'kms:*', Resource: '*' }],
    }),
    [OWNER, 'user', 'bob', allowAll],
    'Encrypt',
    'refuse: an explicit Deny in the key policy.',
  ],
  [
    'the owner may always fix a key policy that denies it',
    key({ Version: '1', Statement: [{ Effect: 'Deny', Principal: { RAM: [`acs:ram::${OWNER}:*`] }, Action: 'kms:*', Resource: '*' }] }),
    [OWNER, 'root'],
    'SetKeyPolicy',
    'allow',
  ],
  // Keys outside instances and default keys.
  [
    'outside an instance, the policy is not evaluated',
    key(ROLES, { dkmsInstanceId: undefined }),
    [OWNER, 'user', 'app', identity([])],
    'Encrypt',
    'refuse: no Allow in the key policy or the identity policy.',
  ],
  [
    'outside an instance, other accounts do not see it',
    key(TWO_ACCOUNTS, { dkmsInstanceId: undefined }),
    [THIRD, 'root'],
    'Decrypt',
    'Forbidden.KeyNotFound',
  ],
  ['a service key is never shared', key(TWO_ACCOUNTS, { creatorType: 'Service' }), [THIRD, 'root'], 'Decrypt', 'Forbidden.KeyNotFound'],
  ['the default CMK is never shared', key(TWO_ACCOUNTS, { defaultKey: true }), [THIRD, 'root'], 'Decrypt', 'Forbidden.KeyNotFound'],
])('%s', (_name, k, who, action, expected) => {
  expect(verdict(k, who, action)).toBe(expected);
});

describe('conditions on the encryption context', () => {
  const conditioned = (condition: object) =>
    key({
      Version: '1',
      Statement: [{ Effect: 'Allow', Principal: { RAM: [`acs:ram::${OWNER}:*`] }, Action: 'kms:*', Resource: '*', Condition: condition }],
    });
  const user: Who = [OWNER, 'user', 'app', identity([])];
  test.each<[string, object, Record<string, string> | undefined, boolean]>([
    ['StringEquals, equal', { StringEquals: { 'kms:EncryptionContext:team': 'pay' } }, { team: 'pay' }, true],
    ['StringEquals, one of a list', { StringEquals: { 'kms:EncryptionContext:team': ['ops', 'pay'] } }, { team: 'pay' }, true],
    ['StringEquals, other value', { StringEquals: { 'kms:EncryptionContext:team': 'pay' } }, { team: 'PAY' }, false],
    ['StringEquals, key absent', { StringEquals: { 'kms:EncryptionContext:team': 'pay' } }, undefined, false],
    ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'kms:EncryptionContext:team': 'pay' } }, { team: 'PAY' }, true],
    ['StringNotEquals, other value', { StringNotEquals: { 'kms:EncryptionContext:team': 'pay' } }, { team: 'ops' }, true],
    ['StringNotEquals, key absent', { StringNotEquals: { 'kms:EncryptionContext:team': 'pay' } }, undefined, true],
    ['StringLike, wildcard', { StringLike: { 'kms:EncryptionContext:path': 'orders/*/2030-??' } }, { path: 'orders/eu/2030-01' }, true],
    ['StringLike, no match', { StringLike: { 'kms:EncryptionContext:path': 'orders/*' } }, { path: 'invoices/eu' }, false],
    ['StringNotLike', { StringNotLike: { 'kms:EncryptionContext:path': 'secret*' } }, { path: 'orders' }, true],
    [
      'two operators, both met',
      { StringEquals: { 'kms:EncryptionContext:a': '1' }, StringLike: { 'kms:EncryptionContext:b': '2*' } },
      { a: '1', b: '22' },
      true,
    ],
    [
      'two operators, one not met',
      { StringEquals: { 'kms:EncryptionContext:a': '1' }, StringLike: { 'kms:EncryptionContext:b': '2*' } },
      { a: '1', b: '3' },
      false,
    ],
  ])('%s', (_name, condition, context, allowed) => {
    expect(verdict(conditioned(condition), user, 'Encrypt', context) === 'allow').toBe(allowed);
  });
});

test('the default policy is the cloud one, and every reference example parses; the placeholder condition does not', () => {
  expect(JSON.parse(defaultKeyPolicy(OWNER))).toEqual({
    Statement: [
      { Action: ['kms:*'], Effect: 'Allow', Principal: { RAM: [`acs:ram::${OWNER}:*`] }, Resource: ['*'], Sid: 'kms default key policy' },
    ],
    Version: '1',
  });
  for (const doc of [SHAPE, ROLES, TWO_ACCOUNTS]) expect(() => parsePolicy(JSON.stringify(doc))).not.toThrow();
  expect(parsePolicy(JSON.stringify(SHAPE)).accounts).toEqual([OWNER, OTHER]);
  // The reference's template statement, with its "condition operator" placeholder, is not a policy.
  const template = { ...SHAPE.Statement[0], Condition: { 'condition operator': { 'condition key': 'condition value' } } };
  expect(() => parsePolicy(JSON.stringify({ Version: '1', Statement: [template] }))).toThrow(
    /Statement\[0\]\.Condition\.condition operator/,
  );
});

test('every KMS action is authorized: it names a key (decided as the key resolves), or is an account action, or needs no permission', () => {
  const keyParams = ['KeyId', 'CiphertextBlob', 'AliasName', 'ResourceId', 'ProtectedResourceArn', 'DestinationKeyId'];
  const unclassified = [...REGISTRY.get(KMS_VERSION)!.values()]
    .filter((a) => !(a.name in ACCOUNT_ACTIONS) && a.name !== 'DescribeRegions')
    .filter((a) => !Object.keys((a.input as unknown as { shape: object }).shape).some((k) => keyParams.includes(k)))
    .map((a) => a.name);
  expect(unclassified).toEqual([]);
});
