/**
 * Property: whatever arrives on the KMS endpoint, the answer is a 4xx with the JSON error envelope (Code, Message,
 * RequestId): never a 5xx, never silence, never a hang; and a valid request is still served afterwards.
 * Inputs: random methods, paths, query strings (with bad percent-encoding), bodies and content types, headers,
 * garbled or foreign Authorization headers, validly signed requests (both schemes) over garbage parameters, raw bytes
 * on a socket, and bodies over 1 MiB. (The /_alikms/ admin endpoints are a different API and are not covered here.)
 */
import fc from 'fast-check';
import { connect } from 'node:net';
import { REGISTRY, KMS_VERSION } from '../../src/api/registry';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { acs3Post, encodeParams, rpcV1Get, rpcV1Params, send, type RawRequest, type RawResponse } from '../support/raw';

let emu: TestEmulator;
const serverLog: string[] = [];
useEmulator(
  (e) => {
    emu = e;
  },
  { log: (m) => serverLog.push(m) },
);

const ACTIONS = [...(REGISTRY.get(KMS_VERSION)?.keys() ?? [])];

function expectEnvelope(req: RawRequest, res: RawResponse) {
  const context = `${req.method} ${req.path?.slice(0, 200)} -> ${res.status} ${res.text.slice(0, 300)}`;
  expect({ context, is4xx: res.status >= 400 && res.status < 500 }).toEqual({ context, is4xx: true });
  if (req.method === 'HEAD') return; // a HEAD reply has no body, by definition
  expect({ context, body: res.json }).toEqual({
    context,
    body: expect.objectContaining({ Code: expect.any(String), Message: expect.any(String), RequestId: expect.any(String) }),
  });
}

const stillServing = async () => {
  const res = await send(emu.endpoint, rpcV1Get('DescribeRegions'));
  expect(res.status).toBe(200);
};

// ---- pieces -------------------------------------------------------------------------------------------------------

/** Header-safe text (Node's client refuses control characters in header values). */
const headerText = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, ''));
/** Path/query text the client will send as-is: printable ASCII, with `%` sequences good and bad. */
const urlText = fc
  .array(
    fc.oneof(
      fc.constantFrom('%', '%2', '%zz', '%E0%A4%A', '%00', '%FF', '%C0%AF', '+', '&', '=', '&&=', '?', '#', '..', '/'),
      fc.string({ maxLength: 12 }),
    ),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join('').replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c)));
const paramName = fc.oneof(
  fc.constantFrom(
    'KeyId',
    'Action',
    'Version',
    'Tag.1.Key',
    'Tag.0.Value',
    'ResourceId.99999999999999999999',
    'Filters',
    'Tags',
    '__proto__',
    '__proto__.x',
    'constructor.prototype.x',
    'PageSize',
    'PageNumber',
    'RegionId',
    'Signature',
    'Timestamp',
  ),
  fc.string({ minLength: 1, maxLength: 15 }),
);
const paramValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    '-1',
    '0',
    '1e309',
    '99999999999999999999',
    'true',
    'null',
    '[]',
    '{}',
    '[{"Key":"KeyState","Values":[1]}]',
    '[{"TagKey":1}]',
    'alias/acs/x',
    'acs:kms:::key/',
    'a'.repeat(9000),
  ),
);
const params = fc.dictionary(paramName, paramValue, { maxKeys: 8 });
const method = fc.oneof(
  fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE'),
  fc.stringMatching(/^[A-Z]{1,10}$/),
);
const path = fc.oneof(
  fc.constant('/'),
  fc.constantFrom('/x', '//', '/%2F', '/?', '/../', '/index.html'),
  urlText.map((t) => '/' + t),
);
const contentType = fc.constantFrom(
  undefined,
  'application/x-www-form-urlencoded',
  'application/json',
  'text/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded; charset=latin1',
);
const body = fc.oneof(
  fc.constant(undefined),
  urlText,
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
);
const authorization = fc.oneof(
  fc.constant(undefined),
  headerText,
  fc.constantFrom(
    'ACS3-HMAC-SHA256',
    'ACS3-HMAC-SHA256 Credential=test,SignedHeaders=host,Signature=' + '0'.repeat(64),
    'ACS3-HMAC-SHA256 Credential=nobody,SignedHeaders=,Signature=' + 'a'.repeat(64),
    'Basic dGVzdDp0ZXN0',
    'Bearer x',
    'ACS3-',
  ),
  headerText.map((t) => `ACS3-HMAC-SHA256 Credential=test,SignedHeaders=${t},Signature=${'f'.repeat(64)}`),
);
const extraHeaders = fc.dictionary(
  fc.constantFrom(
    'x-acs-action',
    'x-acs-version',
    'x-acs-date',
    'x-acs-signature-nonce',
    'x-acs-content-sha256',
    'x-acs-security-token',
    'host',
    'x-custom',
  ),
  headerText,
  { maxKeys: 4 },
);

/** Arbitrary HTTP requests, mostly nonsense. */
const arbitraryRequest: fc.Arbitrary<RawRequest> = fc
  .record({ method, path, query: fc.option(urlText, { nil: undefined }), contentType, body, authorization, extraHeaders })
  .map(({ method, path, query, contentType, body, authorization, extraHeaders }) => {
    const headers: Record<string, string> = { ...extraHeaders };
    if (contentType) headers['content-type'] = contentType;
    if (authorization) headers.authorization = authorization;
    if (headers.host === '') delete headers.host;
    return {
      method,
      path: query === undefined ? path : `${path.split('?')[0]}?${query}`,
      headers,
      body: method === 'HEAD' ? undefined : body,
    };
  });

/** Validly signed requests (RPC v1 GET/POST, ACS3) whose parameters are garbage. */
const signedGarbage: fc.Arbitrary<RawRequest> = fc
  .record({
    scheme: fc.constantFrom('rpc-get', 'rpc-post', 'acs3'),
    action: fc.oneof(fc.constantFrom(...ACTIONS), fc.string({ maxLength: 20 })),
    business: params,
  })
  .map(({ scheme, action, business }) => {
    const clean = Object.fromEntries(
      Object.entries(business).filter(([k]) => !['Action', 'Version', 'Signature', 'Timestamp'].includes(k)),
    );
    if (scheme === 'acs3') return acs3Post(emu.endpoint, action.replace(/[^\x21-\x7e]/g, '') || 'X', clean);
    if (scheme === 'rpc-get') return rpcV1Get(action, clean);
    return {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeParams(rpcV1Params('POST', action, clean)),
    };
  });

/** Consecutive HTTP/1.1 responses (each with a content-length) read back from one connection. */
function splitResponses(stream: string): { status: number; head: string; body: string }[] {
  const out: { status: number; head: string; body: string }[] = [];
  let rest = stream;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    const head = end < 0 ? rest : rest.slice(0, end);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
    if (end < 0 || Number.isNaN(status) || Number.isNaN(length))
      throw new Error(`not an HTTP response: ${JSON.stringify(rest.slice(0, 300))}`);
    out.push({ status, head, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

// ---- properties ---------------------------------------------------------------------------------------------------

test('random and malformed HTTP requests get a 4xx envelope', async () => {
  await fc.assert(
    fc.asyncProperty(arbitraryRequest, async (req) => {
      expectEnvelope(req, await send(emu.endpoint, req));
    }),
    { numRuns: 400 },
  );
  await stillServing();
});

test('valid signatures over garbage parameters get a 4xx envelope (some succeed: then a 200)', async () => {
  await fc.assert(
    fc.asyncProperty(signedGarbage, async (req) => {
      const res = await send(emu.endpoint, req);
      // Garbage can happen to be a valid request (e.g. ListKeys with unknown extra parameters).
      if (res.status === 200) expect(res.json).toMatchObject({ RequestId: expect.any(String) });
      else expectEnvelope(req, res);
    }),
    { numRuns: 400 },
  );
  await stillServing();
});

test('raw bytes on a socket: an envelope or a close, never a hang or a 5xx', async () => {
  const exchange = (bytes: Buffer) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(emu.endpoint).port), '127.0.0.1', () => socket.end(bytes));
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.on('error', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.setTimeout(10_000, () => reject(new Error(`no answer to ${JSON.stringify(bytes.toString('latin1').slice(0, 100))}`)));
    });
  const requestish = fc
    .tuple(
      fc.constantFrom('GET', 'POST', 'PUT', 'FOO', 'get', ''),
      urlText,
      fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'HTTX/1.1', ''),
      fc.array(fc.string({ maxLength: 30 }), { maxLength: 4 }),
      fc.string({ maxLength: 50 }),
    )
    .map(([m, p, v, hs, b]) => Buffer.from(`${m} /${p} ${v}\r\n${hs.map((h) => h + '\r\n').join('')}\r\n${b}`, 'latin1'));
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        requestish,
        fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)),
      ),
      async (bytes) => {
        const answer = await exchange(bytes);
        // Pipelined input gets one answer per request it holds; each must be a 4xx envelope.
        for (const reply of splitResponses(answer)) {
          expect({ head: reply.head, is4xx: reply.status >= 400 && reply.status < 500 }).toEqual({ head: reply.head, is4xx: true });
          expect(JSON.parse(reply.body)).toMatchObject({
            Code: expect.any(String),
            Message: expect.any(String),
            RequestId: expect.any(String),
          });
        }
      },
    ),
    { numRuns: 200 },
  );
  await stillServing();
});

test('bodies over 1 MiB are refused with 413, signed or not, and the server carries on', async () => {
  for (const size of [1024 * 1024 + 1, 3 * 1024 * 1024]) {
    const big = 'Description=' + 'x'.repeat(size);
    for (const req of [
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big },
      {
        ...acs3Post(emu.endpoint, 'CreateKey', {}, { body: big }),
        headers: { ...acs3Post(emu.endpoint, 'CreateKey', {}, { body: big }).headers, 'content-type': 'application/x-www-form-urlencoded' },
      },
      { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(size) },
    ]) {
      const res = await send(emu.endpoint, req as RawRequest);
      expect({ status: res.status, code: res.json?.Code }).toEqual({ status: 413, code: 'Request.TooLarge' });
    }
  }
  await stillServing();
});

test('nothing reached the InternalFailure path', () => {
  expect(serverLog).toEqual([]);
});
