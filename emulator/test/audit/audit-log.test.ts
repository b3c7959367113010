/**
 * The audit log: one JSON line per API call (who, from where, which action on which keys, how it ended), 0600, never a
 * plaintext, secret, signature or ciphertext; read back by key and principal; a failing file is reported, not fatal.
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAudit } from '../../src/audit/reader';
import { AuditLog, type AuditLine } from '../../src/audit/writer';
import type { RequestRecord } from '../../src/wire/server';
import { acs3Client } from '../support/clients';
import { removeDir, startTestEmulator, stopTestEmulator } from '../support/emulator';
import { expectError } from '../support/errors';
import { A, as, PRINCIPALS } from '../support/principals';

const dir = mkdtempSync(join(tmpdir(), 'alikms-audit-'));
const file = join(dir, 'audit.jsonl');
afterAll(() => removeDir(dir));
const FIELDS = ['time', 'requestId', 'accountId', 'principal', 'accessKeyId', 'sourceIp', 'action', 'keys', 'code', 'status', 'latencyMs'];

const PLAINTEXT = Buffer.from('TOP-SECRET-PLAINTEXT').toString('base64');

async function lines(n: number): Promise<AuditLine[]> {
  for (let i = 0; i < 200; i++) {
    const got = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    if (got.length >= n) return got.map((l) => JSON.parse(l) as AuditLine);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`fewer than ${n} audit lines`);
}

test('one line per call, with principal, key ARNs, result and latency; the file is 0600 and holds nothing secret', async () => {
  writeFileSync(file, '', { mode: 0o644 });
  const audited = await startTestEmulator({ accounts: PRINCIPALS, schedulerIntervalMs: 0, auditLog: file });
  try {
    const root = acs3Client(as(audited, 'a-root'));
    const key = (await root('CreateKey', {})).KeyMetadata;
    const sealed = await root('Encrypt', { KeyId: key.KeyId, Plaintext: PLAINTEXT, EncryptionContext: '{"order":"42"}' });
    await expectError(
      acs3Client(as(audited, 'a-intern'))('Encrypt', { KeyId: key.Arn, Plaintext: PLAINTEXT }),
      'Forbidden.NoPermission',
      403,
    );
    await expectError(acs3Client({ ...as(audited, 'a-root'), accessKeySecret: 'wrong' })('ListKeys', {}), 'SignatureDoesNotMatch', 400);
    const [created, encrypted, refused, unsigned] = await lines(4);

    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(created).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestId: expect.any(String),
      accountId: A,
      principal: `acs:ram::${A}:root`,
      accessKeyId: 'a-root',
      sourceIp: expect.stringMatching(/127\.0\.0\.1$/),
      action: 'CreateKey',
      keys: [key.Arn],
      status: 200,
      latencyMs: expect.any(Number),
    });
    expect(encrypted).toMatchObject({ action: 'Encrypt', keys: [key.Arn], status: 200 });
    expect(encrypted).not.toHaveProperty('code');
    expect(refused).toMatchObject({
      principal: `acs:ram::${A}:user/intern`,
      accessKeyId: 'a-intern',
      action: 'Encrypt',
      keys: [key.Arn],
      code: 'Forbidden.NoPermission',
      status: 403,
    });
    expect(unsigned).toMatchObject({ action: 'ListKeys', keys: [], code: 'SignatureDoesNotMatch', status: 400 });
    expect(unsigned).not.toHaveProperty('principal');

    const text = readFileSync(file, 'utf8');
    for (const secret of [PLAINTEXT, 'TOP-SECRET', sealed.CiphertextBlob, 'a-secret', 'intern-secret', '"42"'])
      expect(text).not.toContain(secret);
    for (const line of [created, encrypted, refused, unsigned]) expect(FIELDS).toEqual(expect.arrayContaining(Object.keys(line)));

    // Read back by key, by principal, the last N.
    expect((await readAudit(file, { keyId: key.KeyId, limit: 10 })).map((l) => l.action)).toEqual(['CreateKey', 'Encrypt', 'Encrypt']);
    expect((await readAudit(file, { keyId: key.Arn, principal: `acs:ram::${A}:user/intern`, limit: 10 })).map((l) => l.code)).toEqual([
      'Forbidden.NoPermission',
    ]);
    expect((await readAudit(file, { limit: 2 })).map((l) => l.action)).toEqual(['Encrypt', 'ListKeys']);
  } finally {
    await stopTestEmulator(audited);
  }
});

const record = (n: number, keyId: string): RequestRecord => ({
  time: Date.UTC(2030, 0, 1) + n,
  requestId: `R-${n}`,
  sourceIp: '127.0.0.1',
  action: 'Encrypt',
  principal: n % 2 ? 'acs:ram::1:user/ünïcödé' : 'acs:ram::1:root',
  keys: [`acs:kms:cn-hangzhou:1:key/${keyId}`],
  status: 200,
  latencyMs: 1.25,
});

test('many calls in one turn are written together; the reader walks back over 64 KiB blocks and multi-byte text', async () => {
  const big = join(dir, 'big.jsonl');
  const log = AuditLog.open(big);
  const writes = jest.spyOn(require('node:fs') as typeof import('node:fs'), 'write');
  for (let n = 0; n < 3000; n++) log.record(record(n, n % 3 === 0 ? 'key-three' : 'key-other'));
  await new Promise((r) => setImmediate(r)); // the turn ends: its lines go out in one write
  await log.close();
  expect(writes).toHaveBeenCalledTimes(1);
  writes.mockRestore();
  const all = readFileSync(big, 'utf8').split('\n').filter(Boolean);
  expect(all).toHaveLength(3000);
  expect(Buffer.byteLength(readFileSync(big))).toBeGreaterThan(3 * 64 * 1024);
  const last = await readAudit(big, { keyId: 'key-three', principal: 'acs:ram::1:user/ünïcödé', limit: 400 });
  expect(last).toHaveLength(400);
  expect(last.every((l) => l.principal === 'acs:ram::1:user/ünïcödé' && l.keys[0].endsWith('key/key-three'))).toBe(true);
  expect(last.at(-1)!.requestId).toBe('R-2997');
  expect(last[0].requestId).toBe(`R-${2997 - 399 * 6}`);
  expect(await readAudit(big, { keyId: 'key-none', limit: 5 })).toEqual([]);
});

test('a file that cannot be written is reported once, and the emulator goes on', async () => {
  if (!existsSync('/dev/full')) return; // Linux: every write to /dev/full fails with ENOSPC
  const messages: string[] = [];
  const log = AuditLog.open('/dev/full', (m) => messages.push(m));
  for (let round = 0; round < 3; round++) {
    log.record(record(round, 'k'));
    await new Promise((r) => setTimeout(r, 20));
  }
  await log.close();
  expect(messages.filter((m) => m.includes('write failed, lines dropped'))).toHaveLength(1);
  expect(messages[0]).toContain('/dev/full');
});

test('a file that cannot be opened stops start-up, naming it', async () => {
  await expect(startTestEmulator({ auditLog: join(dir, 'no-such-dir', 'audit.jsonl') })).rejects.toThrow(/audit log .*no-such-dir/);
});
