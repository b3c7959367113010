/**
 * Key through the real plugin process and a real emulator, following the engine's call sequences:
 * startup, preview with unknowns, up, no-op up, refresh with drift + repairing up, replace, import, destroy.
 */
import { startHarness, secret, type Harness } from './support/harness';
import { CheckFailed } from './support/engine';
import { UNKNOWN, SIG_KEY } from '../src/values';
import * as proto from '@pulumi/pulumi/proto/provider_pb';
import { Status } from '@pulumi/pulumi/proto/status_pb';
import type { ServiceError } from '@grpc/grpc-js';
import { fromStruct, toStruct } from './support/plugin';

const KEY = 'alikms:index:Key';
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  program = { ...base, instanceId: h.instanceId };
});
afterAll(async () => {
  await h?.close();
});

const policy = {
  Version: '1',
  Statement: [
    { Effect: 'Allow', Principal: { RAM: ['acs:ram::1234567890123456:root'] }, Action: ['kms:*'], Resource: ['*'] },
    { Effect: 'Allow', Principal: { RAM: ['acs:ram::1234567890123456:user/ci'] }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: ['*'] },
  ],
};
let program: Record<string, unknown>;
const base = { description: 'orders key', tags: { team: 'payments' }, policy: JSON.stringify(policy), pendingWindowInDays: 7 };

const describe_ = async (id: string) => (await h.cloud('DescribeKey', { KeyId: id })).KeyMetadata;
const listKeys = async () => (await h.cloud('ListKeys', { PageSize: 100 })).Keys.Key as { KeyId: string }[];

describe('startup', () => {
  it('answers the engine handshake, plugin info and configure with preview support, and writes only the port to stdout', async () => {
    expect(h.sim.calls.slice(0, 4)).toEqual(['handshake', 'getPluginInfo', 'checkConfig', 'configure']);
    const again = await h.sim.startup({ endpoint: h.emulator.endpoint, accessKeyId: 'test', accessKeySecret: secret('test') });
    expect(again.version).toBe('0.1.0');
    expect(again.configure.getSupportspreview()).toBe(true);
    expect(again.configure.getAcceptsecrets()).toBe(true);
    expect(h.plugin.stdout()).toMatch(/^\d+\n$/);
  });

  it('rejects unknown config keys and malformed endpoints at CheckConfig, naming the key', async () => {
    await expect(h.sim.startup({ endpoint: 'ftp://x', accessKeyId: 'a', accessKeySecret: 'b' })).rejects.toThrow(/endpoint/);
    await expect(h.sim.startup({ endpiont: 'http://x' })).rejects.toThrow(/endpiont/);
    await h.sim.startup({ endpoint: h.emulator.endpoint, accessKeyId: 'test', accessKeySecret: secret('test') });
  });
});

describe('DiffConfig', () => {
  const diffConfig = async (olds: Record<string, unknown>, news: Record<string, unknown>) => {
    const res = await h.plugin.call<proto.DiffResponse>(
      'diffConfig',
      new proto.DiffRequest().setOlds(toStruct(olds)).setOldInputs(toStruct(olds)).setNews(toStruct(news)),
    );
    return { changes: res.getChanges(), replaces: res.getReplacesList(), diffs: res.getDiffsList() };
  };
  const cfg = () => ({ endpoint: h.emulator.endpoint, accessKeyId: 'test', accessKeySecret: secret('test') });

  it('spelling out the region already in effect changes nothing; only another region replaces resources', async () => {
    expect(await diffConfig(cfg(), { ...cfg(), region: 'cn-hangzhou' })).toEqual({
      changes: proto.DiffResponse.DiffChanges.DIFF_NONE,
      replaces: [],
      diffs: [],
    });
    expect(await diffConfig({ ...cfg(), region: 'cn-hangzhou' }, { ...cfg(), region: 'cn-shanghai' })).toMatchObject({
      replaces: ['region'],
    });
  });

  it('a new endpoint (VPC endpoint, proxy, emulator port) reaches the same keys: an update, never a replacement', async () => {
    expect(await diffConfig(cfg(), { ...cfg(), endpoint: 'http://127.0.0.1:1' })).toEqual({
      changes: proto.DiffResponse.DiffChanges.DIFF_SOME,
      replaces: [],
      diffs: ['endpoint'],
    });
  });
});

describe('check', () => {
  it('names the property in every failure', async () => {
    const bad = { keySpec: 'AES', policy: '{not json', pendingWindowInDays: 3, tags: { 'acs:x': '1' }, colour: 'red', enabled: 'yes' };
    const err: CheckFailed = await h.sim.check(KEY, 'bad', {}, bad).catch((e) => e);
    expect(err).toBeInstanceOf(CheckFailed);
    const props = err.failures.map((f) => f.property).sort();
    // instanceId is optional (an instance-less key); every failure is named at once.
    expect(props).toEqual(['colour', 'enabled', 'keySpec', 'pendingWindowInDays', 'policy', 'tags']);
    const second: CheckFailed = await h.sim
      .check(
        KEY,
        'bad',
        {},
        {
          instanceId: 'i-123',
          policy: '{not json',
          pendingWindowInDays: 3,
          tags: { 'acs:x': '1' },
          keySpec: 'EC_P256',
          keyUsage: 'ENCRYPT/DECRYPT',
        },
      )
      .catch((e) => e);
    expect(second.failures.map((f) => f.property).sort()).toEqual(['instanceId', 'keyUsage', 'pendingWindowInDays', 'policy', 'tags']);
    for (const f of [...err.failures, ...second.failures]) expect(f.reason).toContain(f.property);
  });

  it('an unknown instanceId, keySpec or policy (outputs of resources not made yet) passes preview', async () => {
    const unknowns = { instanceId: UNKNOWN, keySpec: UNKNOWN, origin: 'EXTERNAL', policy: UNKNOWN };
    await expect(h.sim.check(KEY, 'k', {}, unknowns)).resolves.toMatchObject(unknowns);
  });

  it('fills defaults and passes unknowns through', async () => {
    const inputs = await h.sim.check(KEY, 'k', {}, { instanceId: h.instanceId, description: UNKNOWN });
    expect(inputs).toMatchObject({
      description: UNKNOWN,
      keySpec: 'Aliyun_AES_256',
      origin: 'Aliyun_KMS',
      enabled: true,
      pendingWindowInDays: 30,
    });
  });
});

describe('lifecycle', () => {
  let keyId: string;

  it('preview: Create with preview=true returns unknown computed outputs and creates nothing', async () => {
    const before = (await listKeys()).length;
    const res = await h.sim.register(KEY, 'orders', { ...program, description: UNKNOWN }, true);
    expect(res.step).toBe('create');
    expect(res.outputs).toMatchObject({ description: UNKNOWN, keyId: UNKNOWN, arn: UNKNOWN, keySpec: 'Aliyun_AES_256' });
    expect((await listKeys()).length).toBe(before);
  });

  it('up: creates the key with its description, tags and policy; the engine receives a log line', async () => {
    const res = await h.sim.register(KEY, 'orders', program);
    keyId = res.id;
    expect(res.outputs).toMatchObject({
      keyId,
      description: 'orders key',
      enabled: true,
      tags: { team: 'payments' },
      keyState: 'Enabled',
      protectionLevel: 'SOFTWARE',
    });
    const meta = await describe_(keyId);
    expect(meta).toMatchObject({ Description: 'orders key', KeyState: 'Enabled', KeySpec: 'Aliyun_AES_256' });
    const tags = await h.cloud('ListTagResources', { RegionId: 'cn-hangzhou', ResourceType: 'key', 'ResourceId.1': keyId });
    expect(tags.TagResources.TagResource).toEqual([expect.objectContaining({ TagKey: 'team', TagValue: 'payments' })]);
    expect(JSON.parse((await h.cloud('GetKeyPolicy', { KeyId: keyId, PolicyName: 'default' })).Policy)).toEqual(policy);
    expect(h.engine.logs.some((l) => l.message.includes(`created key ${keyId}`) && l.urn.endsWith('::orders'))).toBe(true);
  });

  it('no-op up: same inputs, and a policy that only differs in formatting, give DIFF_NONE', async () => {
    expect((await h.sim.register(KEY, 'orders', program)).step).toBe('same');
    const reformatted = JSON.stringify({ Statement: policy.Statement, Version: '1' }, null, 4);
    const res = await h.sim.register(KEY, 'orders', { ...program, policy: reformatted });
    expect(res.step).toBe('same');
    expect(res.diff!.changes).toBe('DIFF_NONE');
  });

  it('a policy whose statements (and their actions) come in another order is not drift either', async () => {
    const [root, ci] = policy.Statement;
    const reordered = JSON.stringify({ Version: '1', Statement: [{ ...ci, Action: [...ci.Action].reverse() }, root] });
    const res = await h.sim.register(KEY, 'orders', { ...program, policy: reordered });
    expect(res.step).toBe('same');
    expect(res.diff!.changes).toBe('DIFF_NONE');
    // A real change still is.
    const narrowed = JSON.stringify({ Version: '1', Statement: [root, { ...ci, Action: ['kms:Encrypt'] }] });
    expect((await h.sim.register(KEY, 'orders', { ...program, policy: narrowed }, true)).diff!.detailedDiff).toEqual({ policy: 'UPDATE' });
  });

  it('pendingWindowInDays is never diffed', async () => {
    expect((await h.sim.register(KEY, 'orders', { ...program, pendingWindowInDays: 8 })).step).toBe('same');
    await h.sim.register(KEY, 'orders', program);
  });

  const drifts: [string, () => Promise<unknown>, Record<string, string>, (m: any) => void][] = [
    [
      'description',
      () => h.cloud('UpdateKeyDescription', { KeyId: keyId, Description: 'changed by hand' }),
      { description: 'UPDATE' },
      (m) => expect(m.Description).toBe('orders key'),
    ],
    ['enabled', () => h.cloud('DisableKey', { KeyId: keyId }), { enabled: 'UPDATE' }, (m) => expect(m.KeyState).toBe('Enabled')],
    [
      'tags',
      () =>
        h.cloud('TagResources', {
          RegionId: 'cn-hangzhou',
          ResourceType: 'key',
          'ResourceId.1': keyId,
          'Tag.1.Key': 'rogue',
          'Tag.1.Value': 'x',
        }),
      { tags: 'UPDATE' },
      () => undefined,
    ],
    [
      'deletionProtection',
      () =>
        h.cloud('SetDeletionProtection', {
          ProtectedResourceArn: `acs:kms:cn-hangzhou:1234567890123456:key/${keyId}`,
          EnableDeletionProtection: true,
        }),
      { deletionProtection: 'UPDATE' },
      (m) => expect(m.DeletionProtection).toBe('Disabled'),
    ],
    [
      'policy',
      () => h.cloud('SetKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify({ Version: '1', Statement: [] }) }),
      { policy: 'UPDATE' },
      () => undefined,
    ],
  ];

  it.each(drifts)('refresh reports out-of-band %s alone, and the next up repairs it', async (_name, change, expected, repaired) => {
    await change();
    const refreshed = await h.sim.refresh(KEY, 'orders');
    expect(refreshed).not.toBe('deleted');
    expect(refreshed).toMatchObject({ changes: 'DIFF_SOME', replaces: [], detailedDiff: expected });
    const up = await h.sim.register(KEY, 'orders', program);
    expect(up.step).toBe('update');
    expect(up.diff!.detailedDiff).toEqual(expected);
    repaired(await describe_(keyId));
    expect(await h.sim.refresh(KEY, 'orders')).toMatchObject({ changes: 'DIFF_NONE' });
    expect((await h.sim.register(KEY, 'orders', program)).step).toBe('same');
  });

  it('system tags (acs:/aliyun) never count as drift', async () => {
    const tags = await h.cloud('ListTagResources', { RegionId: 'cn-hangzhou', ResourceType: 'key', 'ResourceId.1': keyId });
    expect(tags.TagResources.TagResource.map((t: any) => t.TagKey)).toEqual(['team']);
  });

  it('update: description, tags, enabled and deletion protection in one step', async () => {
    const changed = {
      ...program,
      description: 'v2',
      tags: { team: 'core', env: 'dev' },
      enabled: false,
      deletionProtection: true,
      deletionProtectionDescription: 'prod',
    };
    const up = await h.sim.register(KEY, 'orders', changed);
    expect(up.step).toBe('update');
    expect(Object.keys(up.diff!.detailedDiff).sort()).toEqual([
      'deletionProtection',
      'deletionProtectionDescription',
      'description',
      'enabled',
      'tags',
    ]);
    expect(await describe_(keyId)).toMatchObject({
      Description: 'v2',
      KeyState: 'Disabled',
      DeletionProtection: 'Enabled',
      DeletionProtectionDescription: 'prod',
    });
    expect((await h.sim.register(KEY, 'orders', changed)).step).toBe('same');
  });

  it('delete is refused while deletion protection is on, naming the resource', async () => {
    await expect(h.sim.destroy(KEY, 'orders')).rejects.toThrow(
      new RegExp(`alikms:index:Key 'orders' \\(${keyId}\\): delete: .*deletion protection`),
    );
    await h.sim.register(KEY, 'orders', program);
  });

  it('import: Read with only the id returns inputs that Check and Diff accept without changes', async () => {
    const imported = await h.sim.import(KEY, 'imported', keyId, {
      instanceId: h.instanceId,
      description: 'orders key',
      tags: { team: 'payments' },
    });
    expect(imported.read).toMatchObject({
      instanceId: h.instanceId,
      description: 'orders key',
      enabled: true,
      keySpec: 'Aliyun_AES_256',
      tags: { team: 'payments' },
      pendingWindowInDays: 30,
    });
    expect(imported.diff.changes).toBe('DIFF_NONE');
    h.sim.state.delete('urn:pulumi:dev::alikms-test::alikms:index:Key::imported');
  });

  it('replace: a new keySpec replaces the key (create before delete) and schedules the old one for deletion', async () => {
    const res = await h.sim.register(KEY, 'orders', { ...program, keySpec: 'Aliyun_SM4' });
    expect(res.step).toBe('replace');
    expect(res.diff).toMatchObject({ replaces: ['keySpec'], deleteBeforeReplace: false, detailedDiff: { keySpec: 'UPDATE_REPLACE' } });
    expect(h.sim.calls.slice(-4)).toEqual(['diff', 'check', 'create', 'delete']);
    expect((await describe_(keyId)).KeyState).toBe('PendingDeletion');
    keyId = res.id;
    expect(await describe_(keyId)).toMatchObject({ KeySpec: 'Aliyun_SM4', KeyState: 'Enabled' });
  });

  it('destroy schedules deletion with pendingWindowInDays (from the old inputs)', async () => {
    await h.sim.register(KEY, 'orders', { ...program, keySpec: 'Aliyun_SM4', pendingWindowInDays: 9 });
    await h.sim.destroy(KEY, 'orders');
    const meta = await describe_(keyId);
    expect(meta.KeyState).toBe('PendingDeletion');
    const days = (Date.parse(meta.DeleteDate) - Date.parse(meta.CreationDate)) / 86_400_000;
    expect(Math.round(days)).toBe(9);
    // Idempotent: deleting a key already pending deletion succeeds.
    await h.sim.delete(KEY, 'orders', { type: KEY, id: keyId, inputs: {}, outputs: {} });
  });

  it('refresh of a key put in PendingDeletion out of band reads it as gone', async () => {
    const made = await h.sim.register(KEY, 'doomed', { instanceId: h.instanceId });
    await h.cloud('ScheduleKeyDeletion', { KeyId: made.id, PendingWindowInDays: 7 });
    expect(await h.sim.refresh(KEY, 'doomed')).toBe('deleted');
  });
});

describe('secrets', () => {
  it('outputs derived from secret inputs stay secret, in create and in refresh', async () => {
    const made = await h.sim.register(KEY, 'hushed', { instanceId: h.instanceId, description: secret('classified') });
    expect(made.outputs.description).toEqual({ [SIG_KEY]: expect.any(String), value: 'classified' });
    const read = await h.sim.read(KEY, 'hushed', made.id, made.outputs, { description: secret('classified') });
    expect(read.outputs.description).toEqual({ [SIG_KEY]: expect.any(String), value: 'classified' });
    expect(read.inputs!.description).toEqual({ [SIG_KEY]: expect.any(String), value: 'classified' });
    await h.sim.destroy(KEY, 'hushed');
  });
});

describe('errors', () => {
  it('an API failure names the resource, the action and the API code', async () => {
    const err = await h.sim.read(KEY, 'ghost', 'not-a-key-id', {}).catch((e) => e);
    // A missing key is not an error for Read: it reads as gone.
    expect(err).toMatchObject({ id: '' });
    // A software instance cannot hold AES-128 keys: the emulator refuses CreateKey.
    const bad: Error = await h.sim.register(KEY, 'ghost', { instanceId: h.instanceId, keySpec: 'Aliyun_AES_128' }).catch((e) => e);
    expect(bad.message).toMatch(/alikms:index:Key 'ghost': create: CreateKey failed: Unsupported\.KeySpec/);
  });
});

describe('EXTERNAL keys and partial creates', () => {
  it('an EXTERNAL key waiting for its material (PendingImport) shows no perpetual diff on enabled', async () => {
    const made = await h.sim.register(KEY, 'byok', { instanceId: h.instanceId, origin: 'EXTERNAL' });
    expect(made.outputs).toMatchObject({ keyState: 'PendingImport', enabled: true });
    expect((await h.sim.register(KEY, 'byok', { instanceId: h.instanceId, origin: 'EXTERNAL' })).step).toBe('same');
    expect(await h.sim.refresh(KEY, 'byok')).toMatchObject({ changes: 'DIFF_NONE' });
    // enabled: false cannot be applied before the material exists; the create still succeeds.
    const off = await h.sim.register(KEY, 'byok-off', { instanceId: h.instanceId, origin: 'EXTERNAL', enabled: false });
    expect(off.outputs).toMatchObject({ keyState: 'PendingImport', enabled: false });
  });

  it('a failure after CreateKey hands the engine the key ID (ErrorResourceInitFailed), so the key is not leaked', async () => {
    const before = (await listKeys()).length;
    // The emulator refuses a request line this long: SetDeletionProtection fails after CreateKey succeeded.
    const inputs = await h.sim.check(
      KEY,
      'half',
      {},
      { instanceId: h.instanceId, deletionProtection: true, deletionProtectionDescription: 'x'.repeat(20000) },
    );
    const req = new proto.CreateRequest()
      .setUrn('urn:pulumi:dev::alikms-test::alikms:index:Key::half')
      .setType(KEY)
      .setProperties(toStruct(inputs));
    const err = (await h.plugin.call('create', req).catch((e) => e)) as ServiceError;
    expect(err.details).toMatch(/alikms:index:Key 'half': create: SetDeletionProtection failed/);
    const status = Status.deserializeBinary(err.metadata.get('grpc-status-details-bin')[0] as Buffer);
    const init = status.getDetailsList()[0].unpack(proto.ErrorResourceInitFailed.deserializeBinary, 'pulumirpc.ErrorResourceInitFailed')!;
    expect((await listKeys()).length).toBe(before + 1);
    expect(await describe_(init.getId())).toMatchObject({ KeyState: 'Enabled' });
    expect(fromStruct(init.getProperties())).toMatchObject({ keyId: init.getId() });
  });
});
