/**
 * examples/drift-walkthrough, as its README runs it: `pulumi up` (registrations recorded under setMocks, replayed
 * through the plugin against the emulator), a change out of band with an official SDK client, `pulumi preview
 * --refresh` / `pulumi refresh` finding it on that property alone, `alikms drift` on the stack export, and the
 * repairing `pulumi up`.
 */
import { join } from 'node:path';
import { startHarness, secret, type Harness } from '../../provider/test/support/harness';
import { assertCliBuilt, runAlikms, stackExport, writeExport } from '../../provider/test/support/stack-export';
import { ref, replay, runUnderMocks, type Registration } from './support/program';

const INSTANCE = 'alikms:index:Instance',
  KEY = 'alikms:index:Key',
  ALIAS = 'alikms:index:Alias',
  ROT = 'alikms:index:RotationPolicy';
let registrations: Registration[];

beforeAll(async () => {
  ({ registrations } = await runUnderMocks(join(__dirname, '..', 'drift-walkthrough')));
});

it('under setMocks: an instance, a key in it with description and tags, an alias and 90-day rotation', () => {
  const inputs = Object.fromEntries(registrations.map((r) => [`${r.type}::${r.name}`, r.inputs]));
  expect(Object.keys(inputs).sort()).toEqual([`${ALIAS}::app`, `${INSTANCE}::walkthrough`, `${KEY}::app`, `${ROT}::app`]);
  expect(inputs[`${KEY}::app`]).toMatchObject({
    instanceId: ref(INSTANCE, 'walkthrough', 'instanceId'),
    description: 'app secrets key',
    tags: { env: 'dev', owner: 'platform' },
  });
  expect(inputs[`${ALIAS}::app`]).toEqual({ name: 'alias/app', keyId: ref(KEY, 'app', 'keyId') });
  expect(inputs[`${ROT}::app`]).toMatchObject({ keyId: ref(KEY, 'app', 'keyId'), interval: '90d' });
});

describe('the walkthrough against the emulator', () => {
  let h: Harness;
  let keyId: string;
  let exportFile: () => string;
  beforeAll(async () => {
    assertCliBuilt();
    h = await startHarness();
    const provider = { endpoint: h.emulator.endpoint, region: 'cn-hangzhou', accessKeyId: 'test', accessKeySecret: secret('test') };
    exportFile = () => writeExport(stackExport(h.sim, { provider }));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('1. pulumi up creates the stack; alikms drift finds nothing', async () => {
    const { steps, made } = await replay(h.sim, registrations);
    expect(steps.map((s) => s.step)).toEqual(['create', 'create', 'create', 'create']);
    keyId = made.get(`${KEY}::app`)!.id;
    expect((await h.cloud('DescribeKey', { KeyId: 'alias/app' })).KeyMetadata).toMatchObject({
      KeyId: keyId,
      RotationInterval: '7776000s',
    });
    expect(await runAlikms(['drift', '--stack-export', exportFile()])).toMatchObject({ code: 0 });
  });

  it('2. a description and a tag changed out of band: preview --refresh shows them alone, alikms drift exits 1', async () => {
    await h.cloud('UpdateKeyDescription', { KeyId: keyId, Description: 'changed by hand' });
    await h.cloud('UntagResources', { RegionId: 'cn-hangzhou', ResourceType: 'key', ResourceId: [keyId], TagKey: ['owner'] });
    const run = await runAlikms(['drift', '--stack-export', exportFile(), '--json']);
    expect(run.code).toBe(1);
    const key = JSON.parse(run.stdout).resources.find((r: { type: string }) => r.type === KEY);
    expect(key.drift).toEqual([
      { property: 'description', desired: 'app secrets key', actual: 'changed by hand', replace: false },
      { property: 'tags', desired: { env: 'dev', owner: 'platform' }, actual: { env: 'dev' }, replace: false },
    ]);
    // `pulumi refresh` (what preview --refresh runs first): the same two properties, nothing on the other resources.
    expect(await h.sim.refresh(KEY, 'app')).toMatchObject({
      changes: 'DIFF_SOME',
      detailedDiff: { description: 'UPDATE', tags: 'UPDATE' },
    });
    for (const [type, name] of [
      [INSTANCE, 'walkthrough'],
      [ALIAS, 'app'],
      [ROT, 'app'],
    ])
      expect(await h.sim.refresh(type, name)).toMatchObject({ changes: 'DIFF_NONE' });
  });

  it('3. pulumi up repairs it; the stack is clean again', async () => {
    const { steps } = await replay(h.sim, registrations);
    expect(steps.map((s) => `${s.type}::${s.step}`)).toEqual([`${INSTANCE}::same`, `${KEY}::update`, `${ALIAS}::same`, `${ROT}::same`]);
    expect((await h.cloud('DescribeKey', { KeyId: keyId })).KeyMetadata.Description).toBe('app secrets key');
    expect(await runAlikms(['drift', '--stack-export', exportFile()])).toMatchObject({ code: 0 });
  });
});
