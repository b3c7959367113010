/** The one place error kinds become HTTP: each kind's status, and the headers a kind adds (kms-openapi.md §3.5). */
import type { ErrorKind, KmsError } from '../domain/errors';

export const HTTP_STATUS: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  throttled: 429,
  tooLarge: 413,
  headerTooLarge: 431,
  timeout: 408,
  internal: 500,
};

export const statusOf = (err: KmsError): number => HTTP_STATUS[err.kind];

/** A throttled call says when to retry, in milliseconds, as Alibaba's gateway does. */
export function headersOf(err: KmsError): Record<string, string> {
  if (err.retryAfterMs !== undefined) return { 'x-acs-retry-after': String(err.retryAfterMs) };
  if (err.kind === 'unauthenticated') return { 'www-authenticate': 'Basic realm="alikms"' };
  return {};
}
