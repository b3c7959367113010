/**
 * Issue 15 (4): `customTimeouts` bound the provider's waits (the engine puts them on Create/Update/Delete in seconds),
 * and an Update's preview shows the new values or unknowns, never the stale outputs beside a changed input.
 * The emulator here connects instances only after ten minutes of its clock, which the test moves by hand.
 */
import { advanceClock, startHarness, type Harness } from './support/harness';
import { PartialCreate } from './support/engine';
import { UNKNOWN } from '../src/values';

const INSTANCE = 'alikms:index:Instance';
const KEY = 'alikms:index:Key';
const ALIAS = 'alikms:index:Alias';
const ROT = 'alikms:index:RotationPolicy';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({}, { kms: { connectDelayMs: 10 * 60_000 } });
});
afterAll(async () => {
  await h?.close();
});

const program = { vpcId: 'vpc-slow', zoneIds: ['cn-hangzhou-k', 'cn-hangzhou-j'], vswitchIds: ['vsw-a'], paymentType: 'PayAsYouGo' };

it('customTimeouts.create ends the wait for Connected; the half-made instance is kept, and an up after it connects finishes', async () => {
  const started = Date.now();
  const err = await h.sim.register(INSTANCE, 'slow', program, { customTimeouts: { create: 2 } }).catch((e) => e);
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(err).toBeInstanceOf(PartialCreate);
  expect(err.message).toMatch(
    /alikms:index:Instance 'slow': create: instance kst-\w+ is still Connecting after 2 s \(customTimeouts\.create\)/,
  );
  const id = err.id as string;
  await advanceClock(h.emulator.endpoint, '10m');
  const next = await h.sim.register(INSTANCE, 'slow', program, { customTimeouts: { update: 30 } });
  expect(next).toMatchObject({ step: 'update', id, outputs: { status: 'Connected' } });
});

it('customTimeouts.update bounds the same wait during an update', async () => {
  await h.sim.register(INSTANCE, 'slow2', program, { customTimeouts: { create: 1 } }).catch((e) => e);
  const err: Error = await h.sim.register(INSTANCE, 'slow2', program, { customTimeouts: { update: 1 } }).catch((e) => e);
  expect(err.message).toMatch(/update: instance kst-\w+ is still Connecting after 1 s \(customTimeouts\.update\)/);
  await advanceClock(h.emulator.endpoint, '10m');
});

describe('Update previews', () => {
  let keyId: string;
  beforeAll(async () => {
    await h.sim.register(INSTANCE, 'kms', program, { customTimeouts: { create: 1 } }).catch(() => undefined);
    await advanceClock(h.emulator.endpoint, '10m');
    const instanceId = (await h.sim.register(INSTANCE, 'kms', program)).id;
    keyId = (await h.sim.register(KEY, 'k', { instanceId })).id;
  });
  const instanceId = () => h.sim.state.get(`urn:pulumi:dev::alikms-test::${INSTANCE}::kms`)!.id;

  it('Key: enabled false previews keyState as unknown (not the stale Enabled); identity outputs keep their values', async () => {
    const preview = await h.sim.register(KEY, 'k', { instanceId: instanceId(), enabled: false }, true);
    expect(preview.step).toBe('update');
    expect(preview.outputs).toMatchObject({
      enabled: false,
      keyState: UNKNOWN,
      automaticRotation: UNKNOWN,
      keyId,
      instanceId: instanceId(),
    });
    expect(preview.outputs.arn).toMatch(/^acs:kms:/);
    expect((await h.cloud('DescribeKey', { KeyId: keyId })).KeyMetadata.KeyState).toBe('Enabled');
  });

  it('Alias and RotationPolicy: the outputs that follow the change are unknown in the preview', async () => {
    const other = (await h.sim.register(KEY, 'k2', { instanceId: instanceId() })).id;
    await h.sim.register(ALIAS, 'a', { name: 'alias/preview', keyId });
    const a = await h.sim.register(ALIAS, 'a', { name: 'alias/preview', keyId: other }, true);
    expect(a.outputs).toMatchObject({ keyId: other, targetKeyId: UNKNOWN, targetKeyArn: UNKNOWN, name: 'alias/preview' });
    expect(a.outputs.aliasArn).toMatch(/alias\/preview$/);
    await h.sim.register(ROT, 'r', { keyId, interval: '7d' });
    const r = await h.sim.register(ROT, 'r', { keyId, interval: '30d' }, true);
    expect(r.outputs).toMatchObject({ interval: '30d', intervalSeconds: UNKNOWN, nextRotationDate: UNKNOWN });
  });
});
