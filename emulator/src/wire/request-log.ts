/**
 * The request log (`--request-log`, `--log-format`): one line per answered KMS API request, from the same report
 * metrics count (wire/server.ts `observe`). Nothing secret is in a record: no parameter value, signature or secret.
 *   text: `time requestId account accessKeyId action status code latency`
 *   json: {"time","requestId","accountId","accessKeyId","regionId","action","status","code","latencyMs","sourceIp"}
 * `code` is "OK" on success in both, as the metrics label it, so one query finds every failure.
 */
import type { RequestRecord } from './server';

export type LogFormat = 'text' | 'json';

export function formatRequest(r: RequestRecord, format: LogFormat): string {
  const time = new Date(r.time).toISOString();
  const code = r.code ?? 'OK';
  if (format === 'json')
    return JSON.stringify({
      time,
      requestId: r.requestId,
      accountId: r.accountId ?? null,
      accessKeyId: r.accessKeyId ?? null,
      regionId: r.regionId ?? null,
      action: r.action ?? null,
      status: r.status,
      code,
      latencyMs: Math.round(r.latencyMs * 10) / 10,
      sourceIp: r.sourceIp,
    });
  return [time, r.requestId, r.accountId ?? '-', r.accessKeyId ?? '-', r.action ?? '-', r.status, code, `${r.latencyMs.toFixed(1)}ms`].join(
    ' ',
  );
}

/** Writes each request's line to `write` (stderr by default). */
export const requestLogger =
  (format: LogFormat, write: (line: string) => void = (line) => process.stderr.write(line)) =>
  (r: RequestRecord): void =>
    write(formatRequest(r, format) + '\n');
