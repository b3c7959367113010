/**
 * Key policies and RAM identity policies (../shared/reference/key-policies.md): the document is validated once, compiled
 * into matchers, and cached by its text, so evaluating a policy on every call costs a lookup and a few comparisons.
 *
 * What a policy may hold (anything else is InvalidParameter naming the element):
 *   { "Version": "1", "Statement": [ { "Sid"?, "Effect": "Allow"|"Deny",
 *       "Principal": { "RAM": [ARN, …] }   (key policies only; ARNs acs:ram::<account>:root|*|user/<name>|role/<name>)
 *       "Action": ["kms:<Api>", "kms:*", "kms:Get*", "*"], "Resource": ["*", "acs:kms:<region>:<account>:key/<id>", …],
 *       "Condition"?: { "<operator>": { "kms:EncryptionContext:<key>": value or [values] } } } ] }
 * Wildcards `*` and `?` work in principals, actions and resources. Our documented choices: every principal names its
 * account (no bare `*`: sharing is counted per account); NotAction / NotResource / NotPrincipal are not supported; the
 * condition operators are those in CONDITION_OPERATORS, on encryption-context keys only; actions compare without case.
 */
import { KmsError } from './errors';
import { LIMITS } from './limits';

export type PolicyKind = 'key' | 'identity';
export type Verdict = 'allow' | 'deny' | undefined;

/** A call as a statement sees it. */
export interface PolicyRequest {
  /** The caller's ARN (acs:ram::<account>:root|user/<name>|role/<name>). */
  readonly principal: string;
  /** `kms:<Api>`. */
  readonly action: string;
  /** The key's ARN, or the container an action without a key acts on (acs:kms:<region>:<account>:key). */
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

type Match = (value: string) => boolean;

interface Condition {
  readonly test: (value: string | undefined) => boolean;
  readonly contextKey: string;
}

interface Statement {
  readonly allow: boolean;
  readonly principals?: Match;
  readonly actions: Match;
  readonly resources: Match;
  readonly conditions: readonly Condition[];
}

export interface Policy {
  readonly statements: readonly Statement[];
  /** The accounts named by the principals of Allow statements (a key policy shares the key with each one). */
  readonly accounts: readonly string[];
}

const CONTEXT_KEY = 'kms:EncryptionContext:';
const PRINCIPAL = /^acs:ram::(\d{16}):(root|\*|(?:user|role)\/[\w.@*?+=,-]+)$/;
const ACTION = /^(\*|kms:[A-Za-z*?]+)$/;
const RESOURCE = /^(\*|acs:kms:[\w*?-]*:[\d*?]*:\S+)$/;

/** Condition operators: given a statement's values, the test of one context value (absent: the key is not in the context). */
const CONDITION_OPERATORS: Record<string, (values: readonly string[]) => (actual: string | undefined) => boolean> = {
  StringEquals: (vs) => (a) => a !== undefined && vs.includes(a),
  StringNotEquals: (vs) => (a) => a === undefined || !vs.includes(a),
  StringEqualsIgnoreCase: (vs) => {
    const lower = vs.map((v) => v.toLowerCase());
    return (a) => a !== undefined && lower.includes(a.toLowerCase());
  },
  StringNotEqualsIgnoreCase: (vs) => {
    const lower = vs.map((v) => v.toLowerCase());
    return (a) => a === undefined || !lower.includes(a.toLowerCase());
  },
  StringLike: (vs) => {
    const like = matcher(vs);
    return (a) => a !== undefined && like(a);
  },
  StringNotLike: (vs) => {
    const like = matcher(vs);
    return (a) => a === undefined || !like(a);
  },
};

/** The policy a key gets when it is created without one: every identity of the owning account may do everything. */
export function defaultKeyPolicy(accountId: string): string {
  return JSON.stringify({
    Statement: [
      {
        Action: ['kms:*'],
        Effect: 'Allow',
        Principal: { RAM: [`acs:ram::${accountId}:*`] },
        Resource: ['*'],
        Sid: 'kms default key policy',
      },
    ],
    Version: '1',
  });
}

const CACHE_SIZE = 1000;
const caches: Record<PolicyKind, Map<string, Policy>> = { key: new Map(), identity: new Map() };

/** The compiled policy of `text`, validated as `kind`; throws InvalidParameter naming the element `name` + its path. */
export function parsePolicy(text: string, kind: PolicyKind = 'key', name = 'Policy'): Policy {
  const cache = caches[kind];
  const hit = cache.get(text);
  if (hit) return hit;
  if (Buffer.byteLength(text) > LIMITS.policyMaxBytes) throw bad(name, `at most ${LIMITS.policyMaxBytes} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw bad(name, 'a JSON document');
  }
  const policy = compile(doc, kind, name);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(text, policy);
  return policy;
}

/** Allow when a statement allows the request, deny when one denies it (a Deny wins), else undefined. */
export function evaluate(policy: Policy, request: PolicyRequest): Verdict {
  let verdict: Verdict;
  const action = request.action.toLowerCase();
  for (const s of policy.statements) {
    if (s.principals && !s.principals(request.principal)) continue;
    if (!s.actions(action) || !s.resources(request.resource)) continue;
    if (!s.conditions.every((c) => c.test(request.context?.[c.contextKey]))) continue;
    if (!s.allow) return 'deny';
    verdict = 'allow';
  }
  return verdict;
}

function compile(doc: unknown, kind: PolicyKind, name: string): Policy {
  if (!isObject(doc)) throw bad(name, 'a JSON object');
  only(doc, ['Version', 'Statement'], name);
  if (doc.Version !== '1') throw bad(`${name}.Version`, '"1"');
  if (!Array.isArray(doc.Statement)) throw bad(`${name}.Statement`, 'a list of statements');
  const accounts = new Set<string>();
  const statements = doc.Statement.map((raw, n) => statement(raw, kind, `${name}.Statement[${n}]`, accounts));
  return { statements, accounts: [...accounts] };
}

function statement(raw: unknown, kind: PolicyKind, at: string, accounts: Set<string>): Statement {
  if (!isObject(raw)) throw bad(at, 'an object');
  only(raw, ['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition'], at);
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string') throw bad(`${at}.Sid`, 'a string');
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') throw bad(`${at}.Effect`, 'Allow or Deny');
  let principals: Match | undefined;
  if (kind === 'identity') {
    if (raw.Principal !== undefined) throw bad(`${at}.Principal`, 'absent in an identity policy');
  } else {
    if (!isObject(raw.Principal)) throw bad(`${at}.Principal`, '{"RAM": [ARN, …]}');
    only(raw.Principal, ['RAM'], `${at}.Principal`);
    const arns = list(raw.Principal.RAM, `${at}.Principal.RAM`, PRINCIPAL, 'acs:ram::<account-id>:root, :*, :user/<name> or :role/<name>');
    if (raw.Effect === 'Allow') for (const arn of arns) accounts.add(PRINCIPAL.exec(arn)![1]);
    principals = matcher(arns);
  }
  const actions = list(raw.Action, `${at}.Action`, ACTION, 'kms:<Action>, with * wildcards').map((a) => a.toLowerCase());
  const resources = list(raw.Resource, `${at}.Resource`, RESOURCE, '* or acs:kms:<region>:<account>:key/<key-id>');
  return {
    allow: raw.Effect === 'Allow',
    principals,
    actions: matcher(actions),
    resources: matcher(resources),
    conditions: raw.Condition === undefined ? [] : conditions(raw.Condition, `${at}.Condition`),
  };
}

function conditions(raw: unknown, at: string): Condition[] {
  if (!isObject(raw)) throw bad(at, 'an object');
  const out: Condition[] = [];
  for (const [operator, byKey] of Object.entries(raw)) {
    const operatorOf = Object.hasOwn(CONDITION_OPERATORS, operator) ? CONDITION_OPERATORS[operator] : undefined;
    if (!operatorOf) throw bad(`${at}.${operator}`, `one of ${Object.keys(CONDITION_OPERATORS).join(', ')}`);
    if (!isObject(byKey)) throw bad(`${at}.${operator}`, 'an object of condition keys');
    for (const [key, value] of Object.entries(byKey)) {
      if (!key.startsWith(CONTEXT_KEY) || key.length === CONTEXT_KEY.length) throw bad(`${at}.${operator}.${key}`, `${CONTEXT_KEY}<key>`);
      const values = list(value, `${at}.${operator}.${key}`, /^/, 'a string or a list of strings');
      out.push({ contextKey: key.slice(CONTEXT_KEY.length), test: operatorOf(values) });
    }
  }
  return out;
}

/** A string or a non-empty list of strings, each matching `shape`. */
function list(raw: unknown, at: string, shape: RegExp, expected: string): string[] {
  const items = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(items) || items.length === 0) throw bad(at, expected);
  items.forEach((item, n) => {
    if (typeof item !== 'string' || !shape.test(item)) throw bad(Array.isArray(raw) ? `${at}[${n}]` : at, expected);
  });
  return items as string[];
}

function matcher(patterns: readonly string[]): Match {
  if (patterns.includes('*')) return () => true;
  const exact = new Set(patterns.filter((p) => !/[*?]/.test(p)));
  const wild = patterns.filter((p) => /[*?]/.test(p)).map(wildcard);
  return wild.length === 0 ? (v) => exact.has(v) : (v) => exact.has(v) || wild.some((w) => w(v));
}

/**
 * A `*`/`?` pattern as a test, in time linear in the pattern times the value whatever the pattern: a regular
 * expression of many `*` backtracks exponentially, and a tenant could send one in a policy. `*` alone (the usual form)
 * is matched piece by piece with indexOf, each piece at its leftmost place; with `?`, one pass backs up to the last `*`.
 */
function wildcard(pattern: string): Match {
  if (pattern.includes('?')) return (value) => globMatch(pattern, value);
  const [first, ...rest] = pattern.split('*');
  const last = rest.pop()!;
  return (v) => {
    if (v.length < first.length + last.length || !v.startsWith(first) || !v.endsWith(last)) return false;
    let at = first.length;
    for (const piece of rest) {
      at = v.indexOf(piece, at);
      if (at < 0 || at + piece.length > v.length - last.length) return false;
      at += piece.length;
    }
    return true;
  };
}

function globMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    if (pattern[p] === '*') {
      star = p++;
      resume = v;
    } else if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

function only(o: Record<string, unknown>, allowed: readonly string[], at: string): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) throw new KmsError('InvalidParameter', `${at}.${k}: not supported (only ${allowed.join(', ')})`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (element: string, expected: string) => new KmsError('InvalidParameter', `${element}: expected ${expected}`);
