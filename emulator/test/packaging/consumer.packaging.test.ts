/**
 * The consumer test: the packages as a user gets them. They are packed with `npm pack` (prepack builds them) and
 * installed from the tarballs into a fresh project outside the repository (bench/lib/consumer.js), then used there the
 * way the README says: the `alikms` bin with an official SDK, `alikms/testing` under jest (TypeScript, ts-jest's preset
 * and nothing else), the jest globalSetup example, node's test runner and vitest, the optional packages missing, and
 * `alikms drift` before and after the provider package is installed. Install size and time are measured by
 * `node bench/install.js`, not here.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const consumer = require('../../../bench/lib/consumer.js') as {
  ROOT: string;
  cleanEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  packAll(keys: string[]): Record<string, { file: string; files: string[] }>;
  freshProject(name?: string): string;
  npmInstall(dir: string, specs: string[]): number;
};
const EXAMPLES = join(consumer.ROOT, 'examples');
const rootPackage = require('../../../package.json') as { devDependencies: Record<string, string> };
/** Versions as the repository pins them, so a warm npm cache has them. */
const pinned = (name: string) => `${name}@${rootPackage.devDependencies[name].replace(/^~/, '')}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
const run = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> =>
  new Promise((resolve) =>
    execFile(cmd, args, { cwd, env: consumer.cleanEnv(env), timeout: 180_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

let packs: ReturnType<typeof consumer.packAll>;
let project: string;
/** Temporary directories (tarballs, projects) removed after the run. */
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

beforeAll(() => {
  packs = consumer.packAll(['alikms', 'provider']);
  project = consumer.freshProject();
  made.push(dirname(packs.alikms.file), dirname(project));
  consumer.npmInstall(project, [packs.alikms.file]);
}, 300_000);

test('the emulator package holds its build and installs with only its own dependencies', () => {
  expect(packs.alikms.files).toEqual(
    expect.arrayContaining([
      'bin/alikms.js',
      'dist/alikms.js',
      'dist/testing.js',
      'dist/types/testing.d.ts',
      'console/console.css',
      'console/console.js',
      'console/favicon.svg',
      'LICENSE',
      'package.json',
    ]),
  );
  expect(packs.alikms.files.filter((f) => /^(src|test|scripts)\//.test(f))).toEqual([]);
  const installed = readdirSync(join(project, 'node_modules'));
  expect(installed).toEqual(expect.arrayContaining(['alikms', 'zod', 'commander', 'yaml', 'prom-client']));
  // prom-client brings the OpenTelemetry API package (for exemplars) and nothing else of OpenTelemetry.
  expect(readdirSync(join(project, 'node_modules', '@opentelemetry'))).toEqual(['api']);
  // The provider's stack stays out, and the ES-module-only packages are inside the bundle.
  for (const absent of ['express', '@pulumi', '@grpc', 'google-protobuf', 'protobufjs', 'lowdb', 'steno', '@noble', 'sm-crypto-v2'])
    expect(installed).not.toContain(absent);
});

describe('in the project', () => {
  beforeAll(() => {
    consumer.npmInstall(
      project,
      ['@alicloud/kms20160120', '@alicloud/rpc-client', 'jest', 'ts-jest', 'typescript', '@types/jest', '@types/node', 'vitest'].map(
        pinned,
      ),
    );
  }, 300_000);

  test('npx alikms --version; serve through the bin, an official SDK call, then the CLI against it', async () => {
    expect((await run('npx', ['alikms', '--version'], project)).stdout.trim()).toBe('0.1.0');
    const server = spawn('npx', ['alikms', 'serve', '--port', '0', '--data', join(project, '.alikms', 'state.json')], {
      cwd: project,
      env: consumer.cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    try {
      const port = await listeningPort(server);
      writeFileSync(join(project, 'call.js'), sdkCall);
      const called = await run(process.execPath, ['call.js', `127.0.0.1:${port}`], project);
      expect(called).toMatchObject({ code: 0, stdout: expect.stringMatching(/^key-\S+ hello\n$/) });
      // The bundle finds the console's files in the installed package.
      for (const path of ['/console/sign-in', '/console/assets/console.css', '/console/assets/console.js'])
        expect([path, (await fetch(`http://127.0.0.1:${port}${path}`)).status]).toEqual([path, 200]);
      const advanced = await run('npx', ['alikms', 'clock', 'advance', '1000', '--endpoint', `127.0.0.1:${port}`], project);
      expect(advanced).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      const refused = await run('npx', ['alikms', 'clock', 'get', '--endpoint', `127.0.0.1:${port}`], project, {
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'nobody',
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/admin credentials from ALIBABA_CLOUD_ACCESS_KEY_ID \(access key nobody\) were refused/);
    } finally {
      process.kill(-server.pid!, 'SIGTERM');
    }
    const down = await run('npx', ['alikms', 'clock', 'get', '--endpoint', '127.0.0.1:1'], project);
    expect(down.stderr).toMatch(/cannot reach an emulator at http:\/\/127\.0\.0\.1:1 .*npx alikms serve/);
  }, 120_000);

  test('alikms/testing under jest: a TypeScript test with ts-jest and no other settings', async () => {
    const dir = join(project, 'ts-jest');
    mkdirSync(dir);
    copyFileSync(join(EXAMPLES, 'testing-key-rotation', 'rotation.test.ts'), join(dir, 'rotation.test.ts'));
    writeFileSync(join(dir, 'jest.config.js'), "module.exports = { preset: 'ts-jest', testEnvironment: 'node' };\n");
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, esModuleInterop: true, types: ['jest', 'node'] } }) + '\n',
    );
    const result = await run(process.execPath, [join(project, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'], dir);
    expect(result.stderr).toMatch(/Tests: +1 passed, 1 total/);
    expect(result.code).toBe(0);
  }, 120_000);

  test('the jest globalSetup example: one emulator for every test file, reached through the environment', async () => {
    const dir = join(project, 'global-setup');
    mkdirSync(dir);
    for (const f of readdirSync(join(EXAMPLES, 'testing-jest-global')))
      copyFileSync(join(EXAMPLES, 'testing-jest-global', f), join(dir, f));
    const result = await run(process.execPath, [join(project, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'], dir);
    expect(result.stderr).toMatch(/Tests: +2 passed, 2 total/);
    expect(result.code).toBe(0);
  }, 120_000);

  test("node's test runner and vitest run their examples", async () => {
    copyFileSync(join(EXAMPLES, 'testing-key-rotation', 'rotation.node-test.js'), join(project, 'rotation.node-test.js'));
    const node = await run(process.execPath, ['--test', '--test-reporter=tap', 'rotation.node-test.js'], project);
    expect(node.stdout).toMatch(/^# pass 1$/m);
    expect(node.stdout).toMatch(/^# fail 0$/m);
    const dir = join(project, 'vitest');
    mkdirSync(dir);
    copyFileSync(join(EXAMPLES, 'testing-vitest', 'rotation.spec.ts'), join(dir, 'rotation.spec.ts'));
    const vitest = await run('npx', ['vitest', 'run', '--root', dir], project, { NO_COLOR: '1' });
    expect(vitest.stdout).toMatch(/Tests +1 passed \(1\)/);
    expect(vitest.code).toBe(0);
  }, 120_000);

  test('alikms drift names the package it needs, and works once the provider package is installed', async () => {
    const stack = join(project, 'stack.json');
    writeFileSync(stack, JSON.stringify({ version: 3, deployment: { resources: [] } }));
    const without = await run('npx', ['alikms', 'drift', '--stack-export', stack], project);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/npm install --save-dev pulumi-resource-alikms/);
    consumer.npmInstall(project, [packs.provider.file]);
    const withProvider = await run('npx', ['alikms', 'drift', '--stack-export', stack], project);
    expect(withProvider).toMatchObject({ code: 0, stdout: 'no alikms resources in the stack export\n' });
  }, 300_000);
});

test('without the optional packages the emulator runs, and --store / --pkcs11-module say what to install', async () => {
  const slim = consumer.freshProject('alikms-slim');
  made.push(dirname(slim));
  await run('npm', ['install', '--save-dev', '--omit=optional', '--no-audit', '--no-fund', '--prefer-offline', packs.alikms.file], slim);
  expect(existsSync(join(slim, 'node_modules', 'pg'))).toBe(false);
  expect(existsSync(join(slim, 'node_modules', 'pkcs11js'))).toBe(false);
  const data = join(slim, 'state.json');
  const pg = await run('npx', ['alikms', 'serve', '--port', '0', '--data', data, '--store', 'postgres://kms@127.0.0.1:1/kms'], slim, {
    ALIKMS_ROOT_KEY: Buffer.alloc(32, 1).toString('base64'),
  });
  expect(pg.code).toBe(1);
  expect(pg.stderr).toMatch(
    /a PostgreSQL store \(--store, ALIKMS_STORE\) needs the optional package pg, which is not installed: npm install pg@/,
  );
  const hsm = await run(
    'npx',
    ['alikms', 'serve', '--port', '0', '--data', data, '--pkcs11-module', process.execPath, '--pkcs11-token', 't', '--pkcs11-pin', '1'],
    slim,
  );
  expect(hsm.code).toBe(1);
  expect(hsm.stderr).toMatch(/needs the optional package pkcs11js, which is not installed: npm install pkcs11js@/);
}, 300_000);

test('the SDK package @alikms/pulumi ships its compiled JavaScript and declarations', () => {
  const { sdk } = consumer.packAll(['sdk']);
  made.push(dirname(sdk.file));
  expect(sdk.files).toEqual(expect.arrayContaining(['bin/index.js', 'bin/index.d.ts', 'bin/key.js', 'bin/package.json', 'LICENSE']));
  expect(sdk.files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
}, 120_000);

/** An official SDK call, as a user's script: create a key, encrypt, decrypt. */
const sdkCall = `const { default: Kms, CreateKeyRequest, EncryptRequest, DecryptRequest } = require('@alicloud/kms20160120');
const { Config } = require('@alicloud/rpc-client');
const kms = new Kms(new Config({ accessKeyId: 'test', accessKeySecret: 'test', regionId: 'cn-hangzhou', endpoint: process.argv[2], protocol: 'http' }));
(async () => {
  const { keyMetadata } = await kms.createKey(new CreateKeyRequest({ description: 'consumer' }));
  const { ciphertextBlob } = await kms.encrypt(new EncryptRequest({ keyId: keyMetadata.keyId, plaintext: Buffer.from('hello').toString('base64') }));
  const { plaintext } = await kms.decrypt(new DecryptRequest({ ciphertextBlob }));
  console.log(keyMetadata.keyId, Buffer.from(plaintext, 'base64').toString());
})();
`;

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`alikms serve exited ${code}: ${out}`)));
  });
}
