/**
 * The two request-signing schemes the SDKs use, computed server-side from decoded parameters
 * (kms-openapi.md §2.6; verified there against every captured SDK request).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Params } from './params';

/** RFC 3986 percent-encoding as Alibaba specifies it: space -> %20, `*` -> %2A, `~` kept. */
export function percentEncode(s: string): string {
  const encoded = encodeURIComponent(s);
  return RESERVED_BY_RFC3986.test(encoded)
    ? encoded.replace(RESERVED_BY_RFC3986_ALL, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    : encoded;
}

/** What encodeURIComponent leaves alone but RFC 3986 (and Alibaba) encode. */
const RESERVED_BY_RFC3986 = /[!'()*]/;
const RESERVED_BY_RFC3986_ALL = /[!'()*]/g;

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** RPC SignatureVersion 1.0: Base64(HMAC-SHA1(secret + '&', METHOD&%2F&encode(canonical query))). */
export function rpcV1Signature(method: string, params: Params, secret: string): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort(byCodePoint)
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`)
    .join('&');
  // The canonical string holds only unreserved characters, `%`, `=` and `&`, for which encodeURIComponent already is
  // RFC 3986 encoding: the [!'()*] pass of percentEncode would scan ~1.5 KB per Encrypt for nothing.
  const stringToSign = `${method}&%2F&${encodeURIComponent(canonical)}`;
  return createHmac('sha1', secret + '&')
    .update(stringToSign)
    .digest('base64');
}

export interface Acs3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=a;b,Signature=hex` -> its parts, or undefined when malformed. */
export function parseAcs3Authorization(header: string): Acs3Authorization | undefined {
  const m = /^ACS3-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(header.trim());
  return m ? { accessKeyId: m[1], signedHeaders: m[2].split(';'), signature: m[3] } : undefined;
}

export interface Acs3Request {
  method: string;
  path: string;
  query: Params;
  headers: Record<string, string | string[] | undefined>;
  bodySha256Hex: string;
}

/** ACS3-HMAC-SHA256: hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical request)))). */
export function acs3Signature(req: Acs3Request, signedHeaders: string[], secret: string): string {
  const query = Object.keys(req.query)
    .sort(byCodePoint)
    .map((k) => `${percentEncode(k)}=${percentEncode(req.query[k])}`)
    .join('&');
  const headers = signedHeaders.map((h) => `${h}:${headerValue(req.headers[h]).trim()}\n`).join('');
  const canonical = [req.method, req.path, query, headers, signedHeaders.join(';'), req.bodySha256Hex].join('\n');
  const stringToSign = 'ACS3-HMAC-SHA256\n' + sha256Hex(canonical);
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}

export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const headerValue = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : (v ?? ''));

/** Constant-time string comparison. */
export function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
