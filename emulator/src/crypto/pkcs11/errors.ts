/**
 * PKCS#11 error normalisation (pkcs11-softhsm.md §5 "Inconsistent error objects").
 *
 * pkcs11js throws two shapes: most calls a `Pkcs11Error {message: 'CKR_X', code}`, but C_SetAttributeValue,
 * C_CreateObject and C_CopyObject a plain `Error('CKR_X:16')`. Both are read with one regex, so the rest of the
 * backend only ever compares CKR names.
 */
import { CryptoFailure } from '../backend';

const CKR = /^(CKR_[A-Z0-9_]+)(?::(\d+))?/;

/** The CKR_* name carried by a pkcs11js error, or undefined for anything else (our own errors, dlopen failures). */
export function ckrOf(err: unknown): string | undefined {
  if (!(err instanceof Error) || err instanceof CryptoFailure || err instanceof Pkcs11StartupError || err instanceof Pkcs11KeyMissing) return undefined;
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
