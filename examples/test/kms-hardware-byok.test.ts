/**
 * examples/kms-hardware-byok: under setMocks it registers a hardware instance, an HSM key with its rotation, an
 * instance-less key and an EXTERNAL key fed with secret material; replayed through the plugin against the emulator it
 * makes exactly that, and the material ends up imported (the key Enabled) without appearing in any output.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startHarness, secret, type Harness } from '../../provider/test/support/harness';
import { ref, replay, runUnderMocks, type Props, type Registration } from './support/program';

const INSTANCE = 'alikms:index:Instance',
  KEY = 'alikms:index:Key',
  ROT = 'alikms:index:RotationPolicy';
const material = randomBytes(32).toString('base64');
let registrations: Registration[];
let outputs: Props;

beforeAll(async () => {
  ({ registrations, outputs } = await runUnderMocks(join(__dirname, '..', 'kms-hardware-byok'), {
    config: { 'example:keyMaterial': material },
    secretKeys: ['example:keyMaterial'],
  }));
});

const inputs = (type: string, name: string) => registrations.find((r) => r.type === type && r.name === name)!.inputs;

it('registers a hardware instance, its keys, a rotation policy and an instance-less key', () => {
  expect(registrations.map((r) => `${r.type}::${r.name}`).sort()).toEqual(
    [`${INSTANCE}::hsm`, `${KEY}::payments`, `${ROT}::payments`, `${KEY}::legacy`, `${KEY}::byok`].sort(),
  );
  expect(inputs(INSTANCE, 'hsm')).toMatchObject({ productVersion: '5', paymentType: 'PayAsYouGo' });
  expect(inputs(KEY, 'payments')).toMatchObject({
    instanceId: ref(INSTANCE, 'hsm', 'instanceId'),
    keyStorageMechanism: 'HsmEncryptedDatabase',
  });
  expect(inputs(KEY, 'legacy')).not.toHaveProperty('instanceId');
  // A secret config value reaches the engine as a secret input.
  expect(inputs(KEY, 'byok')).toMatchObject({
    origin: 'EXTERNAL',
    keyMaterial: secret(material),
    keyMaterialExpireTime: '2031-01-01T00:00:00Z',
  });
  expect(outputs.byokKeyId).toBe(ref(KEY, 'byok', 'keyId'));
});

describe('replayed through the plugin against the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, { seed: { keys: [{ keyId: 'key-example-default', defaultKey: true }] } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('pulumi up makes every resource; the material is imported and never an output; a second up changes nothing', async () => {
    const { steps, made } = await replay(h.sim, registrations);
    expect(steps.every((s) => s.step === 'create')).toBe(true);
    const describe = async (name: string) => (await h.cloud('DescribeKey', { KeyId: made.get(`${KEY}::${name}`)!.id })).KeyMetadata;
    const instanceId = made.get(`${INSTANCE}::hsm`)!.id;
    expect((await h.cloud('GetKmsInstance', { KmsInstanceId: instanceId })).KmsInstance).toMatchObject({ ProductVersion: '5' });
    expect(await describe('payments')).toMatchObject({ ProtectionLevel: 'HSM', DKMSInstanceId: instanceId, AutomaticRotation: 'Enabled' });
    expect((await describe('legacy')).DKMSInstanceId).toBeUndefined();
    expect(await describe('byok')).toMatchObject({ Origin: 'EXTERNAL', KeyState: 'Enabled', MaterialExpireTime: '2031-01-01T00:00:00Z' });
    expect(JSON.stringify([...made.values()])).not.toContain(material);
    expect((await replay(h.sim, registrations)).steps.map((s) => s.step)).toEqual(steps.map(() => 'same'));
  });
});
