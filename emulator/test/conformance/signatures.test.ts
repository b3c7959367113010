/**
 * Signature checks for both schemes (RPC v1 HMAC-SHA1 and ACS3-HMAC-SHA256): wrong secret, tampered parameter, stale
 * timestamp, replayed nonce, unknown AccessKeyId, STS tokens. The SDKs produce the wrong-secret and unknown-key cases;
 * the rest are raw requests signed with the emulator's own functions and then spoiled.
 */
import * as $Kms from '@alicloud/kms20160120';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Accounts, DEFAULT_ACCOUNT_ID } from '../../src/wire/accounts';
import { acs3Client, kmsClient, popClient } from '../support/clients';
import { startTestEmulator, type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';
import { rpcV1Signature, sha256Hex } from '../../src/wire/signature';
import { acs3Post, encodeParams, minutesFromNow, rpcV1Get, rpcV1Params, send, type RawRequest } from '../support/raw';

let emu: TestEmulator;
useEmulator(
  (e) => {
    emu = e;
  },
  { accounts: Accounts.default() },
);

/** Sends `r` and checks the error envelope. */
async function expectRaw(r: RawRequest, code: string, status: number, target = emu.endpoint) {
  const res = await send(target, r);
  expect({ status: res.status, code: res.json?.Code }).toEqual({ status, code });
  expect(res.json).toMatchObject({ RequestId: expect.any(String), Message: expect.any(String) });
  return res;
}
const expectOk = async (r: RawRequest, target = emu.endpoint) => {
  const res = await send(target, r);
  expect({ status: res.status, body: res.json }).toEqual({ status: 200, body: expect.objectContaining({ RequestId: expect.any(String) }) });
  return res.json!;
};

/** A valid RPC v1 POST with every parameter in the form body (as pop-core POST sends it). */
const rpcV1Post = (action: string, business: Record<string, string> = {}, o = {}): RawRequest => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: encodeParams(rpcV1Params('POST', action, business, o)),
});

describe('wrong secret: SignatureDoesNotMatch 400', () => {
  test('through every SDK', async () => {
    const creds = { ...emu, accessKeySecret: 'not-the-secret' };
    await expectError(kmsClient(creds).listKeys(new $Kms.ListKeysRequest({})), 'SignatureDoesNotMatch', 400);
    await expectError(popClient(creds).request('ListKeys', {}), 'SignatureDoesNotMatch', 400);
    await expectError(popClient(creds).request('ListKeys', {}, { method: 'POST' }), 'SignatureDoesNotMatch', 400);
    await expectError(acs3Client(creds)('ListKeys', {}), 'SignatureDoesNotMatch', 400);
  });

  test('raw requests', async () => {
    await expectOk(rpcV1Get('ListKeys'));
    await expectRaw(rpcV1Get('ListKeys', {}, { secret: 'nope' }), 'SignatureDoesNotMatch', 400);
    await expectRaw(rpcV1Post('ListKeys', {}, { secret: 'nope' }), 'SignatureDoesNotMatch', 400);
    await expectRaw(acs3Post(emu.endpoint, 'ListKeys', {}, { secret: 'nope' }), 'SignatureDoesNotMatch', 400);
  });
});

describe('tampered request: SignatureDoesNotMatch 400', () => {
  test('RPC v1: a changed, added or removed parameter', async () => {
    const params = rpcV1Params('GET', 'DescribeKey', { KeyId: 'key-a' });
    const tampered = (p: Record<string, string>): RawRequest => ({ method: 'GET', path: '/?' + encodeParams(p) });
    await expectRaw(tampered({ ...params, KeyId: 'key-b' }), 'SignatureDoesNotMatch', 400);
    await expectRaw(tampered({ ...params, PageSize: '5' }), 'SignatureDoesNotMatch', 400);
    const { KeyId: _, ...withoutKeyId } = params;
    await expectRaw(tampered(withoutKeyId), 'SignatureDoesNotMatch', 400);
    // Signed for GET, sent as POST.
    await expectRaw({ method: 'POST', path: '/?' + encodeParams(params) }, 'SignatureDoesNotMatch', 400);
    // A form parameter added to a query-signed request is a parameter too.
    await expectRaw(
      { ...tampered(params), method: 'GET', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'KeyId=key-c' },
      'SignatureDoesNotMatch',
      400,
    );
  });

  test('ACS3: query, body, signed header, signature', async () => {
    const valid = acs3Post(emu.endpoint, 'DescribeKey', { KeyId: 'key-a' });
    await expectRaw({ ...valid, path: '/?KeyId=key-b' }, 'SignatureDoesNotMatch', 400);
    await expectRaw({ ...valid, body: 'extra=1' }, 'SignatureDoesNotMatch', 400);
    await expectRaw({ ...valid, headers: { ...valid.headers, 'x-acs-action': 'ListKeys' } }, 'SignatureDoesNotMatch', 400);
    const flipped = valid.headers!.authorization.replace(/Signature=(.)/, (_m, c: string) => `Signature=${c === 'a' ? 'b' : 'a'}`);
    await expectRaw({ ...valid, headers: { ...valid.headers, authorization: flipped } }, 'SignatureDoesNotMatch', 400);
    // A body with a matching x-acs-content-sha256 but a signature over the empty body.
    await expectRaw(
      { ...valid, body: 'x=1', headers: { ...valid.headers, 'x-acs-content-sha256': sha256Hex('x=1') } },
      'SignatureDoesNotMatch',
      400,
    );
    // The untouched request still answers (here: the key does not exist).
    await expectRaw(valid, 'Forbidden.KeyNotFound', 404);
  });
});

describe('stale timestamp: InvalidTimeStamp.Expired 400', () => {
  test.each([
    ['RPC v1 GET', (o: object) => rpcV1Get('ListKeys', {}, o)],
    ['RPC v1 POST', (o: object) => rpcV1Post('ListKeys', {}, o)],
    ['ACS3', (o: object) => acs3Post(emu.endpoint, 'ListKeys', {}, o)],
  ])('%s: more than 15 minutes off either way', async (_name, build) => {
    await expectRaw(build({ timestamp: minutesFromNow(-16) }), 'InvalidTimeStamp.Expired', 400);
    await expectRaw(build({ timestamp: minutesFromNow(16) }), 'InvalidTimeStamp.Expired', 400);
    await expectRaw(build({ timestamp: '2020-01-01T00:00:00Z' }), 'InvalidTimeStamp.Expired', 400);
    await expectOk(build({ timestamp: minutesFromNow(-14) }));
    await expectOk(build({ timestamp: minutesFromNow(14) }));
    await expectRaw(build({ timestamp: 'yesterday' }), 'InvalidTimeStamp.Format', 400);
    await expectRaw(build({ timestamp: '2024-13-45T99:99:99Z' }), 'InvalidTimeStamp.Format', 400);
  });
});

describe('replayed nonce: SignatureNonceUsed 400', () => {
  test.each([
    ['RPC v1 GET', (o: object) => rpcV1Get('ListKeys', {}, o)],
    ['RPC v1 POST', (o: object) => rpcV1Post('ListKeys', {}, o)],
    ['ACS3', (o: object) => acs3Post(emu.endpoint, 'ListKeys', {}, o)],
  ])('%s: the same request twice, or a new request with a used nonce', async (name, build) => {
    const nonce = `nonce-${name}-${Date.now()}`;
    const request = build({ nonce });
    await expectOk(request);
    await expectRaw(request, 'SignatureNonceUsed', 400);
    await expectRaw(build({ nonce }), 'SignatureNonceUsed', 400);
  });

  test('a missing nonce', async () => {
    const { SignatureNonce: _, ...params } = rpcV1Params('GET', 'ListKeys', {});
    const { Signature: __, ...unsigned } = params;
    const resigned = { ...unsigned, Signature: rpcV1Signature('GET', unsigned, 'test') };
    await expectRaw({ method: 'GET', path: '/?' + encodeParams(resigned) }, 'MissingSignatureNonce', 400);
  });
});

describe('unknown AccessKeyId: InvalidAccessKeyId.NotFound 404', () => {
  test('through every SDK and raw', async () => {
    const creds = { ...emu, accessKeyId: 'nobody', accessKeySecret: 'whatever' };
    await expectError(kmsClient(creds).listKeys(new $Kms.ListKeysRequest({})), 'InvalidAccessKeyId.NotFound', 404);
    await expectError(popClient(creds).request('ListKeys', {}), 'InvalidAccessKeyId.NotFound', 404);
    await expectError(acs3Client(creds)('ListKeys', {}), 'InvalidAccessKeyId.NotFound', 404);
    await expectRaw(rpcV1Post('ListKeys', {}, { accessKeyId: 'nobody' }), 'InvalidAccessKeyId.NotFound', 404);
  });
});

describe('malformed signing parameters', () => {
  test('RPC v1 and ACS3', async () => {
    await expectRaw({ method: 'GET', path: '/?Action=ListKeys&Version=2016-01-20' }, 'IncompleteSignature', 400);
    const params = rpcV1Params('GET', 'ListKeys', {});
    await expectRaw(
      { method: 'GET', path: '/?' + encodeParams({ ...params, SignatureMethod: 'HMAC-SHA256' }) },
      'InvalidSignatureMethod',
      400,
    );
    await expectRaw({ method: 'GET', path: '/?' + encodeParams({ ...params, SignatureVersion: '2.0' }) }, 'InvalidSignatureMethod', 400);
    const { AccessKeyId: _, ...noKey } = params;
    await expectRaw({ method: 'GET', path: '/?' + encodeParams(noKey) }, 'IncompleteSignature', 400);
    const { Timestamp: __, ...noTime } = params;
    const { Signature: ___, ...unsigned } = noTime;
    await expectRaw(
      { method: 'GET', path: '/?' + encodeParams({ ...unsigned, Signature: rpcV1Signature('GET', unsigned, 'test') }) },
      'IllegalTimestamp',
      400,
    );
    const valid = acs3Post(emu.endpoint, 'ListKeys');
    for (const authorization of [
      'ACS3-HMAC-SHA256',
      'ACS3-HMAC-SHA256 Credential=test',
      'ACS3-HMAC-SM3 Credential=test,SignedHeaders=host,Signature=00',
    ])
      await expectRaw({ ...valid, headers: { ...valid.headers, authorization } }, 'IncompleteSignature', 400);
  });
});

describe('STS tokens (accounts file)', () => {
  let sts: TestEmulator;
  beforeAll(async () => {
    const dir = join(emu.dir, 'sts');
    const accountsFile = join(emu.dir, 'accounts.json');
    writeFileSync(
      accountsFile,
      JSON.stringify({
        accounts: [
          { id: DEFAULT_ACCOUNT_ID, accessKeys: [{ id: 'test', secret: 'test' }] },
          { id: '4000000000000001', accessKeys: [{ id: 'STS.temp', secret: 'sts-secret', securityToken: 'the-token' }] },
        ],
      }),
    );
    sts = await startTestEmulator({ accountsFile, dir });
  });
  afterAll(() => sts.stop());

  const STS = { accessKeyId: 'STS.temp', accessKeySecret: 'sts-secret' };

  test('the configured token is accepted by every client and scopes to its account', async () => {
    const creds = { ...sts, ...STS, securityToken: 'the-token' };
    const created = await kmsClient(creds).createKey(new $Kms.CreateKeyRequest({}));
    expect(created.keyMetadata.arn).toContain(':4000000000000001:key/');
    expect(((await popClient(creds).request('DescribeKey', { KeyId: created.keyMetadata.keyId })) as any).KeyMetadata.KeyId).toBe(
      created.keyMetadata.keyId,
    );
    expect((await acs3Client(creds)('DescribeKey', { KeyId: created.keyMetadata.keyId })).KeyMetadata.KeyId).toBe(
      created.keyMetadata.keyId,
    );
    await expectOk(rpcV1Get('ListKeys', {}, { accessKeyId: 'STS.temp', secret: 'sts-secret', securityToken: 'the-token' }), sts.endpoint);
    await expectOk(
      acs3Post(sts.endpoint, 'ListKeys', {}, { accessKeyId: 'STS.temp', secret: 'sts-secret', securityToken: 'the-token' }),
      sts.endpoint,
    );
  });

  test('a missing or wrong token, or a token on a plain key, is refused', async () => {
    const code = 'InvalidSecurityToken.MismatchWithAccessKey';
    await expectError(kmsClient({ ...sts, ...STS }).listKeys(new $Kms.ListKeysRequest({})), code, 400);
    await expectError(kmsClient({ ...sts, ...STS, securityToken: 'other' }).listKeys(new $Kms.ListKeysRequest({})), code, 400);
    await expectError(popClient({ ...sts, ...STS, securityToken: 'other' }).request('ListKeys', {}), code, 400);
    await expectError(acs3Client({ ...sts, ...STS })('ListKeys', {}), code, 400);
    await expectError(acs3Client({ ...sts, ...STS, securityToken: 'other' })('ListKeys', {}), code, 400);
    await expectError(kmsClient({ ...sts, securityToken: 'the-token' }).listKeys(new $Kms.ListKeysRequest({})), code, 400);
    await expectRaw(acs3Post(sts.endpoint, 'ListKeys', {}, { accessKeyId: 'STS.temp', secret: 'sts-secret' }), code, 400, sts.endpoint);
  });
});
