/**
 * Request parameters as the SDKs send them: in the query string and/or an x-www-form-urlencoded body, always
 * strings. They are URL-decoded here once; signatures are computed over these decoded values (never the raw wire
 * text, which each SDK encodes differently: kms-openapi.md §2.1).
 */
import { unescape } from 'node:querystring';

export type Params = Record<string, string>;

/**
 * An empty record without a prototype. Parameter names come from the caller, so `__proto__` or `toString` must be
 * plain names here: on `{}` the first would replace (or pollute, when nested) a prototype and `in` would see the second.
 */
export const emptyRecord = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/**
 * Decode `a=1&b=%20x` into `params` (later duplicates win, like the gateway). Hand-rolled on decodeURIComponent, which is
 * twice as fast as URLSearchParams on an Encrypt body (the 6 KiB Plaintext dominates); a malformed escape falls back to
 * querystring's lenient unescape, which keeps it as text as URLSearchParams would.
 */
export function decodeInto(params: Params, text: string): void {
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const eq = text.indexOf('=', start);
      const split = eq >= 0 && eq < end;
      params[unescapeForm(text.slice(start, split ? eq : end))] = split ? unescapeForm(text.slice(eq + 1, end)) : '';
    }
    start = end + 1;
  }
}

function unescapeForm(s: string): string {
  if (s.includes('+')) s = s.replace(/\+/g, ' ');
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return unescape(s);
  }
}

/** Map-typed parameters: their flattened keys are map keys even when numeric (`EncryptionContext.1=v`), never list indices. */
const MAP_PARAMS = new Set(['EncryptionContext', 'SourceEncryptionContext', 'DestinationEncryptionContext']);

/**
 * Repeat-list and map parameters, rebuilt from their flattened wire form:
 * `Tag.1.Key=a&Tag.1.Value=b` -> `{ Tag: [{ Key: 'a', Value: 'b' }] }`, `ResourceId.2=x` -> `{ ResourceId: ['x'] }`,
 * `EncryptionContext.k=v` -> `{ EncryptionContext: { k: 'v' } }` (what npm 1.2.0 sends for a map).
 * Plain names keep their string value. Lists come back dense, in index order.
 */
export function nest(params: Params): Record<string, unknown> {
  const out = emptyRecord<unknown>();
  let lists: Set<string> | undefined;
  for (const name in params) {
    const dot = name.indexOf('.');
    if (dot < 0) {
      if (!(name in out)) out[name] = params[name];
      continue;
    }
    const head = name.slice(0, dot);
    const rest = name.slice(dot + 1);
    const m = MAP_PARAMS.has(head) ? null : /^(\d+)(?:\.(.+))?$/.exec(rest);
    let container = out[head];
    if (typeof container !== 'object' || container === null) container = out[head] = emptyRecord();
    const obj = container as Record<string, unknown>;
    if (!m) {
      obj[rest] = params[name];
      continue;
    }
    (lists ??= new Set()).add(head);
    if (m[2] === undefined) obj[m[1]] = params[name];
    else {
      const item = (obj[m[1]] ??= emptyRecord()) as Record<string, unknown>;
      if (typeof item === 'object') item[m[2]] = params[name];
    }
  }
  for (const head of lists ?? []) {
    const obj = out[head] as Record<string, unknown>;
    out[head] = Object.keys(obj)
      .filter((k) => /^\d+$/.test(k))
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => obj[k]);
  }
  return out;
}
