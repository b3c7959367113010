/**
 * Each attack that once walked around a guard, replayed against a real emulator over raw HTTP (the SDKs cannot express
 * them): unsigned inputs deciding the action, replays after a restart, tenants on the admin plane, secrets in the
 * start-up output, a state file without its root key, and the HTTP edge cases (pipelining, HEAD, slow sockets, aborts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acs3Client } from '../support/clients';
import { startTestEmulator, stopTestEmulator, type TestEmulator } from '../support/emulator';
import { rpcV1Signature } from '../../src/wire/signature';
import { acs3Post, encodeParams, rpcV1Get, rpcV1Params, send, type RawRequest } from '../support/raw';

const A = { accountId: '1111111111111111', id: 'alice', secret: 'alice-secret' };
const B = { accountId: '2222222222222222', id: 'bob', secret: 'bob-secret' };
const STS = { accountId: A.accountId, id: 'sts-alice', secret: 'sts-secret', securityToken: 'STS.token-alice' };

let dir: string;
let emu: TestEmulator;
const logLines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alikms-hardening-'));
  const accountsFile = join(dir, 'accounts.json');
  writeFileSync(
    accountsFile,
    JSON.stringify({
      accounts: [
        { id: A.accountId, admin: true, accessKeys: [{ id: A.id, secret: A.secret }, STS] },
        { id: B.accountId, accessKeys: [{ id: B.id, secret: B.secret }] },
      ],
    }),
  );
  emu = await startTestEmulator({
    dir,
    accountsFile,
    schedulerIntervalMs: 0,
    adminToken: 'the-admin-token',
    timeouts: { headersMs: 1000 },
    log: (m) => logLines.push(m),
  });
});
afterAll(async () => {
  await stopTestEmulator(emu);
  rmSync(dir, { recursive: true, force: true });
});

const as = (k: { id: string; secret: string; securityToken?: string }) => ({
  ...emu,
  accessKeyId: k.id,
  accessKeySecret: k.secret,
  securityToken: k.securityToken,
});
const newKey = async () => (await acs3Client(as(A))('CreateKey', {})).KeyMetadata.KeyId as string;
const stateOf = async (keyId: string) => (await acs3Client(as(A))('DescribeKey', { KeyId: keyId })).KeyMetadata.KeyState as string;
const alice = { accessKeyId: A.id, secret: A.secret };

describe('only signed inputs decide', () => {
  test('ACS3: a signature that leaves out x-acs-action (or anything that decides) is IncompleteSignature', async () => {
    const keyId = await newKey();
    const partial = acs3Post(
      emu.endpoint,
      'DescribeKey',
      { KeyId: keyId },
      {
        ...alice,
        signedHeaders: ['host', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce'],
      },
    );
    const tampered = { ...partial, headers: { ...partial.headers, 'x-acs-action': 'DisableKey' } };
    expect((await send(emu.endpoint, tampered)).json).toMatchObject({ Code: 'IncompleteSignature' });
    const hostOnly = acs3Post(emu.endpoint, 'DisableKey', { KeyId: keyId }, { ...alice, signedHeaders: ['host'] });
    expect((await send(emu.endpoint, hostOnly)).json).toMatchObject({ Code: 'IncompleteSignature' });
    // An extra x-acs-* header that is not signed is refused too (the SDKs sign every one they send).
    const extra = acs3Post(emu.endpoint, 'DescribeKey', { KeyId: keyId }, alice);
    expect((await send(emu.endpoint, { ...extra, headers: { ...extra.headers, 'x-acs-region-id': 'cn-shanghai' } })).status).toBe(400);
    expect(await stateOf(keyId)).toBe('Enabled');
  });

  test('RPC v1: the action comes from the signed parameters, never from an unsigned x-acs-action header', async () => {
    const keyId = await newKey();
    // Signed without an Action parameter; the action named only in a header.
    const { Action: _, Signature: __, ...noAction } = rpcV1Params('GET', 'DescribeKey', { KeyId: keyId }, alice);
    const signed = { ...noAction, Signature: rpcV1Signature('GET', noAction, A.secret) };
    const headerAction = await send(emu.endpoint, {
      method: 'GET',
      path: '/?' + encodeParams(signed),
      headers: { 'x-acs-action': 'DisableKey' },
    });
    expect(headerAction.status).toBe(400);
    expect(headerAction.json).toMatchObject({ Code: 'InvalidParameter', Message: expect.stringContaining('x-acs-action') });
    const disagreeing = rpcV1Get('DescribeKey', { KeyId: keyId }, alice);
    const refused = await send(emu.endpoint, { ...disagreeing, headers: { 'x-acs-action': 'DisableKey' } });
    expect(refused.json).toMatchObject({ Code: 'InvalidParameter' });
    expect(await stateOf(keyId)).toBe('Enabled');
  });
});

describe('replays stay refused', () => {
  test('a used nonce is refused after a restart (lowdb)', async () => {
    const own = mkdtempSync(join(tmpdir(), 'alikms-replay-'));
    let first = await startTestEmulator({ dir: own, schedulerIntervalMs: 0 });
    try {
      const request = rpcV1Get('DescribeRegions');
      expect((await send(first.endpoint, request)).status).toBe(200);
      expect((await send(first.endpoint, request)).json).toMatchObject({ Code: 'SignatureNonceUsed' });
      await first.stop();
      first = await startTestEmulator({ dir: own, schedulerIntervalMs: 0 });
      expect((await send(first.endpoint, request)).json).toMatchObject({ Code: 'SignatureNonceUsed' });
    } finally {
      await stopTestEmulator(first);
    }
  });
});

describe('the admin plane has its own rights', () => {
  const admin = (path: string, init: { auth?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    send(emu.endpoint, {
      method: init.body === undefined ? 'GET' : 'POST',
      path: `/_alikms/${path}`,
      headers: { ...(init.auth && { authorization: init.auth }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const basic = (k: { id: string; secret: string }) => 'Basic ' + Buffer.from(`${k.id}:${k.secret}`).toString('base64');

  test('a tenant cannot move the clock, export material or reach another account; refusals carry a RequestId', async () => {
    const keyId = await newKey();
    await acs3Client(as(A))('ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: '7' });
    const moved = await admin('clock', { auth: basic(B), body: { advance: '8d' } });
    expect(moved.status).toBe(403);
    expect(moved.json).toMatchObject({ Code: 'Forbidden.NoPermission', RequestId: expect.any(String) });
    expect(moved.text).not.toContain(keyId);
    expect(await stateOf(keyId)).toBe('PendingDeletion');
    expect((await admin(`state?accountId=${A.accountId}`, { auth: basic(B) })).status).toBe(403);
    expect((await admin(`state?accountId=${B.accountId}&material=true`, { auth: basic(B) })).status).toBe(403);
    expect((await admin(`state?accountId=${B.accountId}`, { auth: basic(B) })).status).toBe(200);
    expect((await admin('reset', { auth: basic(B), body: { accountId: A.accountId } })).status).toBe(403);
    // The admin account and the admin token may.
    expect((await admin(`state?accountId=${B.accountId}&material=true`, { auth: basic(A) })).status).toBe(200);
    expect((await admin('clock', { auth: 'Bearer the-admin-token', body: { advance: '1s' } })).status).toBe(200);
  });

  test('an STS key needs its token on the admin plane too', async () => {
    const withoutToken = await admin(`state?accountId=${A.accountId}&material=true`, { auth: basic(STS) });
    expect(withoutToken.json).toMatchObject({ Code: 'InvalidSecurityToken.MismatchWithAccessKey', RequestId: expect.any(String) });
    const withToken = await admin(`state?accountId=${A.accountId}&material=true`, {
      auth: basic(STS),
      headers: { 'x-acs-security-token': STS.securityToken },
    });
    expect(withToken.status).toBe(200);
  });

  test('credentials are checked before the body is read; no credentials is 401 with the envelope', async () => {
    const anonymous = await admin('clock', { body: '{not json' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toContain('Basic');
    expect(anonymous.json).toMatchObject({ Code: 'Unauthenticated', RequestId: expect.any(String) });
    expect((await admin('health')).json).toEqual({ status: 'ok' });
  });

  test('an admin body is JSON whatever its content type', async () => {
    const res = await send(emu.endpoint, {
      method: 'POST',
      path: '/_alikms/clock',
      headers: { authorization: basic(A), 'content-type': 'text/plain' },
      body: JSON.stringify({ advance: 1000 }),
    });
    expect(res.status).toBe(200);
  });
});

describe('secrets stay hidden', () => {
  test('start-up prints access key ids, never a secret from the accounts file', async () => {
    const cli = spawn(process.execPath, [
      join(__dirname, '../../bin/alikms.js'),
      'serve',
      '--port',
      '0',
      '--data',
      join(dir, 'cli', 'state.json'),
      '--accounts',
      join(dir, 'accounts.json'),
    ]);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      cli.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes(`AccessKeyId=${B.id}`)) resolve();
      });
      cli.on('exit', (code) => reject(new Error(`alikms exited ${code}: ${out}`)));
    });
    cli.kill();
    for (const secret of [A.secret, B.secret, STS.secret, STS.securityToken]) expect(out).not.toContain(secret);
    expect(out).toContain(`AccessKeyId=${A.id}`);
  });

  test('the state files, the root key and the nonces are 0600 in a 0700 folder', () => {
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(dir)).toBe(0o700);
    for (const file of ['state.json.journal.0', 'root.key', 'nonces.current']) expect([file, mode(join(dir, file))]).toEqual([file, 0o600]);
  });

  test('a state file whose root key went missing, or another root key, stops start-up naming the files', async () => {
    const own = mkdtempSync(join(tmpdir(), 'alikms-rootkey-'));
    const first = await startTestEmulator({ dir: own, schedulerIntervalMs: 0 });
    await acs3Client(first)('CreateKey', {});
    await first.stop();
    rmSync(join(own, 'root.key'));
    await expect(startTestEmulator({ dir: own })).rejects.toThrow(/root\.key is missing/);
    const other = Buffer.alloc(32, 9).toString('base64');
    process.env.ALIKMS_ROOT_KEY = other;
    try {
      await expect(startTestEmulator({ dir: own })).rejects.toThrow(/different root key than ALIKMS_ROOT_KEY/);
    } finally {
      delete process.env.ALIKMS_ROOT_KEY;
      rmSync(own, { recursive: true, force: true });
    }
  });
});

describe('HTTP edge cases', () => {
  /** Writes `raw` on one connection and collects everything until the server closes it. */
  const exchange = (raw: string, waitMs = 5000): Promise<string> =>
    new Promise((resolve, reject) => {
      const url = new URL(emu.endpoint);
      const socket = connect(Number(url.port), url.hostname, () => socket.write(raw));
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      socket.setTimeout(waitMs, () => socket.destroy());
    });
  const rawRequest = (r: RawRequest) =>
    `${r.method} ${r.path} HTTP/1.1\r\nhost: ${new URL(emu.endpoint).host}\r\n` +
    Object.entries(r.headers ?? {})
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    `content-length: ${Buffer.byteLength(r.body ?? '')}\r\n\r\n${r.body ?? ''}`;

  test('pipelined requests are each answered, in order, even when the last one cannot be parsed', async () => {
    const keyId = await newKey();
    const disable = rpcV1Get('DisableKey', { KeyId: keyId }, alice);
    const answers = await exchange(rawRequest(disable) + 'GARBAGE / HTTP/1.1\r\n\r\n');
    const statuses = [...answers.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '403']);
    expect(await stateOf(keyId)).toBe('Disabled');
  });

  test('a HEAD that draws an error gets no body', async () => {
    const answer = await exchange(`HEAD / HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(140 * 1024)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431/);
    expect(answer.split('\r\n\r\n')[1]).toBe('');
  });

  test('slow-header sockets are closed by the header timeout', async () => {
    const answer = await exchange('GET / HTTP/1.1\r\nhost: x\r\n', 10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  test('a client that goes away mid-request is one log line, not a stack trace', async () => {
    const before = logLines.length;
    const url = new URL(emu.endpoint);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\npartial`);
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 100);
      });
    });
    await new Promise((r) => setTimeout(r, 200));
    const lines = logLines.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n    at ');
  });
});
