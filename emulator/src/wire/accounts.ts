/**
 * Accounts, their RAM identities and their access keys. Each access key belongs to one account, and speaks for the
 * account itself, for one of its RAM users, or (an STS key) for one of its RAM roles; every resource is scoped to the
 * account of the key that signed the request. With no accounts file there is one account with the key `test`/`test`.
 *
 * File format (JSON):
 *   { "accounts": [ { "id": "1234567890123456", "admin": true,
 *                     "users": [ { "name": "intern", "policy": { "Version": "1", "Statement": [ … ] } } ],
 *                     "roles": [ { "name": "deployer" } ],
 *                     "accessKeys": [ { "id": "test", "secret": "test" },
 *                                     { "id": "intern-key", "secret": "…", "user": "intern" },
 *                                     { "id": "sts-key", "secret": "…", "securityToken": "…", "role": "deployer" } ] } ] }
 * A key with `securityToken` is an STS credential: requests signed with it must carry exactly that token. A user or
 * role a key names must be declared; its `policy` is its identity policy (the statement shape of a key policy, without
 * `Principal`), and one declared without a policy has full KMS access (our documented choice, so setups without
 * policies keep working). `admin` accounts may also use the emulator-wide admin endpoints (move the clock, export
 * material, act for other accounts); with no accounts file the one default account is an admin.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { principalArn, type Caller } from '../domain/authorization';
import { KmsError } from '../domain/errors';
import { parsePolicy, type Policy } from '../domain/policy';

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const Identity = z.strictObject({
  name: z.string().regex(NAME, 'RAM names are 1-64 letters, digits and . _ @ -'),
  policy: z.record(z.string(), z.unknown()).optional(),
});

const AccountsFile = z.object({
  accounts: z
    .array(
      z.object({
        id: z.string().regex(/^\d{16}$/, 'account ids are 16 digits'),
        admin: z.boolean().default(false),
        users: z.array(Identity).default([]),
        roles: z.array(Identity).default([]),
        accessKeys: z
          .array(
            z
              .object({
                id: z.string().min(1),
                secret: z.string().min(1),
                securityToken: z.string().optional(),
                user: z.string().optional(),
                role: z.string().optional(),
              })
              .refine((k) => !(k.user && k.role), 'an access key names a user or a role, not both')
              .refine((k) => !k.role || k.securityToken, 'a role is assumed through STS: its key needs a securityToken'),
          )
          .min(1),
      }),
    )
    .min(1),
});

export interface AccessKey {
  accountId: string;
  id: string;
  secret: string;
  securityToken?: string;
  /** The RAM user the key belongs to; neither this nor `role`: the account itself. */
  user?: string;
  /** The RAM role an STS key speaks for. */
  role?: string;
}

/** A RAM user or role of an account: its identity policy, if it has one (none: full KMS access). */
export interface RamIdentity {
  accountId: string;
  kind: 'user' | 'role';
  name: string;
  policy?: Policy;
}

/** Who an admin request speaks for: an account (through one of its access keys), or the admin token. */
export interface AdminCaller {
  /** Undefined for the admin token, which belongs to no account. */
  readonly accountId?: string;
  readonly admin: boolean;
}

export const DEFAULT_ACCOUNT_ID = '1234567890123456';
/** The one credential that is public by design (the README prints it), so it may be shown at start. */
export const DEFAULT_KEY: AccessKey = { accountId: DEFAULT_ACCOUNT_ID, id: 'test', secret: 'test' };

export class Accounts {
  private readonly byKeyId = new Map<string, AccessKey>();
  private readonly callers = new Map<string, Caller>();
  private readonly identities = new Map<string, RamIdentity>();
  private readonly admins: Set<string>;

  constructor(keys: AccessKey[], admins: Iterable<string> = [], identities: RamIdentity[] = []) {
    for (const i of identities) this.identities.set(identityId(i.accountId, i.kind, i.name), i);
    this.add(keys);
    this.admins = new Set(admins);
  }

  add(keys: AccessKey[]): void {
    for (const k of keys) {
      if (this.byKeyId.has(k.id)) throw new Error(`access key ${k.id} appears twice`);
      this.callers.set(k.id, this.callerFor(k));
      this.byKeyId.set(k.id, k);
    }
  }

  /** The built-in account with the well-known key test/test: an admin, since it is the only account there is. */
  static default(): Accounts {
    return new Accounts([DEFAULT_KEY], [DEFAULT_ACCOUNT_ID]);
  }

  static fromFile(file: string): Accounts {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`accounts file ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return Accounts.parse(raw, `accounts file ${file}`);
  }

  /** Accounts from the file's content; `source` names it in errors. */
  static parse(raw: unknown, source = 'accounts'): Accounts {
    const parsed = AccountsFile.safeParse(raw);
    if (!parsed.success) throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { accounts } = parsed.data;
    const identities = accounts.flatMap((a, n) =>
      (['user', 'role'] as const).flatMap((kind) =>
        a[`${kind}s`].map((i, m) => ({
          accountId: a.id,
          kind,
          name: i.name,
          policy: i.policy && identityPolicy(i.policy, `accounts.${n}.${kind}s.${m}.policy`, source),
        })),
      ),
    );
    try {
      return new Accounts(
        accounts.flatMap((a) => a.accessKeys.map((k) => ({ ...k, accountId: a.id }))),
        accounts.filter((a) => a.admin).map((a) => a.id),
        identities,
      );
    } catch (err) {
      throw new Error(`${source}: ${(err as Error).message}`);
    }
  }

  isAdmin(accountId: string): boolean {
    return this.admins.has(accountId);
  }

  find(accessKeyId: string): AccessKey | undefined {
    return this.byKeyId.get(accessKeyId);
  }

  /** Who requests signed with `key` come from, as the domain judges them. */
  callerOf(key: AccessKey): Caller {
    return this.callers.get(key.id) ?? this.callerFor(key);
  }

  all(): AccessKey[] {
    return [...this.byKeyId.values()];
  }

  private callerFor(k: AccessKey): Caller {
    const kind = k.user !== undefined ? 'user' : k.role !== undefined ? 'role' : undefined;
    if (!kind) return { accountId: k.accountId, principal: principalArn.root(k.accountId), accessKeyId: k.id };
    const name = (k.user ?? k.role)!;
    const identity = this.identities.get(identityId(k.accountId, kind, name));
    if (!identity)
      throw new Error(`access key ${k.id} names ${kind} ${name}, which account ${k.accountId} does not declare in its ${kind}s`);
    return {
      accountId: k.accountId,
      principal: principalArn[kind](k.accountId, name),
      accessKeyId: k.id,
      ...(identity.policy && { identityPolicies: [identity.policy] }),
    };
  }
}

const identityId = (accountId: string, kind: string, name: string) => `${accountId}/${kind}/${name}`;

function identityPolicy(doc: Record<string, unknown>, at: string, source: string): Policy {
  try {
    return parsePolicy(JSON.stringify(doc), 'identity', at);
  } catch (err) {
    throw new Error(`${source}: ${err instanceof KmsError ? err.message : String(err)}`);
  }
}
