/**
 * The console's guarantees, replayed as attacks over plain HTTP: sessions, forged forms, a tenant reaching for another
 * account, stored text that tries to become markup, and secrets that must never come back. Plus the Audit tab, which
 * only an emulator with an audit log has.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGN_IN_FAILED } from '../../src/console/pages/sign-in';
import { Accounts } from '../../src/wire/accounts';
import type { RequestRecord } from '../../src/wire/server';
import { acs3Client } from '../support/clients';
import { startTestEmulator, stopTestEmulator, type TestEmulator } from '../support/emulator';
import { ConsoleHttp, flashOf } from './http';

const ADMIN = { accountId: '1111111111111111', id: 'admin-key', secret: 'admin-secret' };
const TENANT = { accountId: '2222222222222222', id: 'tenant-key', secret: 'tenant-secret' };
const STS = { accountId: '2222222222222222', id: 'sts-key', secret: 'sts-secret', securityToken: 'STS.token' };
const ADMIN_TOKEN = 'the-admin-token';

let emu: TestEmulator;
const observed: RequestRecord[] = [];
const sdk = (k: { id: string; secret: string }) => acs3Client({ endpoint: emu.endpoint, accessKeyId: k.id, accessKeySecret: k.secret });
const asTenant = () => new ConsoleHttp(emu.endpoint);

beforeAll(async () => {
  emu = await startTestEmulator({
    accounts: new Accounts([ADMIN, TENANT, STS], [ADMIN.accountId]),
    adminToken: ADMIN_TOKEN,
    schedulerIntervalMs: 0,
    observe: (r) => observed.push(r),
  });
});
afterAll(() => stopTestEmulator(emu));

test('every page needs a session; a failed sign-in says only that, and shows nothing that was typed', async () => {
  const http = asTenant();
  for (const path of ['/console/keys', '/console/instances', '/console/keys/key-x']) expect((await http.get(path)).status).toBe(303);
  expect((await http.get('/console/keys')).headers.get('location')).toBe('/console/sign-in');
  const attempts: Record<string, string>[] = [
    { accessKeyId: TENANT.id, accessKeySecret: 'wrong-secret-123' },
    { accessKeyId: 'no-such-key', accessKeySecret: 'wrong-secret-123' },
    { accessKeyId: STS.id, accessKeySecret: STS.secret, securityToken: 'wrong-secret-123' },
    { adminToken: 'wrong-secret-123' },
  ];
  for (const form of attempts) {
    const answer = await http.signIn(form);
    expect([answer.status, flashOf(answer.text)]).toEqual([401, ['error', SIGN_IN_FAILED]]);
    expect(answer.text).not.toContain('wrong-secret-123');
    expect(answer.headers.get('set-cookie')).toBeNull();
  }
  expect((await http.signIn({ accessKeyId: STS.id, accessKeySecret: STS.secret, securityToken: STS.securityToken })).status).toBe(303);
});

test('the session cookie is HttpOnly, SameSite=Strict and expiring; pages are not cached and carry a strict CSP', async () => {
  const http = asTenant();
  const signedIn = await http.signIn({ accessKeyId: TENANT.id, accessKeySecret: TENANT.secret });
  expect(signedIn.headers.get('set-cookie')).toMatch(/^alikms_console=[\w-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=3600$/);
  const keys = await http.get('/console/keys');
  expect(keys.status).toBe(200);
  expect(keys.headers.get('cache-control')).toBe('no-store');
  expect(keys.headers.get('content-security-policy')).toMatch(/default-src 'none'.*script-src 'self'/);
  expect(keys.text).not.toContain(TENANT.secret);
});

test('signing out ends the session: its cookie opens nothing afterwards', async () => {
  const http = asTenant();
  await http.signIn({ accessKeyId: TENANT.id, accessKeySecret: TENANT.secret });
  const out = await http.post('/console/sign-out', { _csrf: await http.csrf() });
  expect(out.headers.get('set-cookie')).toMatch(/^alikms_console=; .*Max-Age=0$/);
  expect((await http.get('/console/keys')).status).toBe(303);
});

test('a forged form is refused: no CSRF token, another session’s token, or another origin', async () => {
  const { KeyId } = (await sdk(TENANT)('CreateKey', { Description: 'target' })).KeyMetadata;
  const victim = asTenant();
  await victim.signIn({ accessKeyId: TENANT.id, accessKeySecret: TENANT.secret });
  const attacker = asTenant();
  await attacker.signIn({ accessKeyId: TENANT.id, accessKeySecret: TENANT.secret });
  const form = { KeyId, back: '/console/keys' };
  expect((await victim.post('/console/do/DisableKey', form)).status).toBe(403);
  expect((await victim.post('/console/do/DisableKey', { ...form, _csrf: await attacker.csrf() })).status).toBe(403);
  expect((await victim.post('/console/do/DisableKey', { ...form, _csrf: await victim.csrf() }, 'http://evil.example')).status).toBe(403);
  expect((await victim.post('/console/do/DisableKey', { ...form, _csrf: await victim.csrf() }, 'null')).status).toBe(403);
  expect((await sdk(TENANT)('DescribeKey', { KeyId })).KeyMetadata.KeyState).toBe('Enabled');
  const done = await victim.act('DisableKey', { KeyId });
  expect(flashOf(done.text)).toEqual(['ok', `Key ${KeyId} is Disabled.`]);
  expect((await sdk(TENANT)('DescribeKey', { KeyId })).KeyMetadata.KeyState).toBe('Disabled');
});

test('a tenant sees and acts on its own account only, and has no Time tab', async () => {
  const own = (await sdk(TENANT)('CreateKey', { Description: 'tenant key' })).KeyMetadata.KeyId as string;
  const foreign = (await sdk(ADMIN)('CreateKey', { Description: 'admin key' })).KeyMetadata.KeyId as string;
  const http = asTenant();
  await http.signIn({ accessKeyId: TENANT.id, accessKeySecret: TENANT.secret });
  const keys = await http.get('/console/keys');
  expect(keys.text).toContain(own);
  expect(keys.text).not.toContain(foreign);
  expect(keys.text).not.toContain('>Time<');
  expect((await http.get(`/console/keys?account=${ADMIN.accountId}`)).status).toBe(403);
  expect(await http.get(`/console/keys/${foreign}`)).toMatchObject({ status: 404, text: expect.stringContaining('Forbidden.KeyNotFound') });
  expect((await http.get('/console/time')).status).toBe(403);
  const refused = await http.act('DisableKey', { KeyId: foreign }, { account: ADMIN.accountId });
  expect(flashOf(refused.text)?.[1]).toMatch(/^Forbidden\.NoPermission: /);
  const notFound = await http.act('DisableKey', { KeyId: foreign });
  expect(flashOf(notFound.text)?.[1]).toMatch(/^Forbidden\.KeyNotFound: /);
  expect((await sdk(ADMIN)('DescribeKey', { KeyId: foreign })).KeyMetadata.KeyState).toBe('Enabled');
  const clock = emu.clock.now();
  const forged = await http.act('AdvanceClock', { advance: '30d' });
  expect(flashOf(forged.text)?.[1]).toMatch(/^Forbidden\.NoPermission: /);
  expect(emu.clock.now() - clock).toBeLessThan(60_000);
});

test('the admin token (and an admin account) may view any account and the clock', async () => {
  const tenantKey = (await sdk(TENANT)('CreateKey', { Description: 'seen by admin' })).KeyMetadata.KeyId as string;
  const admins: Record<string, string>[] = [{ adminToken: ADMIN_TOKEN }, { accessKeyId: ADMIN.id, accessKeySecret: ADMIN.secret }];
  for (const form of admins) {
    const http = asTenant();
    expect((await http.signIn(form)).status).toBe(303);
    expect((await http.get(`/console/keys?account=${TENANT.accountId}`)).text).toContain(tenantKey);
    expect((await http.get(`/console/keys/${tenantKey}?account=${TENANT.accountId}`)).status).toBe(200);
    expect((await http.get('/console/time')).status).toBe(200);
  }
});

test('what callers stored is shown as text, never as markup', async () => {
  // A description is free text (tags and alias names have narrow alphabets).
  const evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
  const { KeyId } = (await sdk(TENANT)('CreateKey', { Description: evil })).KeyMetadata;
  const http = asTenant();
  await http.signIn({ accessKeyId: TENANT.id, accessKeySecret: TENANT.secret });
  for (const path of ['/console/keys', `/console/keys/${KeyId}`]) {
    const page = (await http.get(path)).text;
    expect(page).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page).not.toMatch(/<script>alert|<img src=x/);
  }
});

test('a form is checked by the API action’s own schema, and the call is reported like an API call', async () => {
  const { KeyId } = (await sdk(TENANT)('CreateKey', {})).KeyMetadata;
  const http = asTenant();
  await http.signIn({ accessKeyId: TENANT.id, accessKeySecret: TENANT.secret });
  observed.length = 0;
  const tooSoon = await http.act('ScheduleKeyDeletion', { KeyId, PendingWindowInDays: '3' });
  expect(flashOf(tooSoon.text)?.[1]).toMatch(/^InvalidParameter: .*PendingWindowInDays/);
  const created = await http.act('CreateKey', { KeySpec: 'EC_P256', KeyUsage: 'SIGN/VERIFY', Description: 'from the console' });
  expect(flashOf(created.text)?.[1]).toMatch(/^Created key key-/);
  expect(observed.map((r) => [r.action, r.accountId, r.accessKeyId, r.code, r.status])).toEqual([
    ['ScheduleKeyDeletion', TENANT.accountId, TENANT.id, 'InvalidParameter', 400],
    ['CreateKey', TENANT.accountId, TENANT.id, undefined, 200],
  ]);
});

describe('the Audit tab', () => {
  let audited: TestEmulator;
  const arn = (account: string, keyId: string) => `acs:kms:cn-hangzhou:${account}:key/${keyId}`;
  const line = (account: string, principal: string, action: string, keyId?: string, code?: string) =>
    JSON.stringify({
      time: '2026-11-30T10:00:00.000Z',
      requestId: `req-${action}-${keyId ?? 'none'}`,
      accountId: account,
      principal,
      accessKeyId: 'ak',
      sourceIp: '127.0.0.1',
      action,
      keys: keyId ? [arn(account, keyId)] : [],
      ...(code && { code }),
      status: code ? 409 : 200,
      latencyMs: 1.5,
    });
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alikms-audit-'));
    const file = join(dir, 'audit.log');
    writeFileSync(
      file,
      [
        line(TENANT.accountId, `acs:ram::${TENANT.accountId}:root`, 'CreateKey', 'key-a'),
        line(TENANT.accountId, `acs:ram::${TENANT.accountId}:user/intern`, 'Encrypt', 'key-a', 'Rejected.Disabled'),
        '{"cut off mid-li',
        line(TENANT.accountId, `acs:ram::${TENANT.accountId}:user/intern`, 'Decrypt', 'key-b'),
        line(ADMIN.accountId, `acs:ram::${ADMIN.accountId}:root`, 'CreateKey', 'key-z'),
      ].join('\n') + '\n',
    );
    const accounts = new Accounts([ADMIN, TENANT], [ADMIN.accountId]);
    audited = await startTestEmulator({ dir, accounts, schedulerIntervalMs: 0, auditLog: file });
  });
  afterAll(() => stopTestEmulator(audited));

  test('is absent without an audit log', async () => {
    const http = asTenant();
    await http.signIn({ accessKeyId: TENANT.id, accessKeySecret: TENANT.secret });
    expect((await http.get('/console/keys')).text).not.toContain('>Audit<');
    expect((await http.get('/console/audit')).status).toBe(404);
  });

  test("shows the account's latest calls first, filtered by key and by principal", async () => {
    const http = new ConsoleHttp(audited.endpoint);
    await http.signIn({ accessKeyId: TENANT.id, accessKeySecret: TENANT.secret });
    const requestIds = async (query = '') =>
      [...(await http.get(`/console/audit${query}`)).text.matchAll(/<code>(req-[^<]+)<\/code>/g)].map((m) => m[1]);
    expect(await requestIds()).toEqual(['req-Decrypt-key-b', 'req-Encrypt-key-a', 'req-CreateKey-key-a']);
    expect(await requestIds('?keyId=key-a')).toEqual(['req-Encrypt-key-a', 'req-CreateKey-key-a']);
    expect(await requestIds('?principal=user/intern')).toEqual(['req-Decrypt-key-b', 'req-Encrypt-key-a']);
    expect((await http.get('/console/audit')).text).toContain('Rejected.Disabled (409)');
  });
});
