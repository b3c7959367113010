/**
 * Accounts and their access keys. Each access key belongs to one account; every resource is scoped to the account
 * of the key that signed the request. With no accounts file there is one account with the key `test`/`test`.
 *
 * File format (JSON):
 *   { "accounts": [ { "id": "1234567890123456", "admin": true,
 *                     "accessKeys": [ { "id": "test", "secret": "test", "securityToken": "optional STS token" } ] } ] }
 * A key with `securityToken` is an STS credential: requests signed with it must carry exactly that token.
 * `admin` accounts may also use the emulator-wide admin endpoints (move the clock, export material, act for other
 * accounts); with no accounts file the one default account is an admin.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const AccountsFile = z.object({
  accounts: z
    .array(
      z.object({
        id: z.string().regex(/^\d{16}$/, 'account ids are 16 digits'),
        admin: z.boolean().default(false),
        accessKeys: z.array(z.object({ id: z.string().min(1), secret: z.string().min(1), securityToken: z.string().optional() })).min(1),
      }),
    )
    .min(1),
});

export interface AccessKey {
  accountId: string;
  id: string;
  secret: string;
  securityToken?: string;
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
  private readonly admins: Set<string>;

  constructor(keys: AccessKey[], admins: Iterable<string> = []) {
    this.add(keys);
    this.admins = new Set(admins);
  }

  add(keys: AccessKey[]): void {
    for (const k of keys) {
      if (this.byKeyId.has(k.id)) throw new Error(`access key ${k.id} appears twice`);
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
    const parsed = AccountsFile.safeParse(raw);
    if (!parsed.success)
      throw new Error(`accounts file ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { accounts } = parsed.data;
    return new Accounts(
      accounts.flatMap((a) => a.accessKeys.map((k) => ({ ...k, accountId: a.id }))),
      accounts.filter((a) => a.admin).map((a) => a.id),
    );
  }

  isAdmin(accountId: string): boolean {
    return this.admins.has(accountId);
  }

  find(accessKeyId: string): AccessKey | undefined {
    return this.byKeyId.get(accessKeyId);
  }

  all(): AccessKey[] {
    return [...this.byKeyId.values()];
  }
}
