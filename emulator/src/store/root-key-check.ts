/**
 * The root key is never stored with the state, so a store cannot tell by itself that it was opened with a different
 * root key (another process on a shared database, or a state file copied without its root.key), which would wrap new
 * material under a key the old material was not wrapped under and fail every use of existing keys. A check value kept
 * in the store's settings (a constant wrapped under the root key: AES-GCM, so only the same key opens it) lets a start
 * with the wrong key fail at once.
 */
import type { RootKey } from '../crypto/root-key';
import type { Store } from '../domain/ports/store';

export const ROOT_KEY_CHECK = 'rootKeyCheck';
const CONSTANT = Buffer.from('alikms root key check v1');

/**
 * Records the root key's check value on first start; afterwards throws unless `rootKey` opens the recorded one.
 * Two first starts at the same instant with different keys could both record theirs (the later wins); the loser
 * finds out at its next start.
 */
export async function checkRootKey(store: Store, rootKey: RootKey, mismatch: string): Promise<void> {
  const recorded = await store.getSetting(ROOT_KEY_CHECK);
  if (recorded === undefined) return store.putSetting(ROOT_KEY_CHECK, rootKey.wrap(CONSTANT));
  if (typeof recorded === 'string' && opens(rootKey, recorded)) return;
  throw new Error(mismatch);
}

function opens(rootKey: RootKey, wrapped: string): boolean {
  try {
    return rootKey.unwrap(wrapped).equals(CONSTANT);
  } catch {
    return false;
  }
}
