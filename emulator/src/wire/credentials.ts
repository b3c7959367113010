/**
 * Who presents a credential outside the signed KMS API (the admin endpoints, the console's sign-in): an access key with
 * its secret (and its STS token, when it has one), or the emulator's admin token. Secrets are compared in constant
 * time; a wrong one is `Unauthenticated` whatever was wrong, so a refusal tells nothing about which keys exist.
 */
import { KmsError } from '../domain/errors';
import type { Accounts, AdminCaller } from './accounts';
import { sameSignature } from './signature';

export function adminTokenCaller(configured: string | undefined, given: string): AdminCaller {
  if (configured && sameSignature(given, configured)) return { admin: true };
  throw new KmsError('Unauthenticated');
}

export function accessKeyCaller(accounts: Accounts, id: string, secret: string, securityToken: string): AdminCaller {
  const key = accounts.find(id);
  if (!key || !sameSignature(secret, key.secret)) throw new KmsError('Unauthenticated');
  if ((key.securityToken ?? '') !== securityToken) throw new KmsError('InvalidSecurityToken.MismatchWithAccessKey');
  return { accountId: key.accountId, admin: accounts.isAdmin(key.accountId) };
}
