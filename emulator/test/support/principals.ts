/**
 * Three accounts with RAM identities, for the key-policy tests: A owns keys; B and C are other accounts.
 *   A: root `a-root`; user intern (identity policy: Deny kms:Decrypt, nothing allowed); user auditor (no policy: full access)
 *   B: root `b-root`; user app (may use A's keys: Encrypt, Decrypt, GenerateDataKey, DescribeKey on acs:kms:*:A:key/*);
 *      user limited (may only DescribeKey); role ci (STS key; kms:*)
 *   C: root `c-root`
 */
import { Accounts } from '../../src/wire/accounts';
import type { Credentials } from './clients';

export const A = '5100000000000001';
export const B = '5100000000000002';
export const C = '5100000000000003';

const allow = (actions: string[], resource = '*') => ({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }],
});

export const PRINCIPALS = Accounts.parse({
  accounts: [
    {
      id: A,
      users: [
        { name: 'intern', policy: { Version: '1', Statement: [{ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }] } },
        { name: 'auditor' },
      ],
      accessKeys: [
        { id: 'a-root', secret: 'a-secret' },
        { id: 'a-intern', secret: 'intern-secret', user: 'intern' },
        { id: 'a-auditor', secret: 'auditor-secret', user: 'auditor' },
      ],
    },
    {
      id: B,
      users: [
        { name: 'app', policy: allow(['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], `acs:kms:*:${A}:key/*`) },
        { name: 'limited', policy: allow(['kms:DescribeKey']) },
      ],
      roles: [{ name: 'ci', policy: allow(['kms:*']) }],
      accessKeys: [
        { id: 'b-root', secret: 'b-secret' },
        { id: 'b-app', secret: 'app-secret', user: 'app' },
        { id: 'b-limited', secret: 'limited-secret', user: 'limited' },
        { id: 'b-ci', secret: 'ci-secret', securityToken: 'ci-token', role: 'ci' },
      ],
    },
    { id: C, accessKeys: [{ id: 'c-root', secret: 'c-secret' }] },
  ],
});

const KEYS: Record<string, [string, string?]> = {
  'a-root': ['a-secret'],
  'a-intern': ['intern-secret'],
  'a-auditor': ['auditor-secret'],
  'b-root': ['b-secret'],
  'b-app': ['app-secret'],
  'b-limited': ['limited-secret'],
  'b-ci': ['ci-secret', 'ci-token'],
  'c-root': ['c-secret'],
};

/** The credentials of access key `id` against `endpoint`. */
export function as(emu: { endpoint: string }, id: keyof typeof KEYS): Credentials {
  const [secret, securityToken] = KEYS[id];
  return { endpoint: emu.endpoint, accessKeyId: id, accessKeySecret: secret, ...(securityToken && { securityToken }) };
}

/** A key policy: the owning account keeps kms:*, and each extra statement is added. */
export function policy(...statements: Record<string, unknown>[]): string {
  const owner = { Sid: 'owner', Effect: 'Allow', Principal: { RAM: [`acs:ram::${A}:*`] }, Action: ['kms:*'], Resource: ['*'] };
  return JSON.stringify({ Version: '1', Statement: [owner, ...statements] });
}

/** A statement letting `principals` make `actions`. */
export const grant = (principals: string[], actions: string[], extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Principal: { RAM: principals },
  Action: actions,
  Resource: ['*'],
  ...extra,
});
