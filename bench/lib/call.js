'use strict';
/** One signed KMS call over node:http (setup, probes, cold start): resolves { status, body (parsed JSON or text) }. */
const http = require('node:http');
const { signedBody } = require('./sign');

function call(port, action, params = {}, { timeoutMs = 10_000 } = {}) {
  const body = signedBody(action, params);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        agent: false,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${action}: timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Like call() but throws on a non-200 answer, with the KMS error code in the message. */
async function callOk(port, action, params) {
  const r = await call(port, action, params);
  if (r.status !== 200) throw Object.assign(new Error(`${action}: HTTP ${r.status} ${describeError(r.body)}`), { action, response: r });
  return r.body;
}

const describeError = (body) => (body && typeof body === 'object' ? `${body.Code}: ${body.Message}` : String(body).slice(0, 200));

module.exports = { call, callOk, describeError };
