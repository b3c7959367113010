'use strict';
/**
 * RPC v1 (HMAC-SHA1) request signing for the load generator, made cheap enough to run per request:
 * the canonical string is pre-encoded once per scenario with two slots (SignatureNonce, Timestamp), so each request
 * costs one HMAC over a prebuilt string plus a few concatenations. `signParams` is the plain textbook version
 * (kms-openapi.md §2.6) used for one-off calls and to cross-check the fast path.
 */
const { createHmac, randomBytes } = require('node:crypto');

const ACCESS_KEY_ID = process.env.BENCH_ACCESS_KEY_ID || 'test';
const ACCESS_KEY_SECRET = process.env.BENCH_ACCESS_KEY_SECRET || 'test';
const VERSION = '2016-01-20';

const pe = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
/** x-www-form-urlencoded value (the server URL-decodes; `+` must not appear raw). */
const formEncode = (s) => encodeURIComponent(s);

/** Every parameter a signed request carries besides SignatureNonce, Timestamp and Signature. */
function baseParams(action, params) {
  return {
    Format: 'JSON',
    Version: VERSION,
    AccessKeyId: ACCESS_KEY_ID,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    Action: action,
    ...params,
  };
}

/** Textbook RPC v1 signature of a full parameter set. */
function rpcV1Signature(method, params, secret = ACCESS_KEY_SECRET) {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort(byCodePoint)
    .map((k) => `${pe(k)}=${pe(params[k])}`)
    .join('&');
  return createHmac('sha1', secret + '&')
    .update(`${method}&${pe('/')}&${pe(canonical)}`)
    .digest('base64');
}

/** One signed form body for a one-off call (probes, setup, cold start). */
function signedBody(action, params, nonce = randomBytes(12).toString('hex')) {
  const all = { ...baseParams(action, params), SignatureNonce: nonce, Timestamp: isoSecond(Date.now()) };
  all.Signature = rpcV1Signature('POST', all);
  return Object.keys(all)
    .map((k) => `${formEncode(k)}=${formEncode(all[k])}`)
    .join('&');
}

const isoSecond = (ms) => new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z');

/**
 * A fast signer for one (action, params): `next()` returns a freshly signed form body with a never-reused nonce
 * (random per-process prefix + counter, hex/alnum only so it needs no escaping).
 */
function fastSigner(action, params, secret = ACCESS_KEY_SECRET) {
  const fixed = baseParams(action, params);
  const keys = [...Object.keys(fixed), 'SignatureNonce', 'Timestamp'].sort(byCodePoint);
  // The string to sign is pe(canonical); pe() works character by character, so it distributes over the pieces.
  const parts = []; // alternating literal strings and slot names
  let lit = 'POST&%2F&';
  keys.forEach((k, i) => {
    lit += pe(`${pe(k)}=`);
    if (k === 'SignatureNonce' || k === 'Timestamp') {
      parts.push(lit, k);
      lit = '';
    } else lit += pe(pe(fixed[k]));
    if (i < keys.length - 1) lit += '%26';
  });
  parts.push(lit);
  const [pre, slotA, mid, slotB, post] = parts; // SignatureNonce sorts before Timestamp
  if (slotA !== 'SignatureNonce' || slotB !== 'Timestamp') throw new Error('unexpected canonical order');
  const bodyFixed = Object.keys(fixed)
    .map((k) => `${formEncode(k)}=${formEncode(fixed[k])}`)
    .join('&');
  const hmacKey = secret + '&';
  const noncePrefix = randomBytes(8).toString('hex') + process.pid.toString(36) + 'n';
  let counter = 0;
  let tsSecond = -1;
  let tsPlain = '';
  let tsSigned = '';
  let tsForm = '';
  return {
    next(now = Date.now()) {
      const sec = now - (now % 1000);
      if (sec !== tsSecond) {
        tsSecond = sec;
        tsPlain = isoSecond(now);
        tsSigned = pe(pe(tsPlain));
        tsForm = formEncode(tsPlain);
      }
      const nonce = noncePrefix + (counter++).toString(36);
      const sig = createHmac('sha1', hmacKey)
        .update(pre + nonce + mid + tsSigned + post)
        .digest('base64');
      return `${bodyFixed}&SignatureNonce=${nonce}&Timestamp=${tsForm}&Signature=${formEncode(sig)}`;
    },
  };
}

/** Decode a form body back to params (for the self-check). */
function parseForm(body) {
  const out = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

/** Throws unless the fast signer's output verifies with the textbook signature. */
function selfCheck(action, params) {
  const p = parseForm(fastSigner(action, params).next());
  if (rpcV1Signature('POST', p) !== p.Signature) throw new Error(`fast signer mismatch for ${action}`);
}

module.exports = { ACCESS_KEY_ID, ACCESS_KEY_SECRET, VERSION, pe, rpcV1Signature, signedBody, fastSigner, selfCheck, parseForm };
