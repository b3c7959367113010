/**
 * Issue 15 (3): Check validates statically only, so a preview never fails on live state that the deployment itself
 * would change first; live preconditions are checked when the change is made. Check and CheckConfig name every
 * failure at once.
 */
import { startHarness, secret, type Harness } from './support/harness';
import { CheckFailed } from './support/engine';

const KEY = 'alikms:index:Key';
const ROT = 'alikms:index:RotationPolicy';
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const meta = async (id: string) => (await h.cloud('DescribeKey', { KeyId: id })).KeyMetadata;

/** `pulumi preview --refresh` / `up --refresh` of a program: refresh what exists, then register each resource. */
async function upWithRefresh(program: [string, string, Record<string, unknown>][], preview: boolean) {
  for (const [type, name] of program) if (h.sim.state.has(`urn:pulumi:dev::alikms-test::${type}::${name}`)) await h.sim.refresh(type, name);
  const steps = [];
  for (const [type, name, inputs] of program) steps.push((await h.sim.register(type, name, inputs, preview)).step);
  return steps;
}

it('preview --refresh after an out-of-band DisableKey, with a new RotationPolicy on that key, passes; the up enables then rotates', async () => {
  const key = await h.sim.register(KEY, 'k1', { instanceId: h.instanceId });
  await h.cloud('DisableKey', { KeyId: key.id });
  const program: [string, string, Record<string, unknown>][] = [
    [KEY, 'k1', { instanceId: h.instanceId }],
    [ROT, 'rot1', { keyId: key.id, interval: '30d' }],
  ];
  expect(await upWithRefresh(program, true)).toEqual(['update', 'create']);
  expect((await meta(key.id)).KeyState).toBe('Disabled');
  expect(await upWithRefresh(program, false)).toEqual(['update', 'create']);
  expect(await meta(key.id)).toMatchObject({ KeyState: 'Enabled', AutomaticRotation: 'Enabled', RotationInterval: '2592000s' });
});

it('one edit that re-enables a key and changes its rotation interval previews and deploys', async () => {
  const key = await h.sim.register(KEY, 'k2', { instanceId: h.instanceId });
  await h.sim.register(ROT, 'rot2', { keyId: key.id, interval: '7d' });
  await h.sim.register(KEY, 'k2', { instanceId: h.instanceId, enabled: false });
  const edited: [string, string, Record<string, unknown>][] = [
    [KEY, 'k2', { instanceId: h.instanceId, enabled: true }],
    [ROT, 'rot2', { keyId: key.id, interval: '30d' }],
  ];
  expect(await upWithRefresh(edited, true)).toEqual(['update', 'update']);
  expect(await upWithRefresh(edited, false)).toEqual(['update', 'update']);
  expect(await meta(key.id)).toMatchObject({ KeyState: 'Enabled', AutomaticRotation: 'Enabled', RotationInterval: '2592000s' });
});

it('a live precondition that still fails is reported by the update itself, naming the key and its state', async () => {
  const key = await h.sim.register(KEY, 'k3', { instanceId: h.instanceId });
  await h.sim.register(ROT, 'rot3', { keyId: key.id, interval: '7d' });
  await h.cloud('DisableKey', { KeyId: key.id });
  // Suspended rotation on an unchanged policy is not drift; a changed one is applied and refused by the update.
  expect((await h.sim.register(ROT, 'rot3', { keyId: key.id, interval: '7d' })).step).toBe('same');
  const err: Error = await h.sim.register(ROT, 'rot3', { keyId: key.id, interval: '30d' }).catch((e) => e);
  expect(err.message).toMatch(new RegExp(`RotationPolicy 'rot3' \\(${key.id}\\): update: key ${key.id} is Disabled`));
  const rsa = await h.sim.register(KEY, 'rsa', { instanceId: h.instanceId, keySpec: 'RSA_2048', keyUsage: 'SIGN/VERIFY' });
  await expect(h.sim.check(ROT, 'x', {}, { keyId: rsa.id })).resolves.toMatchObject({ keyId: rsa.id });
  await expect(h.sim.register(ROT, 'rsa', { keyId: rsa.id })).rejects.toThrow(
    /create: key .* has spec RSA_2048; only symmetric keys rotate automatically/,
  );
});

it('Check names every failure at once, the resource-specific ones beside the type errors', async () => {
  const bad = { keySpec: 'AES', policy: '{not json', pendingWindowInDays: 3, tags: { 'acs:x': '1' }, colour: 'red', enabled: 'yes' };
  const err: CheckFailed = await h.sim.check(KEY, 'bad', {}, bad).catch((e) => e);
  expect(err.failures.map((f) => f.property).sort()).toEqual(['colour', 'enabled', 'keySpec', 'pendingWindowInDays', 'policy', 'tags']);
});

it('CheckConfig names every failure at once', async () => {
  const err: CheckFailed = await h.sim
    .startup({ endpoint: 'ftp://x', endpiont: 'http://x', region: 'Mars', accessKeyId: 'a', accessKeySecret: secret('b') })
    .catch((e) => e);
  expect(err).toBeInstanceOf(CheckFailed);
  expect(err.failures.map((f) => f.property).sort()).toEqual(['endpiont', 'endpoint', 'region']);
  await h.sim.startup({ endpoint: h.emulator.endpoint, accessKeyId: 'test', accessKeySecret: secret('test') });
});
