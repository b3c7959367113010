/** Retries with exponential backoff and jitter on throttling and transient failures; Cancel stops the waiting. */

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Set by the Cancel RPC: no new attempt starts once the engine asked us to stop. */
  cancelled?: () => boolean;
  onRetry?: (action: string, code: string, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 8000 };

/** Codes the cloud documents as "try again": throttling, internal failures, busy backends; plus network errors. */
const TRANSIENT = [
  /^Rejected\.Throttling$/,
  /^Throttling/,
  /^ServiceUnavailable/,
  /^InternalFailure$/,
  /^InternalError$/,
  /^UnknownError$/,
  /^NetworkError$/,
  /^Forbidden\.DKMSInstanceStateInvalid$/,
];
const NETWORK = /ECONNRESET|ETIMEDOUT|EPIPE|socket hang up|ReadTimeout|ConnectTimeout/i;

/** Refusals that come before the cloud does anything: safe to retry even for calls that must not run twice. */
const REFUSED = /^(Rejected\.)?Throttling/;

/**
 * `repeatable` false is for calls that make something new each time (CreateKey): after a timeout or a 5xx the first
 * call may have worked, so only a throttling refusal is retried.
 */
export function isTransient(code: string, message = '', statusCode?: number, repeatable = true): boolean {
  if (!repeatable) return REFUSED.test(code);
  if (TRANSIENT.some((re) => re.test(code))) return code !== 'NetworkError' || NETWORK.test(message);
  return statusCode === 503 || statusCode === 502;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function retrying<T>(policy: RetryPolicy, action: string, attempt: () => Promise<T>, repeatable = true): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      const err = e as { code?: string; detail?: string; message?: string; statusCode?: number };
      const transient = isTransient(err.code ?? '', err.detail ?? err.message ?? '', err.statusCode, repeatable);
      if (!transient || n >= policy.attempts || policy.cancelled?.()) throw e;
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
      const delay = Math.round(cap / 2 + Math.random() * (cap / 2));
      policy.onRetry?.(action, err.code ?? '', n, delay);
      await (policy.sleep ?? defaultSleep)(delay);
    }
  }
}
