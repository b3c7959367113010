/**
 * Accounts and their access keys. Each access key belongs to one account; every resource is scoped to the account
 * of the key that signed the request. With no accounts file there is one account with the key `test`/`test`.
 *
 * File format (JSON):
 *   { "accounts": [ { "id": "1234567890123456",
 *                     "accessKeys": [ { "id": "test", "secret": "test", "securityToken": "optional STS token" } ] } ] }
 * A key with `securityToken` is an STS credential: requests signed with it must carry exactly that token.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const AccountsFile = z.object({
  accounts: z
    .array(
      z.object({
        id: z.string().regex(/^\d{16}$/, 'account ids are 16 digits'),
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

export const DEFAULT_ACCOUNT_ID = '1234567890123456';

export class Accounts {
  private readonly byKeyId = new Map<string, AccessKey>();

  constructor(keys: AccessKey[]) {
    this.add(keys);
  }

  add(keys: AccessKey[]): void {
    for (const k of keys) {
      if (this.byKeyId.has(k.id)) throw new Error(`access key ${k.id} appears twice`);
      this.byKeyId.set(k.id, k);
    }
  }

  static default(): Accounts {
    return new Accounts([{ accountId: DEFAULT_ACCOUNT_ID, id: 'test', secret: 'test' }]);
  }

  static fromFile(file: string): Accounts {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`accounts file ${file}: ${(err as Error).message}`);
    }
    const parsed = AccountsFile.safeParse(json);
    if (!parsed.success)
      throw new Error(`accounts file ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return new Accounts(parsed.data.accounts.flatMap((a) => a.accessKeys.map((k) => ({ ...k, accountId: a.id }))));
  }

  find(accessKeyId: string): AccessKey | undefined {
    return this.byKeyId.get(accessKeyId);
  }

  all(): AccessKey[] {
    return [...this.byKeyId.values()];
  }
}
