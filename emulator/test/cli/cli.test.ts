/**
 * The `alikms` command explains itself: the built bin (emulator/bin/alikms.js, `npm run build`) as a child process,
 * against emulators started in-process, plus the option parsing it is built from.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { normalizeEndpoint } from '../../src/cli/admin-client';
import { addServeOptions, parseBoolean, readSwitches } from '../../src/cli/options';
import { acs3Client } from '../support/clients';
import { startTestEmulator, stopTestEmulator, type TestEmulator } from '../support/emulator';

const BIN = join(__dirname, '..', '..', 'bin', 'alikms.js');
const dir = mkdtempSync(join(tmpdir(), 'alikms-cli-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
/** `alikms <args>` with only PATH and HOME from this environment, plus `env`. */
const alikms = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
  new Promise((resolve) =>
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 20_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ schedulerIntervalMs: 0 });
});
afterAll(() => stopTestEmulator(emu));

test('--version prints the package version', async () => {
  expect(await alikms(['--version'])).toMatchObject({ code: 0, stdout: `${require('../../package.json').version}\n` });
});

test('endpoints are accepted as host:port or as a URL; anything else is refused naming its source', () => {
  expect(normalizeEndpoint('127.0.0.1:4599')).toBe('http://127.0.0.1:4599');
  expect(normalizeEndpoint('http://127.0.0.1:4599/')).toBe('http://127.0.0.1:4599');
  expect(normalizeEndpoint('https://kms.example:443')).toBe('https://kms.example');
  expect(normalizeEndpoint('localhost:8080')).toBe('http://localhost:8080');
  expect(() => normalizeEndpoint('http://127.0.0.1:4599/some/path', 'ALIKMS_ENDPOINT')).toThrow(/^ALIKMS_ENDPOINT: .*expected no path/);
  expect(() => normalizeEndpoint('ftp://x:1', '--endpoint')).toThrow(/^--endpoint: .*only http/);
});

test('clock get/advance against host:port; `advance 1000` is milliseconds', async () => {
  // The emulator clock runs with real time from its offset: moves are checked within a few seconds of slack.
  const before = emu.clock.now();
  const run = await alikms(['clock', 'advance', '1000', '--endpoint', `${emu.host}:${emu.port}`]);
  expect(run.code).toBe(0);
  const moved = Date.parse(run.stdout.trim()) - before;
  expect(moved).toBeGreaterThanOrEqual(0); // printed to the second
  expect(moved).toBeLessThan(1000 + 5000);
  expect(emu.clock.now() - before).toBeGreaterThanOrEqual(1000);
  expect((await alikms(['clock', 'advance', '1h'], { ALIKMS_ENDPOINT: emu.endpoint })).code).toBe(0);
  expect(emu.clock.now() - before).toBeGreaterThanOrEqual(3_601_000);
  expect(emu.clock.now() - before).toBeLessThan(3_601_000 + 5000);
});

test('refused admin credentials name where they came from; an emulator that is down is said so', async () => {
  const fromEnv = await alikms(['clock', 'get', '--endpoint', emu.endpoint], { ALIBABA_CLOUD_ACCESS_KEY_ID: 'nobody' });
  expect(fromEnv.code).toBe(1);
  expect(fromEnv.stderr).toMatch(/^alikms: admin credentials from ALIBABA_CLOUD_ACCESS_KEY_ID \(access key nobody\) were refused by http:/);
  const fromFlag = await alikms(['clock', 'get', '--endpoint', emu.endpoint, '--access-key-id', 'x', '--access-key-secret', 'y']);
  expect(fromFlag.stderr).toMatch(/admin credentials from --access-key-id \(access key x\) were refused/);
  const port = await closedPort();
  const down = await alikms(['clock', 'get'], { ALIKMS_ENDPOINT: `127.0.0.1:${port}` });
  expect(down.code).toBe(1);
  expect(down.stderr).toContain(`cannot reach an emulator at http://127.0.0.1:${port} (ECONNREFUSED; endpoint from ALIKMS_ENDPOINT)`);
  expect(down.stderr).not.toMatch(/fetch failed/);
});

test('export --material prints intervals as written (30d) and the account, so the export seeds an emulator as it was', async () => {
  const acs3 = acs3Client(emu);
  const { KeyMetadata } = await acs3('CreateKey', { EnableAutomaticRotation: true, RotationInterval: '30d' });
  const run = await alikms(['export', '--material', '--endpoint', `${emu.host}:${emu.port}`]);
  expect(run.code).toBe(0);
  const seed = parseYaml(run.stdout);
  expect(seed.keys.find((k: { keyId: string }) => k.keyId === KeyMetadata.KeyId).rotation.interval).toBe('30d');
  expect(seed.accounts).toEqual([{ id: '1234567890123456', accessKeys: [{ id: 'test', secret: 'test' }] }]);
  const again = await startTestEmulator({ seed, schedulerIntervalMs: 0 });
  try {
    expect((await acs3Client(again)('DescribeKey', { KeyId: KeyMetadata.KeyId })).KeyMetadata.RotationInterval).toBe('2592000s');
  } finally {
    await stopTestEmulator(again);
  }
});

test('a bad accounts or seed file is reported with the option or variable that named it and the file', async () => {
  const accounts = join(dir, 'accounts.json');
  writeFileSync(accounts, '{ accounts: [] }');
  const flag = await alikms(['serve', '--port', '0', '--data', join(dir, 'a', 'state.json'), '--accounts', accounts]);
  expect(flag.code).toBe(1);
  expect(flag.stderr).toMatch(new RegExp(`^alikms: --accounts: accounts file ${accounts}: Expected property name`));
  const variable = await alikms(['serve', '--port', '0', '--data', join(dir, 'a', 'state.json')], { ALIKMS_ACCOUNTS: accounts });
  expect(variable.stderr).toMatch(new RegExp(`^alikms: ALIKMS_ACCOUNTS: accounts file ${accounts}:`));
  const seed = join(dir, 'seed.yaml');
  writeFileSync(seed, 'keys:\n  - keyId: key-a\n    descripton: payments\n');
  const typo = await alikms(['serve', '--port', '0', '--data', join(dir, 'a', 'state.json'), '--seed', seed]);
  expect(typo.stderr).toMatch(new RegExp(`^alikms: --seed: ${seed}: keys\\.0\\.descripton: unknown field`));
});

describe('switches read true/false/1/0 from their variables', () => {
  const switches = (args: string[], env: Record<string, string>) => {
    const cmd = addServeOptions(new Command('serve').exitOverride());
    cmd.parse(args, { from: 'user' });
    return readSwitches(cmd, env);
  };

  test('ALIKMS_DEFAULT_KEY_ROTATION=false is off, =1 is on; ALIKMS_NO_THROTTLING likewise', () => {
    expect(switches([], {})).toMatchObject({
      throttling: true,
      defaultKeyRotation: false,
      defaultKey: false,
      inMemory: false,
      requestLog: false,
      metrics: true,
      metricsOpen: false,
    });
    expect(switches(['--no-metrics', '--metrics-open'], {})).toMatchObject({ metrics: false, metricsOpen: true });
    expect(switches([], { ALIKMS_NO_METRICS: '1', ALIKMS_METRICS_OPEN: 'true' })).toMatchObject({ metrics: false, metricsOpen: true });
    // Choosing a log format asks for the log; the default format alone does not.
    expect(switches(['--log-format', 'json'], {})).toMatchObject({ requestLog: true });
    expect(switches([], { ALIKMS_LOG_FORMAT: 'text' })).toMatchObject({ requestLog: true });
    expect(switches([], { ALIKMS_DEFAULT_KEY_ROTATION: 'false', ALIKMS_NO_THROTTLING: '0' })).toMatchObject({
      throttling: true,
      defaultKeyRotation: false,
    });
    expect(switches([], { ALIKMS_DEFAULT_KEY_ROTATION: '1', ALIKMS_NO_THROTTLING: 'TRUE' })).toMatchObject({
      throttling: false,
      defaultKeyRotation: true,
    });
    expect(switches(['--default-key-rotation', '--no-throttling'], { ALIKMS_DEFAULT_KEY_ROTATION: 'false' })).toMatchObject({
      throttling: false,
      defaultKeyRotation: true,
    });
    expect(() => switches([], { ALIKMS_DEFAULT_KEY_ROTATION: 'maybe' })).toThrow(
      'ALIKMS_DEFAULT_KEY_ROTATION=maybe: expected true, false, 1 or 0',
    );
    expect([parseBoolean('on'), parseBoolean('off'), parseBoolean('2')]).toEqual([true, false, undefined]);
  });

  test('alikms serve refuses an unreadable ALIKMS_DEFAULT_KEY_ROTATION, naming it', async () => {
    const run = await alikms(['serve', '--port', '0', '--data', join(dir, 'b', 'state.json')], { ALIKMS_DEFAULT_KEY_ROTATION: 'nope' });
    expect(run).toMatchObject({ code: 1, stderr: 'alikms: ALIKMS_DEFAULT_KEY_ROTATION=nope: expected true, false, 1 or 0\n' });
  });
});

test('serve --log-format json: one JSON line per request with RequestId, account, action, code and latency; --metrics-open', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--in-memory', '--log-format', 'json', '--metrics-open'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)[\s\S]*  account /.exec(out); // the last start-up line
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}${err}`)));
    });
    expect(out).toMatch(new RegExp(`console: http://127\\.0\\.0\\.1:${port}/console/\n  metrics: .*/_alikms/metrics \\(open\\)`));
    const acs3 = acs3Client({ endpoint: `http://127.0.0.1:${port}` });
    const { KeyId } = (await acs3('CreateKey', { Description: 'logged' })).KeyMetadata;
    await acs3('DisableKey', { KeyId });
    await expect(acs3('Encrypt', { KeyId, Plaintext: 'c2VjcmV0' })).rejects.toMatchObject({ code: 'Rejected.Disabled' });
    const metrics = await fetch(`http://127.0.0.1:${port}/_alikms/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^alikms_requests_total\{action="Encrypt",code="Rejected.Disabled"\} 1$/m);
    const lines = err
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.action, l.code])).toEqual([
      ['CreateKey', 'OK'],
      ['DisableKey', 'OK'],
      ['Encrypt', 'Rejected.Disabled'],
    ]);
    expect(Object.keys(lines[2])).toEqual([
      'time',
      'requestId',
      'accountId',
      'accessKeyId',
      'regionId',
      'action',
      'status',
      'code',
      'latencyMs',
      'sourceIp',
    ]);
    expect(lines[2]).toMatchObject({ accountId: '1234567890123456', accessKeyId: 'test', status: 409, latencyMs: expect.any(Number) });
    expect(err).not.toContain('c2VjcmV0'); // never a parameter value
  } finally {
    child.kill('SIGTERM');
  }
});

/** A port nothing listens on: one the system just handed out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test('sharedEmulator() takes ALIKMS_ENDPOINT as host:port or URL, and says what to configure when it is missing', async () => {
  const { sharedEmulator } = await import('../../src/testing');
  const shared = sharedEmulator({ ALIKMS_ENDPOINT: `${emu.host}:${emu.port}` });
  expect(shared).toMatchObject({ endpoint: emu.endpoint, host: `${emu.host}:${emu.port}`, region: 'cn-hangzhou' });
  const before = emu.clock.now();
  expect(await shared.clock.advance('1d')).toEqual([]);
  expect(emu.clock.now() - before).toBeGreaterThanOrEqual(86_400_000);
  expect(() => sharedEmulator({})).toThrow(/ALIKMS_ENDPOINT is not set: add globalSetup: 'alikms\/jest-global-setup'/);
});
