/**
 * Who may do what (../shared/reference/key-policies.md): every call that names a key is decided here, from the key's
 * policy and the caller's identity policies, with Alibaba's model:
 *   - an explicit Deny in either wins;
 *   - a caller of the key's own account needs an Allow in either;
 *   - a caller of another account needs an Allow in both, names the key by ARN, and may only use it (CROSS_ACCOUNT);
 *     managing a key (state, deletion, policy, aliases, tags, rotation) stays with its owner whatever a policy says.
 * Our documented choices:
 *   - key policies apply to keys in KMS instances, as in the cloud; a key outside any instance (KMS 1.0 keys, the
 *     default CMK, service keys) keeps the policy it is given but is decided by identity policies alone, and stays
 *     invisible to other accounts (Forbidden.KeyNotFound), as a default key in an instance does;
 *   - the account itself (root), and a RAM identity declared without a policy, have full KMS access of their own;
 *   - the owning account may always read and set its key's policy, so no policy can lock it out.
 * Actions that name no key (CreateKey, ListKeys, instances, …) are decided by identity policies alone (ACCOUNT_ACTIONS).
 */
import { KmsError } from './errors';
import { keyArn } from './ids';
import type { Key, Scope } from './model';
import { defaultKeyPolicy, evaluate, parsePolicy, type Policy, type PolicyRequest, type Verdict } from './policy';

/** Who is calling: an account itself, or one of its RAM users or roles. Built by the wire layer from the access key. */
export interface Caller {
  readonly accountId: string;
  /** acs:ram::<account>:root, acs:ram::<account>:user/<name> or acs:ram::<account>:role/<name>. */
  readonly principal: string;
  /** The access key that signed the call (absent for the emulator's own calls on an account's behalf). */
  readonly accessKeyId?: string;
  /** The RAM identity's policies; undefined is full KMS access (the account itself, or an identity declared without any). */
  readonly identityPolicies?: readonly Policy[];
}

/** One API call as the domain sees it: where it acts, who makes it, which action, and who hears of the keys it names. */
export interface Access {
  /** The caller's account and the request's region. */
  readonly scope: Scope;
  readonly caller: Caller;
  /** The API action (`Encrypt`): policies name it `kms:Encrypt`. */
  readonly action: string;
  /** Told the ARN of every key the call names (the request log and audit log), allowed or not. */
  readonly touched?: (keyArn: string) => void;
}

export type EncryptionContext = Readonly<Record<string, string>> | undefined;

export const principalArn = {
  root: (accountId: string) => `acs:ram::${accountId}:root`,
  user: (accountId: string, name: string) => `acs:ram::${accountId}:user/${name}`,
  role: (accountId: string, name: string) => `acs:ram::${accountId}:role/${name}`,
};

export const rootCaller = (accountId: string): Caller => ({ accountId, principal: principalArn.root(accountId) });

/** A call made by an account itself (seeds, tests, the emulator's own helpers acting for an account). */
export const ownerAccess = (scope: Scope, action: string): Access => ({ scope, caller: rootCaller(scope.accountId), action });

/** What another account may do with a key shared with it: cryptography and reading the key. */
export const CROSS_ACCOUNT_ACTIONS: ReadonlySet<string> = new Set([
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateAndExportDataKey',
  'ExportDataKey',
  'AsymmetricSign',
  'AsymmetricVerify',
  'AsymmetricEncrypt',
  'AsymmetricDecrypt',
  'GenerateMac',
  'VerifyMac',
  'GetPublicKey',
  'DescribeKey',
  'DescribeKeyVersion',
  'ListKeyVersions',
]);

/** KMS actions that name no key, and the container (acs:kms:<region>:<account>:<container>) identity policies see. */
export const ACCOUNT_ACTIONS: Readonly<Record<string, 'key' | 'alias' | 'instance'>> = {
  CreateKey: 'key',
  ListKeys: 'key',
  ListTagResources: 'key',
  ListAliases: 'alias',
  GetKmsInstance: 'instance',
  ListKmsInstances: 'instance',
  GetKmsInstanceQuotaInfos: 'instance',
  GetDefaultKmsInstance: 'instance',
  ConnectKmsInstance: 'instance',
  UpdateKmsInstance: 'instance',
  UpdateKmsInstanceBindVpc: 'instance',
  ReleaseKmsInstance: 'instance',
  OpenKmsService: 'instance',
  DescribeAccountKmsStatus: 'instance',
};

const compiled = new WeakMap<Key, Policy>();
const defaults = new Map<string, Policy>();

/** The policy a key is judged by: its own, or the default one of its account (remembered per stored record). */
export function keyPolicyOf(key: Key): Policy {
  let policy = compiled.get(key);
  if (!policy) {
    policy = key.policy === undefined ? defaultPolicyOf(key.accountId) : storedPolicy(key.policy);
    compiled.set(key, policy);
  }
  return policy;
}

function defaultPolicyOf(accountId: string): Policy {
  let policy = defaults.get(accountId);
  if (!policy) defaults.set(accountId, (policy = parsePolicy(defaultKeyPolicy(accountId))));
  return policy;
}

function storedPolicy(text: string): Policy {
  try {
    return parsePolicy(text);
  } catch {
    // Stored before policies were validated: it grants and denies nothing, so the owner keeps its own access.
    return { statements: [], accounts: [] };
  }
}

/** Throws Forbidden.NoPermission unless the call may act on `key`; `context` is the call's encryption context. */
export function authorizeKey(access: Access, key: Key, context?: EncryptionContext): void {
  const { caller, action } = access;
  const arn = keyArn(key.regionId, key.accountId, key.keyId);
  const own = caller.accountId === key.accountId;
  const refuse = (why: string) => refusal(access, arn, why);
  if (!own) {
    // A key no policy can share stays invisible to other accounts, as it was before key policies were evaluated.
    if (!shareable(key)) throw new KmsError('Forbidden.KeyNotFound');
    if (!CROSS_ACCOUNT_ACTIONS.has(action)) throw refuse('only the owning account manages a key');
  }
  if (own && caller.principal === principalArn.root(caller.accountId) && (action === 'GetKeyPolicy' || action === 'SetKeyPolicy')) return;
  const request: PolicyRequest = { principal: caller.principal, action: `kms:${action}`, resource: arn, context };
  const byKey = key.dkmsInstanceId ? evaluate(keyPolicyOf(key), request) : undefined;
  if (byKey === 'deny') throw refuse('an explicit Deny in the key policy');
  const byIdentity = identityVerdict(caller, request);
  if (byIdentity === 'deny') throw refuse(`an explicit Deny in the identity policy of ${caller.principal}`);
  if (own ? byKey === 'allow' || byIdentity === 'allow' : byKey === 'allow' && byIdentity === 'allow') return;
  if (own) throw refuse('no Allow in the key policy or the identity policy');
  throw refuse(byKey !== 'allow' ? 'the key policy does not allow it' : `the identity policy of ${caller.principal} does not allow it`);
}

/** Whether a key policy can share `key` with other accounts: keys in instances, except default keys. */
export const shareable = (key: Key) => key.dkmsInstanceId !== undefined && !key.defaultKey && key.creatorType !== 'Service';

/** Throws Forbidden.NoPermission unless the caller's identity policies allow an action that names no key. */
export function authorizeAccount(access: Access, container = ACCOUNT_ACTIONS[access.action]): void {
  if (container === undefined || access.caller.identityPolicies === undefined) return;
  const { scope, caller, action } = access;
  const resource = `acs:kms:${scope.regionId}:${scope.accountId}:${container}`;
  const verdict = identityVerdict(caller, { principal: caller.principal, action: `kms:${action}`, resource });
  if (verdict !== 'allow')
    throw refusal(access, resource, verdict === 'deny' ? 'an explicit Deny in the identity policy' : 'no Allow in the identity policy');
}

function identityVerdict(caller: Caller, request: PolicyRequest): Verdict {
  if (caller.identityPolicies === undefined) return 'allow';
  let verdict: Verdict;
  for (const p of caller.identityPolicies) {
    const v = evaluate(p, request);
    if (v === 'deny') return 'deny';
    verdict ??= v;
  }
  return verdict;
}

const refusal = (access: Access, resource: string, why: string) =>
  new KmsError('Forbidden.NoPermission', `kms:${access.action} on ${resource} by ${access.caller.principal}: ${why}.`);
