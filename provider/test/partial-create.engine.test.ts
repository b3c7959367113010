/**
 * Issue 15 (2): a create that fails after the cloud object exists. The plugin reports ErrorResourceInitFailed with the
 * full inputs and whatever outputs are known; the engine keeps that as the resource's state, so the next `up` (no
 * --refresh) diffs nothing to replace and finishes the job with an Update instead of buying or creating twice.
 */
import { startHarness, providerConfig, type Harness } from './support/harness';
import { startFaultProxy, type FaultProxy } from './support/faults';
import { PartialCreate } from './support/engine';

const INSTANCE = 'alikms:index:Instance';
const KEY = 'alikms:index:Key';
let h: Harness;
let proxy: FaultProxy;

beforeAll(async () => {
  h = await startHarness();
  proxy = await startFaultProxy(h.emulator.endpoint);
  // Every call from the plugin goes through the proxy (KMS and BSS share the emulator's endpoint).
  await h.sim.startup(providerConfig(proxy.endpoint));
});
afterAll(async () => {
  await proxy?.stop();
  await h?.close();
});

const instances = async () =>
  (await h.cloud('ListKmsInstances', { PageSize: 100 })).KmsInstances.KmsInstance as { KmsInstanceId: string }[];
const stateOf = (type: string, name: string) => h.sim.state.get(`urn:pulumi:dev::alikms-test::${type}::${name}`)!;

it('Instance: ConnectKmsInstance fails after the purchase; the state has every input, and the next up connects it in place', async () => {
  const program = {
    vpcId: 'vpc-main',
    zoneIds: ['cn-hangzhou-k', 'cn-hangzhou-j'],
    vswitchIds: ['vsw-a', 'vsw-b'],
    productVersion: '3',
    paymentType: 'Subscription',
    spec: 1000,
    keyNum: 1000,
    tags: { team: 'payments' },
  };
  const before = (await instances()).length;
  proxy.fail('ConnectKmsInstance', 'Forbidden.RamRoleNotFound');
  const err = await h.sim.register(INSTANCE, 'main', program).catch((e) => e);
  expect(err).toBeInstanceOf(PartialCreate);
  expect(err.message).toMatch(/alikms:index:Instance 'main': create: ConnectKmsInstance failed: Forbidden\.RamRoleNotFound/);
  const state = stateOf(INSTANCE, 'main');
  expect(state.initErrors).toHaveLength(1);
  // Everything the next Diff compares is there: nothing reads as added or replaced.
  expect(state.outputs).toMatchObject({ ...program, instanceId: state.id });
  expect((await instances()).length).toBe(before + 1);

  const next = await h.sim.register(INSTANCE, 'main', program);
  expect(next).toMatchObject({ step: 'update', id: state.id, diff: { replaces: [] } });
  expect(next.outputs).toMatchObject({ status: 'Connected', vpcId: 'vpc-main', tags: { team: 'payments' } });
  expect((await instances()).length).toBe(before + 1);
  expect((await h.cloud('GetKmsInstance', { KmsInstanceId: state.id })).KmsInstance).toMatchObject({
    Status: 'Connected',
    VswitchIds: ['vsw-a', 'vsw-b'],
  });
  expect(stateOf(INSTANCE, 'main').initErrors).toBeUndefined();
  expect((await h.sim.register(INSTANCE, 'main', program)).step).toBe('same');
});

it('Key: DisableKey fails after CreateKey; the next up updates the same key (no second key, no replacement)', async () => {
  const program = { instanceId: h.instanceId, keySpec: 'Aliyun_SM4', description: 'half made', tags: { team: 'core' }, enabled: false };
  const listKeys = async () => (await h.cloud('ListKeys', { PageSize: 100 })).Keys.Key.length as number;
  const before = await listKeys();
  proxy.fail('DisableKey', 'Forbidden.NoPermission');
  const err = await h.sim.register(KEY, 'half', program).catch((e) => e);
  expect(err).toBeInstanceOf(PartialCreate);
  const state = stateOf(KEY, 'half');
  expect(state.outputs).toMatchObject({ keyId: state.id, keySpec: 'Aliyun_SM4', description: 'half made', enabled: false });
  const next = await h.sim.register(KEY, 'half', program);
  expect(next).toMatchObject({ step: 'update', id: state.id, diff: { replaces: [] }, outputs: { keyState: 'Disabled' } });
  expect(await listKeys()).toBe(before + 1);
});
