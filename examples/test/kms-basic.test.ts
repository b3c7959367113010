/**
 * examples/kms-basic: under setMocks it registers an instance, a key in it, two aliases, a rotation policy and the
 * default key, wired as the README says; replayed through the plugin against the emulator it makes exactly that.
 */
import { join } from 'node:path';
import { startHarness, type Harness } from '../../provider/test/support/harness';
import { ref, replay, runUnderMocks, type Registration, type Props } from './support/program';

const INSTANCE = 'alikms:index:Instance',
  KEY = 'alikms:index:Key',
  ALIAS = 'alikms:index:Alias';
const ROT = 'alikms:index:RotationPolicy',
  DEFAULT_KEY = 'alikms:index:DefaultKey';
let registrations: Registration[];
let outputs: Props;

beforeAll(async () => {
  ({ registrations, outputs } = await runUnderMocks(join(__dirname, '..', 'kms-basic')));
});

describe('under pulumi.runtime.setMocks', () => {
  it('registers an instance, a key, two aliases, a rotation policy and the default key, dependencies first', () => {
    expect(registrations.map((r) => `${r.type}::${r.name}`).sort()).toEqual(
      [
        `${INSTANCE}::kms`,
        `${KEY}::orders`,
        `${ALIAS}::orders`,
        `${ALIAS}::orders-arn`,
        `${ROT}::orders`,
        `${DEFAULT_KEY}::default`,
      ].sort(),
    );
    const order = registrations.map((r) => r.type);
    expect(order.indexOf(INSTANCE)).toBeLessThan(order.indexOf(KEY));
    expect(order.indexOf(KEY)).toBeLessThan(order.indexOf(ALIAS));
    expect(order.indexOf(KEY)).toBeLessThan(order.indexOf(ROT));
  });

  it('wires the key into its instance, the aliases by key ID and by ARN, and rotation every 30 days', () => {
    const inputs = (type: string, name: string) => registrations.find((r) => r.type === type && r.name === name)!.inputs;
    expect(inputs(INSTANCE, 'kms')).toMatchObject({
      paymentType: 'PayAsYouGo',
      vpcId: 'vpc-demo',
      zoneIds: ['cn-hangzhou-k', 'cn-hangzhou-j'],
      tags: { team: 'payments' },
    });
    expect(inputs(KEY, 'orders')).toMatchObject({
      instanceId: ref(INSTANCE, 'kms', 'instanceId'),
      description: 'orders data key',
      pendingWindowInDays: 7,
    });
    expect(inputs(ALIAS, 'orders')).toEqual({ name: 'alias/orders', keyId: ref(KEY, 'orders', 'keyId') });
    expect(inputs(ALIAS, 'orders-arn')).toEqual({ name: 'alias/orders-by-arn', keyId: ref(KEY, 'orders', 'arn') });
    expect(inputs(ROT, 'orders')).toEqual({ keyId: ref(KEY, 'orders', 'keyId'), enabled: true, interval: '30d' });
    expect(inputs(DEFAULT_KEY, 'default')).toEqual({ description: 'region default key', enabled: true });
    expect(outputs).toEqual({
      instanceId: ref(INSTANCE, 'kms', 'instanceId'),
      keyId: ref(KEY, 'orders', 'keyId'),
      defaultKeyId: ref(DEFAULT_KEY, 'default', 'keyId'),
    });
  });
});

describe('replayed through the plugin against the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('pulumi up makes every resource; a second up changes nothing', async () => {
    const { steps, made } = await replay(h.sim, registrations);
    expect(steps.every((s) => s.step === 'create')).toBe(true);
    const instanceId = made.get(`${INSTANCE}::kms`)!.id;
    const keyId = made.get(`${KEY}::orders`)!.id;
    expect((await h.cloud('GetKmsInstance', { KmsInstanceId: instanceId })).KmsInstance).toMatchObject({
      Status: 'Connected',
      VpcId: 'vpc-demo',
    });
    const instanceTags = await h.cloud('ListTagResources', {
      RegionId: 'cn-hangzhou',
      ResourceType: 'instance',
      'ResourceId.1': instanceId,
    });
    expect(instanceTags.TagResources.TagResource).toEqual([expect.objectContaining({ TagKey: 'team', TagValue: 'payments' })]);
    const key = (await h.cloud('DescribeKey', { KeyId: keyId })).KeyMetadata;
    expect(key).toMatchObject({
      DKMSInstanceId: instanceId,
      Description: 'orders data key',
      AutomaticRotation: 'Enabled',
      RotationInterval: '2592000s',
    });
    for (const alias of ['alias/orders', 'alias/orders-by-arn'])
      expect((await h.cloud('DescribeKey', { KeyId: alias })).KeyMetadata.KeyId).toBe(keyId);
    const defaultKey = (await h.cloud('DescribeKey', { KeyId: made.get(`${DEFAULT_KEY}::default`)!.outputs.keyId })).KeyMetadata;
    expect(defaultKey).toMatchObject({ Description: 'region default key', KeyState: 'Enabled' });
    expect(defaultKey.DKMSInstanceId).toBeUndefined();
    expect((await replay(h.sim, registrations)).steps.map((s) => s.step)).toEqual(steps.map(() => 'same'));
  });
});
