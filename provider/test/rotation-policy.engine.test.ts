/** RotationPolicy through the plugin process against the emulator: normalised intervals, eligibility, Suspended, drift. */
import { startHarness, type Harness } from './support/harness';
import { CheckFailed } from './support/engine';
import { UNKNOWN } from '../src/values';

const KEY = 'alikms:index:Key';
const ROT = 'alikms:index:RotationPolicy';
let h: Harness;
let keyId: string;

beforeAll(async () => {
  h = await startHarness();
  keyId = (await h.sim.register(KEY, 'k', { instanceId: h.instanceId })).id;
});
afterAll(async () => {
  await h?.close();
});

const meta = async (id: string) => (await h.cloud('DescribeKey', { KeyId: id })).KeyMetadata;

it('turns rotation on with the interval in seconds; 7d and 604800s never diff', async () => {
  const made = await h.sim.register(ROT, 'rot', { keyId, interval: '7d' });
  expect(made).toMatchObject({ id: keyId, outputs: { enabled: true, interval: '7d', intervalSeconds: 604800, status: 'Enabled' } });
  expect(await meta(keyId)).toMatchObject({ AutomaticRotation: 'Enabled', RotationInterval: '604800s' });
  expect((await h.sim.register(ROT, 'rot', { keyId, interval: '604800s' })).step).toBe('same');
  expect((await h.sim.register(ROT, 'rot', { keyId, interval: '168h' })).step).toBe('same');
  expect(await h.sim.refresh(ROT, 'rot')).toMatchObject({ changes: 'DIFF_NONE' });
});

it('Suspended (key disabled out of band) is not drift', async () => {
  await h.cloud('DisableKey', { KeyId: keyId });
  expect((await meta(keyId)).AutomaticRotation).toBe('Suspended');
  expect(await h.sim.refresh(ROT, 'rot')).toMatchObject({ changes: 'DIFF_NONE' });
  expect(h.engine.logs.some((l) => /Suspended/.test(l.message))).toBe(true);
  await h.cloud('EnableKey', { KeyId: keyId });
});

it('an unchanged policy on a disabled key stays the same; a changed one is refused by the update', async () => {
  await h.cloud('DisableKey', { KeyId: keyId });
  expect((await h.sim.register(ROT, 'rot', { keyId, interval: '7d' })).step).toBe('same');
  const changed = h.sim.register(ROT, 'rot', { keyId, interval: '30d' });
  await expect(changed).rejects.toThrow(/update: key .* is Disabled; UpdateRotationPolicy needs an Enabled key/);
  await h.cloud('EnableKey', { KeyId: keyId });
});

it('an out-of-band interval change is drift on interval alone, repaired by the next up', async () => {
  await h.cloud('UpdateRotationPolicy', { KeyId: keyId, EnableAutomaticRotation: true, RotationInterval: '30d' });
  expect(await h.sim.refresh(ROT, 'rot')).toMatchObject({ changes: 'DIFF_SOME', detailedDiff: { interval: 'UPDATE' } });
  expect((await h.sim.register(ROT, 'rot', { keyId, interval: '7d' })).step).toBe('update');
  expect((await meta(keyId)).RotationInterval).toBe('604800s');
});

it('rotation switched off out of band is drift on enabled', async () => {
  await h.cloud('UpdateRotationPolicy', { KeyId: keyId, EnableAutomaticRotation: false });
  expect(await h.sim.refresh(ROT, 'rot')).toMatchObject({ changes: 'DIFF_SOME', detailedDiff: { enabled: 'UPDATE' } });
  await h.sim.register(ROT, 'rot', { keyId, interval: '7d' });
  expect((await meta(keyId)).AutomaticRotation).toBe('Enabled');
});

it('Check validates the interval statically; the key eligibility is checked when rotation is set', async () => {
  const bad: CheckFailed = await h.sim.check(ROT, 'x', {}, { keyId, interval: '3d' }).catch((e) => e);
  expect(bad.failures).toEqual([{ property: 'interval', reason: expect.stringMatching(/interval 3d must be between 7d and 365d/) }]);
  // 365d is the emulator's default cap for software keys (and the CreateKey doc's): a longer one fails at preview.
  const long: CheckFailed = await h.sim.check(ROT, 'x', {}, { keyId, interval: '366d' }).catch((e) => e);
  expect(long.failures).toEqual([{ property: 'interval', reason: 'interval 366d must be between 7d and 365d' }]);
  await expect(h.sim.check(ROT, 'x', {}, { keyId, interval: '8760h' })).resolves.toMatchObject({ interval: '8760h' });
  const rsa = (await h.sim.register(KEY, 'rsa', { instanceId: h.instanceId, keySpec: 'RSA_2048', keyUsage: 'SIGN/VERIFY' })).id;
  await expect(h.sim.check(ROT, 'x', {}, { keyId: rsa })).resolves.toMatchObject({ keyId: rsa });
  await expect(h.sim.register(ROT, 'x', { keyId: rsa })).rejects.toThrow(
    /create: key .* has spec RSA_2048; only symmetric keys rotate automatically/,
  );
  await expect(h.sim.check(ROT, 'x', {}, { keyId: UNKNOWN, interval: '30d' })).resolves.toMatchObject({ keyId: UNKNOWN });
  await expect(h.sim.register(ROT, 'y', { keyId: 'key-hzz00000000000000000000' })).rejects.toThrow(/create: key .* does not exist/);
});

it('import by key ID, then destroy turns rotation off', async () => {
  h.sim.state.delete('urn:pulumi:dev::alikms-test::alikms:index:RotationPolicy::rot');
  const imported = await h.sim.import(ROT, 'rot', keyId, { keyId, interval: '7d' });
  expect(imported.read).toEqual({ keyId, enabled: true, interval: '604800s' });
  expect(imported.diff.changes).toBe('DIFF_NONE');
  await h.sim.destroy(ROT, 'rot');
  expect((await meta(keyId)).AutomaticRotation).toBe('Disabled');
});
