'use strict';
/**
 * The machine's ceiling for an emulated Encrypt: a bare node:http server doing the same work as the emulator's
 * Encrypt and nothing else — read the form body, parse it, verify the RPC v1 HMAC-SHA1 signature (timestamp window
 * and nonce replay check included), AES-256-GCM-encrypt the Base64 `Plaintext` under a fixed key with a random IV,
 * answer the Encrypt response JSON. Usage: node bench/baseline-server.js [port]  (prints "baseline listening on URL").
 */
const http = require('node:http');
const querystring = require('node:querystring');
const { createCipheriv, createHmac, randomBytes, randomUUID, timingSafeEqual } = require('node:crypto');

const SECRET = (process.env.BENCH_ACCESS_KEY_SECRET || 'test') + '&';
const KEY = randomBytes(32);
const KEY_VERSION_ID = randomUUID();
const SKEW_MS = 15 * 60 * 1000;

const pe = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

let nonces = new Set();
let oldNonces = new Set();
let rotatedAt = Date.now();
function claimNonce(n) {
  const now = Date.now();
  if (now - rotatedAt > SKEW_MS) [oldNonces, nonces, rotatedAt] = [nonces, new Set(), now];
  if (nonces.has(n) || oldNonces.has(n)) return false;
  nonces.add(n);
  return true;
}

function verify(p) {
  if (p.SignatureMethod !== 'HMAC-SHA1' || p.AccessKeyId !== 'test' || typeof p.Signature !== 'string') return 'IncompleteSignature';
  const canonical = Object.keys(p)
    .filter((k) => k !== 'Signature')
    .sort(byCodePoint)
    .map((k) => `${pe(k)}=${pe(p[k])}`)
    .join('&');
  const expected = Buffer.from(
    createHmac('sha1', SECRET)
      .update(`POST&%2F&${pe(canonical)}`)
      .digest('base64'),
  );
  const got = Buffer.from(p.Signature);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) return 'SignatureDoesNotMatch';
  if (!(Math.abs(Date.now() - Date.parse(p.Timestamp)) <= SKEW_MS)) return 'InvalidTimeStamp.Expired';
  if (!p.SignatureNonce || !claimNonce(p.SignatureNonce)) return 'SignatureNonceUsed';
  return undefined;
}

function reply(res, status, obj) {
  const text = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function handle(req, res, body) {
  const requestId = randomUUID();
  const p = querystring.parse(body.toString('latin1'));
  const error = verify(p);
  if (error) return reply(res, 400, { RequestId: requestId, Code: error, Message: error });
  if (p.Action !== 'Encrypt' || typeof p.Plaintext !== 'string')
    return reply(res, 404, { RequestId: requestId, Code: 'InvalidApi.NotFound' });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', KEY, iv);
  cipher.setAAD(Buffer.from(p.KeyId));
  const ct = Buffer.concat([iv, cipher.update(Buffer.from(p.Plaintext, 'base64')), cipher.final(), cipher.getAuthTag()]);
  reply(res, 200, { CiphertextBlob: ct.toString('base64'), KeyId: p.KeyId, KeyVersionId: KEY_VERSION_ID, RequestId: requestId });
}

const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => handle(req, res, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
});
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log(`baseline listening on http://127.0.0.1:${server.address().port}`);
});
process.once('SIGTERM', () => process.exit(0));
