/**
 * `alikms drift --stack-export <file>` as a child process against a real emulator: resources are made through the
 * plugin (harness), exported as Pulumi writes a version 3 deployment, changed out of band with an official SDK client,
 * and the command's table, JSON and exit codes are checked.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { startHarness, secret, type Harness } from './support/harness';
import { assertCliBuilt, runAlikms, stackExport, writeExport } from './support/stack-export';

const KEY = 'alikms:index:Key';
const ALIAS = 'alikms:index:Alias';
const ROT = 'alikms:index:RotationPolicy';
const DEFAULT_KEY = 'alikms:index:DefaultKey';
let h: Harness;
let keyId: string;
let providerConfig: Record<string, unknown>;
const exportNow = (o: { showSecrets?: boolean; provider?: Record<string, unknown> } = {}) =>
  writeExport(stackExport(h.sim, { provider: o.provider ?? providerConfig, showSecrets: o.showSecrets }));

beforeAll(async () => {
  assertCliBuilt();
  h = await startHarness();
  providerConfig = { endpoint: h.emulator.endpoint, region: 'cn-hangzhou', accessKeyId: 'test', accessKeySecret: secret('test') };
  keyId = (await h.sim.register(KEY, 'orders', { instanceId: h.instanceId, description: 'orders data key', tags: { team: 'payments' } }))
    .id;
  await h.sim.register(ALIAS, 'orders', { name: 'alias/orders', keyId });
  await h.sim.register(ROT, 'orders', { keyId, interval: '30d' });
  await h.sim.register(DEFAULT_KEY, 'default', { description: 'region default' });
});
afterAll(async () => {
  await h?.close();
});

it('a stack that matches the live API is clean: exit 0', async () => {
  const run = await runAlikms(['drift', '--stack-export', exportNow()]);
  expect(run).toMatchObject({ code: 0, stdout: '4 alikms resources checked, no drift\n' });
});

it('a description changed with the SDK is drift on that property alone: table and JSON, exit 1', async () => {
  await h.cloud('UpdateKeyDescription', { KeyId: keyId, Description: 'edited by hand' });
  const file = exportNow();
  const table = await runAlikms(['drift', '--stack-export', file]);
  expect(table.code).toBe(1);
  const lines = table.stdout.trimEnd().split('\n');
  expect(lines[0].split(/\s{2,}/)).toEqual(['RESOURCE', 'ID', 'PROPERTY', 'DESIRED', 'ACTUAL']);
  expect(lines[1].split(/\s{2,}/)).toEqual([`${KEY}::orders`, keyId, 'description', 'orders data key', 'edited by hand']);
  expect(lines.at(-1)).toBe('4 alikms resources checked, 1 drifted (1 property)');
  const json = await runAlikms(['drift', '--stack-export', file, '--json']);
  expect(json.code).toBe(1);
  const report = JSON.parse(json.stdout);
  expect(report.clean).toBe(false);
  expect(report.resources.map((r: { status: string }) => r.status)).toEqual(['drift', 'ok', 'ok', 'ok']);
  expect(report.resources[0]).toMatchObject({
    urn: `urn:pulumi:dev::alikms-test::${KEY}::orders`,
    id: keyId,
    drift: [{ property: 'description', desired: 'orders data key', actual: 'edited by hand', replace: false }],
  });
  // The repairing `pulumi up --refresh` (refresh, then up, as the engine plays them) makes the stack clean again.
  await h.sim.refresh(KEY, 'orders');
  await h.sim.register(KEY, 'orders', { instanceId: h.instanceId, description: 'orders data key', tags: { team: 'payments' } });
  expect((await runAlikms(['drift', '--stack-export', exportNow()])).code).toBe(0);
});

it('rotation drift and an alias deleted out of band are both reported', async () => {
  await h.cloud('UpdateRotationPolicy', { KeyId: keyId, EnableAutomaticRotation: true, RotationInterval: '604800s' });
  await h.cloud('DeleteAlias', { AliasName: 'alias/orders' });
  const run = await runAlikms(['drift', '--stack-export', exportNow(), '--json']);
  expect(run.code).toBe(1);
  const byName = Object.fromEntries(JSON.parse(run.stdout).resources.map((r: { type: string }) => [r.type, r]));
  expect(byName[ROT]).toMatchObject({ status: 'drift', drift: [{ property: 'interval', desired: '30d', actual: '604800s' }] });
  expect(byName[ALIAS]).toMatchObject({ status: 'gone', drift: [] });
  const table = await runAlikms(['drift', '--stack-export', exportNow()]);
  expect(table.stdout).toMatch(new RegExp(`${ALIAS}::orders\\s+alias/orders\\s+\\(resource\\)\\s+exists\\s+deleted`));
  await h.cloud('CreateAlias', { AliasName: 'alias/orders', KeyId: keyId });
  await h.sim.refresh(ROT, 'orders');
  await h.sim.register(ROT, 'orders', { keyId, interval: '30d' });
});

it('--endpoint overrides the stack; encrypted credentials fall back to the environment', async () => {
  const stale = { ...providerConfig, endpoint: 'http://127.0.0.1:9' };
  const file = exportNow({ provider: stale, showSecrets: false });
  const run = await runAlikms(['drift', '--stack-export', file, '--endpoint', h.emulator.endpoint], {
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test',
  });
  expect(run).toMatchObject({ code: 0, stdout: '4 alikms resources checked, no drift\n' });
});

it('errors exit 2: encrypted credentials without a fallback, an unreadable export, a usage error', async () => {
  const run = await runAlikms(['drift', '--stack-export', exportNow({ showSecrets: false })]);
  expect(run.code).toBe(2);
  expect(run.stdout).toMatch(
    /error: alikms:index:Key::orders \(key-[^)]+\): provider urn:pulumi:dev::alikms-test::pulumi:providers:alikms::default_0_1_0: .*accessKeySecret is not set/,
  );
  expect(run.stdout).toMatch(
    /accessKeySecret is encrypted in the export: use `pulumi stack export --show-secrets` or set ALIBABA_CLOUD_ACCESS_KEY_SECRET/,
  );
  expect(run.stdout).toMatch(/4 alikms resources checked, 4 could not be checked\n$/);
  const notJson = writeExport({});
  writeFileSync(notJson, 'pulumi: no stack selected');
  expect(await runAlikms(['drift', '--stack-export', notJson])).toMatchObject({ code: 2, stderr: expect.stringMatching(/is not JSON/) });
  expect(await runAlikms(['drift', '--stack-export', writeExport({ version: 1, deployment: {} })])).toMatchObject({
    code: 2,
    stderr: expect.stringMatching(/version 1/),
  });
  expect((await runAlikms(['drift'])).code).toBe(2);
});

it('a secret whose plaintext is not JSON is an error (exit 2) naming the resource, never drift, never the secret', async () => {
  const doc = JSON.parse(readFileSync(exportNow({ showSecrets: true }), 'utf8'));
  const provider = doc.deployment.resources.find((r: { type: string }) => r.type === 'pulumi:providers:alikms');
  provider.inputs.accessKeySecret.plaintext = 'hunter2-not-json';
  const run = await runAlikms(['drift', '--stack-export', writeExport(doc)]);
  expect(run).toMatchObject({ code: 2, stderr: expect.stringContaining(`${provider.urn}: a secret's plaintext is not JSON`) });
  expect(run.stderr + run.stdout).not.toContain('hunter2');
});
