/**
 * PKCS#11 error normalisation (pkcs11-softhsm.md §5 "Inconsistent error objects").
 *
 * pkcs11js throws two shapes: most calls a `Pkcs11Error {message: 'CKR_X', code}`, but C_SetAttributeValue,
 * C_CreateObject and C_CopyObject a plain `Error('CKR_X:16')`. Both are read with one regex, so the rest of the
 * backend only ever compares CKR names.
 */
import { CryptoFailure } from '../../domain/ports/crypto-backend';

const CKR = /^(CKR_[A-Z0-9_]+)(?::(\d+))?/;

/** The CKR_* name carried by a pkcs11js error, or undefined for anything else (our own errors, dlopen failures). */
export function ckrOf(err: unknown): string | undefined {
  if (!(err instanceof Error) || err instanceof CryptoFailure || err instanceof Pkcs11StartupError || err instanceof Pkcs11KeyMissing)
    return undefined;
  return CKR.exec(err.message)?.[1];
}

/**
 * Errors after which the library, the sessions or the login are gone: the recipe is C_Finalize + C_Initialize,
 * find the slot again, log in again (pkcs11-softhsm.md §5 "Clean re-init recipe"). CKR_GENERAL_ERROR is not here:
 * SoftHSM also returns it for a GCM tag mismatch, which must never trigger a reconnect (§7 pitfall 8).
 */
const CONNECTION_LOST = new Set([
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
  'CKR_CRYPTOKI_NOT_INITIALIZED',
  'CKR_DEVICE_ERROR',
  'CKR_DEVICE_REMOVED',
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_USER_NOT_LOGGED_IN',
]);

export const isConnectionLost = (ckr: string | undefined): boolean => ckr !== undefined && CONNECTION_LOST.has(ckr);

/** A cached object handle went stale (e.g. another process destroyed the object, or handles were renumbered). */
export const isStaleHandle = (ckr: string | undefined): boolean => ckr === 'CKR_OBJECT_HANDLE_INVALID' || ckr === 'CKR_KEY_HANDLE_INVALID';

/** The token does not accept a mechanism or its parameters: SoftHSM 2.6.1 answers OAEP-SHA-256 with ARGUMENTS_BAD. */
export const isMechanismRefused = (ckr: string | undefined): boolean =>
  ckr === 'CKR_MECHANISM_INVALID' || ckr === 'CKR_MECHANISM_PARAM_INVALID' || ckr === 'CKR_ARGUMENTS_BAD';

/**
 * The PKCS#11 configuration cannot be used: missing module, missing token, wrong PIN. Startup stops with this message;
 * the emulator never falls back to serving hardware keys in software.
 */
export class Pkcs11StartupError extends Error {
  override readonly name = 'Pkcs11StartupError';
}

/** A token object named by a MaterialRef is not in the token (deleted outside the emulator, or another token). */
export class Pkcs11KeyMissing extends Error {
  override readonly name = 'Pkcs11KeyMissing';
}

/**
 * The refusal for what the token (or the HSM kind on SoftHSM2) cannot do: never silently done in software instead.
 * The domain maps kind 'unsupported' to its documented error for the algorithm on HSM keys.
 */
export function unsupportedOnHsm(what: string, why: string): CryptoFailure {
  return new CryptoFailure('unsupported', `${what} is unsupported on HSM keys: ${why}`);
}

/** Appends the CKR name to our context, for errors that reach the operator (InternalFailure, startup). */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return ckrOf(err) ?? err.message;
}

/** What SoftHSM answers for a failed GCM tag / OAEP / PKCS#1 unpadding (§7 pitfall 8), besides the standard codes. */
export const DECRYPT_FAILED = new Set(['CKR_GENERAL_ERROR', 'CKR_ENCRYPTED_DATA_INVALID', 'CKR_ENCRYPTED_DATA_LEN_RANGE']);
export const UNWRAP_FAILED = new Set([...DECRYPT_FAILED, 'CKR_WRAPPED_KEY_INVALID', 'CKR_WRAPPED_KEY_LEN_RANGE']);

/** Token answers that mean "the input was wrong" become the CryptoFailure the domain expects. */
export async function failAs<T>(kind: 'decrypt' | 'material', message: string, codes: Set<string>, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (codes.has(ckrOf(err) ?? '')) throw new CryptoFailure(kind, message);
    throw err;
  }
}

/**
 * Mechanism variants the token refused at *Init (OAEP-SHA-256 on SoftHSM 2.6.1 answers CKR_ARGUMENTS_BAD): the
 * refusal becomes 'unsupported' and is remembered, so the token is asked once. An HSM that has it just works.
 */
export class Refusals {
  private readonly refused = new Set<string>();

  init(algorithm: string, call: () => void): void {
    const gap = `the token refuses ${algorithm} (SoftHSM2 2.6.1 supports RSA-OAEP with SHA-1 only)`;
    if (this.refused.has(algorithm)) throw unsupportedOnHsm(algorithm, gap);
    try {
      call();
    } catch (err) {
      if (!isMechanismRefused(ckrOf(err))) throw err;
      this.refused.add(algorithm);
      throw unsupportedOnHsm(algorithm, gap);
    }
  }
}

/** Keeps async inputs reachable until the call that reads them has settled (the native worker holds raw pointers). */
export function keepAlive(...buffers: Buffer[]): number {
  return buffers.length;
}
