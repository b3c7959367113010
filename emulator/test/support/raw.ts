/**
 * Hand-made requests for the cases no SDK will produce (tampered, stale or replayed signatures, odd hosts, garbage).
 * Signing reuses the emulator's own functions (wire/signature.ts) to build a *valid* request, which a test then spoils.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { acs3Signature, percentEncode, rpcV1Signature, sha256Hex } from '../../src/wire/signature';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body, when it is JSON. */
  json?: Record<string, any>;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

/** One HTTP request on a fresh connection; rejects (never hangs) after `timeoutMs`. */
export function send(endpoint: string, r: RawRequest = {}): Promise<RawResponse> {
  const url = new URL(endpoint);
  // Node frames a GET body only when told its length; without it the bytes after the headers are not a body at all.
  const headers =
    r.body !== undefined && !Object.keys(r.headers ?? {}).some((h) => /^(content-length|transfer-encoding)$/i.test(h))
      ? { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) }
      : r.headers;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method ?? 'GET',
        path: r.path ?? '/',
        headers,
        agent: false,
        timeout: r.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, any> | undefined;
          try {
            json = JSON.parse(text) as Record<string, any>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(r.body);
  });
}

export const encodeParams = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');

export interface SigningOptions {
  accessKeyId?: string;
  secret?: string;
  securityToken?: string;
  /** ISO time the request claims to be signed at (default now). */
  timestamp?: string;
  nonce?: string;
}

const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Every parameter of a valid RPC v1 (HMAC-SHA1) request for `method`, Signature included. */
export function rpcV1Params(
  method: string,
  action: string,
  business: Record<string, string>,
  o: SigningOptions = {},
): Record<string, string> {
  const params: Record<string, string> = {
    Action: action,
    Version: '2016-01-20',
    Format: 'JSON',
    AccessKeyId: o.accessKeyId ?? 'test',
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: o.nonce ?? randomUUID(),
    Timestamp: o.timestamp ?? nowIso(),
    ...(o.securityToken !== undefined && { SecurityToken: o.securityToken }),
    ...business,
  };
  return { ...params, Signature: rpcV1Signature(method, params, o.secret ?? 'test') };
}

/** A valid RPC v1 GET: the signed parameters in the query string. */
export const rpcV1Get = (action: string, business: Record<string, string> = {}, o: SigningOptions = {}): RawRequest => ({
  method: 'GET',
  path: '/?' + encodeParams(rpcV1Params('GET', action, business, o)),
});

/** A valid ACS3-HMAC-SHA256 POST with the business parameters in the query (as openapi-client sends them). */
export function acs3Post(
  endpoint: string,
  action: string,
  query: Record<string, string> = {},
  o: SigningOptions & { host?: string; body?: string; headers?: Record<string, string>; signedHeaders?: string[] } = {},
): RawRequest {
  const body = o.body ?? '';
  const headers: Record<string, string> = {
    host: o.host ?? new URL(endpoint).host,
    'x-acs-action': action,
    'x-acs-version': '2016-01-20',
    'x-acs-date': o.timestamp ?? nowIso(),
    'x-acs-signature-nonce': o.nonce ?? randomUUID(),
    'x-acs-content-sha256': sha256Hex(body),
    ...(o.securityToken !== undefined && { 'x-acs-security-token': o.securityToken }),
    ...o.headers,
  };
  // What the official SDKs sign: every header here. A test may sign less, to see that it is refused.
  const signed = (o.signedHeaders ?? Object.keys(headers)).sort();
  const signature = acs3Signature(
    { method: 'POST', path: '/', query, headers, bodySha256Hex: sha256Hex(body) },
    signed,
    o.secret ?? 'test',
  );
  return {
    method: 'POST',
    path: Object.keys(query).length ? '/?' + encodeParams(query) : '/',
    body,
    headers: {
      ...headers,
      authorization: `ACS3-HMAC-SHA256 Credential=${o.accessKeyId ?? 'test'},SignedHeaders=${signed.join(';')},Signature=${signature}`,
    },
  };
}

/** An ISO timestamp `minutes` away from now. */
export const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
