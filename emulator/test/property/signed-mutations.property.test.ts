/**
 * Only signed inputs decide: take a validly signed DisableKey (never sent as is), change one thing a client could
 * change in transit (a parameter, a header, the method, the path, the body) and the request is refused. The keys it
 * names stay Enabled, which proves no mutation was acted on.
 */
import fc from 'fast-check';
import { acs3Client } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { acs3Post, encodeParams, rpcV1Params, send, type RawRequest } from '../support/raw';

let emu: TestEmulator;
let keys: string[];
useEmulator(async (e) => {
  emu = e;
  const acs3 = acs3Client(e);
  keys = [];
  for (let n = 0; n < 2; n++) keys.push((await acs3('CreateKey', {})).KeyMetadata.KeyId);
});

type Mutation = ((r: RawRequest) => RawRequest) & { toString(): string };
/** A mutation that says what it does when fast-check reports it. */
const named = (what: string, f: (r: RawRequest) => RawRequest): Mutation => Object.assign(f, { toString: () => what });
const withHeader = (name: string, value: string): Mutation =>
  named(`header ${name}=${JSON.stringify(value)}`, (r) => ({ ...r, headers: { ...r.headers, [name]: value } }));
const withPath = (path: (p: string) => string, what = 'path'): Mutation => named(what, (r) => ({ ...r, path: path(r.path ?? '/') }));
const setQuery = (name: string, value: string | undefined): Mutation =>
  withPath(
    (p) => {
      const [path, query = ''] = p.split('?');
      const params = Object.fromEntries(new URLSearchParams(query));
      if (value === undefined) delete params[name];
      else params[name] = value;
      return `${path}?${encodeParams(params)}`;
    },
    `parameter ${name}=${JSON.stringify(value)}`,
  );

const anyValue = fc.oneof(
  fc.constantFrom('EnableKey', 'DescribeKey', '2017-12-14', 'x'),
  fc.string({ minLength: 1, maxLength: 8 }).filter((v) => v.trim() !== ''),
);

/** Mutations of an ACS3 request: every signed part, plus unsigned x-acs-* headers and a body. */
const acs3Mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'host'),
      anyValue,
    )
    .map(([h, v]) => withHeader(h, v)),
  fc.tuple(fc.constantFrom('x-acs-region-id', 'x-acs-security-token', 'x-acs-accesskey-id'), anyValue).map(([h, v]) => withHeader(h, v)),
  fc.constantFrom<Mutation>(
    named('method GET', (r) => ({ ...r, method: 'GET' })),
    named('method PUT', (r) => ({ ...r, method: 'PUT' })),
    withPath((p) => p.replace(/^\//, '/x')),
    named('a form body', (r) => ({
      ...r,
      body: 'KeyId=' + keys[1],
      headers: { ...r.headers, 'content-type': 'application/x-www-form-urlencoded' },
    })),
    setQuery('KeyId', undefined),
  ),
  fc
    .tuple(fc.constantFrom('KeyId', 'Action', 'RegionId', 'Extra'), fc.oneof(fc.constant('KEY1'), anyValue))
    .map(([n, v]) => setQuery(n, v)),
);

/** Mutations of an RPC v1 GET: any parameter changed, added or removed, the method, the path, an x-acs-action header. */
const rpcMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('KeyId', 'Action', 'Version', 'Timestamp', 'SignatureNonce', 'AccessKeyId', 'RegionId', 'Extra'),
      fc.oneof(fc.constant('KEY1'), anyValue),
    )
    .map(([n, v]) => setQuery(n, v)),
  fc.constantFrom('KeyId', 'Action', 'Version', 'Timestamp', 'SignatureNonce', 'AccessKeyId').map((n) => setQuery(n, undefined)),
  fc.constantFrom<Mutation>(
    (r) => ({ ...r, method: 'POST' }),
    withPath((p) => p.replace(/^\//, '/x')),
    withHeader('x-acs-action', 'EnableKey'),
  ),
);

/** Substitutes the second key for the placeholder, so a parameter mutation could act on a real key. */
const resolve = (r: RawRequest): RawRequest => ({ ...r, path: r.path?.replace('KEY1', keys[1]) });

const refusedAndUnchanged = async (request: RawRequest) => {
  const res = await send(emu.endpoint, resolve(request));
  expect(res.status).not.toBe(200);
  expect(res.json?.Code).toEqual(expect.any(String));
};

test('any mutation of a signed ACS3 request is refused', async () => {
  await fc.assert(
    fc.asyncProperty(acs3Mutation, async (mutate) => {
      await refusedAndUnchanged(mutate(acs3Post(emu.endpoint, 'DisableKey', { KeyId: keys[0] })));
    }),
    { numRuns: 150 },
  );
});

test('any mutation of a signed RPC v1 request is refused', async () => {
  await fc.assert(
    fc.asyncProperty(rpcMutation, async (mutate) => {
      const request = { method: 'GET', path: '/?' + encodeParams(rpcV1Params('GET', 'DisableKey', { KeyId: keys[0] })) };
      await refusedAndUnchanged(mutate(request));
    }),
    { numRuns: 150 },
  );
});

test('no mutated request was acted on: both keys are still Enabled', async () => {
  const acs3 = acs3Client(emu);
  for (const keyId of keys) expect((await acs3('DescribeKey', { KeyId: keyId })).KeyMetadata.KeyState).toBe('Enabled');
});
