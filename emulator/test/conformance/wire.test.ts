/**
 * The HTTP contract around every action: pop-core GET and form POST for a representative set of actions, the error
 * envelope (status, JSON body, headers), routing errors, parameter decoding, and requests Node's parser refuses.
 */
import { connect } from 'node:net';
import { DEFAULT_ACCOUNT_ID } from '../../src/wire/accounts';
import { popClient } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';
import { acs3Post, encodeParams, rpcV1Get, rpcV1Params, send, type RawResponse } from '../support/raw';

let emu: TestEmulator;
useEmulator(async (e) => {
  emu = e;
  // The account's first AES key becomes its default key, which cannot be deleted; the keys under test come after it.
  await popClient(emu).request('CreateKey', {});
});

function expectEnvelope(res: RawResponse, code: string, status: number) {
  expect({ status: res.status, code: res.json?.Code }).toEqual({ status, code });
  expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
  expect(res.json).toEqual({
    RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
    HostId: 'kms.cn-hangzhou.aliyuncs.com',
    Code: code,
    Message: expect.any(String),
    Recommend: expect.stringContaining(encodeURIComponent(code)),
  });
  expect(res.headers['x-acs-request-id']).toBe(res.json!.RequestId);
}

describe.each(['GET', 'POST'] as const)('pop-core %s', (method) => {
  const pop = () => popClient(emu);
  const call = (action: string, params: Record<string, unknown> = {}) => pop().request(action, params, { method }) as Promise<any>;

  test('a key through its life', async () => {
    const created = (await call('CreateKey', { KeySpec: 'Aliyun_AES_256', Description: `via ${method}` })).KeyMetadata;
    expect(created).toMatchObject({
      KeyState: 'Enabled',
      Description: `via ${method}`,
      Arn: `acs:kms:cn-hangzhou:${DEFAULT_ACCOUNT_ID}:key/${created.KeyId}`,
    });
    const keyId = created.KeyId as string;
    await call('DisableKey', { KeyId: keyId });
    expect((await call('DescribeKey', { KeyId: keyId })).KeyMetadata.KeyState).toBe('Disabled');
    await call('EnableKey', { KeyId: keyId });
    await call('UpdateKeyDescription', { KeyId: keyId, Description: "changed ~!*()'" });
    await call('CreateAlias', { AliasName: `alias/pop-${method}`, KeyId: keyId });
    expect((await call('ListAliasesByKeyId', { KeyId: keyId })).Aliases.Alias).toEqual([
      { KeyId: keyId, AliasName: `alias/pop-${method}`, AliasArn: `acs:kms:cn-hangzhou:${DEFAULT_ACCOUNT_ID}:alias/pop-${method}` },
    ]);
    await call('TagResources', {
      RegionId: 'cn-hangzhou',
      ResourceType: 'key',
      'ResourceId.1': keyId,
      'Tag.1.Key': 'k',
      'Tag.1.Value': 'v',
    });
    expect((await call('ListResourceTags', { KeyId: keyId })).Tags.Tag).toEqual([{ KeyId: keyId, TagKey: 'k', TagValue: 'v' }]);
    const listed = await call('ListKeys', { PageSize: 100 });
    expect(listed.Keys.Key).toContainEqual({ KeyId: keyId, KeyArn: created.Arn });
    expect(typeof listed.TotalCount).toBe('number');
    await call('ScheduleKeyDeletion', { KeyId: `alias/pop-${method}`, PendingWindowInDays: 7 });
    expect((await call('DescribeKey', { KeyId: keyId })).KeyMetadata).toMatchObject({
      KeyState: 'PendingDeletion',
      Description: "changed ~!*()'",
    });
    await call('CancelKeyDeletion', { KeyId: keyId });
  });

  test('errors keep their code and HTTP status', async () => {
    await expectError(call('DescribeKey', { KeyId: 'key-nope' }), 'Forbidden.KeyNotFound', 404);
    await expectError(call('DescribeKey'), 'MissingParameter', 400);
    await expectError(call('ListKeys', { PageSize: 'ten' }), 'InvalidParameter', 400);
    await expectError(call('NoSuchAction'), 'InvalidApi.NotFound', 404);
    const keyId = (await call('CreateKey')).KeyMetadata.KeyId;
    await call('ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 });
    await expectError(call('EnableKey', { KeyId: keyId }), 'Rejected.StateModifiedFailed', 409);
  });
});

describe('routing and the error envelope', () => {
  test('unknown action, wrong version, missing action', async () => {
    expectEnvelope(await send(emu.endpoint, rpcV1Get('NoSuchAction')), 'InvalidApi.NotFound', 404);
    const params = rpcV1Params('GET', 'ListKeys', {});
    expectEnvelope(await send(emu.endpoint, { path: '/?' + encodeParams({ ...params, Version: '2014-05-26' }) }), 'InvalidVersion', 400);
    const { Action: _, ...noAction } = params;
    expectEnvelope(await send(emu.endpoint, { path: '/?' + encodeParams(noAction) }), 'MissingParameter', 400);
    expectEnvelope(await send(emu.endpoint, acs3Post(emu.endpoint, 'NoSuchAction')), 'InvalidApi.NotFound', 404);
  });

  test('other paths and methods', async () => {
    expectEnvelope(await send(emu.endpoint, { ...rpcV1Get('ListKeys'), path: '/v1/keys' }), 'InvalidApi.NotFound', 404);
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS'])
      expectEnvelope(await send(emu.endpoint, { ...rpcV1Get('ListKeys'), method }), 'UnsupportedHTTPMethod', 403);
    const head = await send(emu.endpoint, { ...rpcV1Get('ListKeys'), method: 'HEAD' });
    expect(head.status).toBe(403);
  });

  test('an unknown RegionId', async () => {
    expectEnvelope(await send(emu.endpoint, rpcV1Get('ListKeys', { RegionId: 'mars-north-1' })), 'InvalidParameter', 400);
  });

  test('a body over 1 MiB', async () => {
    const body = 'Description=' + 'x'.repeat(1024 * 1024 + 1);
    const res = await send(emu.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expectEnvelope(res, 'Request.TooLarge', 413);
  });

  test('successful replies are JSON with the request ID', async () => {
    const res = await send(emu.endpoint, rpcV1Get('DescribeRegions'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(res.json!.RequestId).toBe(res.headers['x-acs-request-id']);
  });
});

describe('parameter decoding', () => {
  test('an empty value counts as absent; `+` in the query is a space', async () => {
    const created = await send(emu.endpoint, rpcV1Get('CreateKey', { KeySpec: '', Description: 'a b' }));
    expect(created.json!.KeyMetadata).toMatchObject({ KeySpec: 'Aliyun_AES_256', Description: 'a b' });
    const params = rpcV1Params('GET', 'DescribeKey', { KeyId: created.json!.KeyMetadata.KeyId });
    const path = '/?' + encodeParams(params).replace('Timestamp=', 'Timestamp=').replace(/%20/g, '+');
    expect((await send(emu.endpoint, { path })).json!.KeyMetadata.Description).toBe('a b');
  });

  test('query and form body together (RPC v1 signs both)', async () => {
    const params = rpcV1Params('POST', 'CreateKey', { Description: 'from the body' });
    const { Description, ...inQuery } = params;
    const res = await send(emu.endpoint, {
      method: 'POST',
      path: '/?' + encodeParams(inQuery),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: encodeParams({ Description }),
    });
    expect(res.json!.KeyMetadata.Description).toBe('from the body');
  });

  test('parameter names like __proto__ and toString are plain names', async () => {
    const res = await send(
      emu.endpoint,
      rpcV1Get('CreateKey', { '__proto__.polluted': 'yes', toString: 'x', 'Tag.1.__proto__': 'z', __proto__: 'p' }),
    );
    expect(res.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const tags = await send(
      emu.endpoint,
      rpcV1Get('TagResource', { KeyId: res.json!.KeyMetadata.KeyId, Tags: '[{"TagKey":"__proto__","TagValue":"v"}]' }),
    );
    expect(tags.status).toBe(200);
    const listed = await send(emu.endpoint, rpcV1Get('ListResourceTags', { KeyId: res.json!.KeyMetadata.KeyId }));
    expect(listed.json!.Tags.Tag).toEqual([{ KeyId: res.json!.KeyMetadata.KeyId, TagKey: '__proto__', TagValue: 'v' }]);
  });

  test('a wrong parameter is named in the message', async () => {
    const res = await send(emu.endpoint, rpcV1Get('ListKeys', { Filters: '[{"Key":"Colour","Values":[]}]' }));
    expectEnvelope(res, 'InvalidParameter', 400);
    expect(res.json!.Message).toContain('"Filters"');
    const missing = await send(
      emu.endpoint,
      rpcV1Get('TagResources', { RegionId: 'cn-hangzhou', ResourceType: 'key', 'ResourceId.1': 'k', 'Tag.1.Value': 'v' }),
    );
    expectEnvelope(missing, 'MissingParameter', 400);
    expect(missing.json!.Message).toContain('"Tag.1.Key"');
  });
});

describe('requests the HTTP parser refuses still get the envelope', () => {
  /** Raw bytes on a socket, and whatever comes back until the server closes. */
  const rawExchange = (bytes: string) =>
    new Promise<string>((resolve, reject) => {
      const { port } = new URL(emu.endpoint);
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(bytes));
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', reject);
      socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
    });
  const parse = (raw: string) => {
    const [head, body] = raw.split('\r\n\r\n');
    return { status: Number(head.split(' ')[1]), head, json: JSON.parse(body) as Record<string, unknown> };
  };

  test.each([
    ['a garbled request line', 'GET / HTTQ/1.1\r\n\r\n', 400, 'ParseRequestParameterException'],
    ['no request line at all', 'GARBAGE\r\n\r\n', 403, 'UnsupportedHTTPMethod'],
    ['an unknown method', 'FROB / HTTP/1.1\r\nHost: x\r\n\r\n', 403, 'UnsupportedHTTPMethod'],
    ['CONNECT', 'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n', 403, 'UnsupportedHTTPMethod'],
    ['a bad header', 'GET / HTTP/1.1\r\nHo st: x\r\n\r\n', 400, 'ParseRequestParameterException'],
    ['headers over 128 KiB', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(140_000)}\r\n\r\n`, 431, 'Request.HeaderTooLarge'],
    ['HTTP/1.1 without a Host header', 'GET /?Action=ListKeys&Version=2016-01-20 HTTP/1.1\r\n\r\n', 400, 'IncompleteSignature'],
    ['a bad chunked body', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n', 400, 'ParseRequestParameterException'],
  ])('%s', async (_name, bytes, status, code) => {
    const res = parse(await rawExchange(bytes));
    expect(res.status).toBe(status);
    expect(res.head.toLowerCase()).toContain('content-type: application/json;charset=utf-8');
    expect(res.json).toMatchObject({ Code: code, Message: expect.any(String), RequestId: expect.any(String) });
    // And the server still serves.
    expect((await send(emu.endpoint, rpcV1Get('DescribeRegions'))).status).toBe(200);
  });
});
