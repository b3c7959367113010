/**
 * Issue 15 (1): forced replacements of resources that hold a unique name or a one-per-key setting. The engine plays
 * `replaceOnChanges` (Diff is asked, and its deleteBeforeReplace orders the replacement) and `pulumi up --replace`
 * (Diff is not asked: create-before-delete unless the resource option says otherwise), as step_generator.go does.
 * State and cloud must agree afterwards.
 */
import { startHarness, type Harness } from './support/harness';

const KEY = 'alikms:index:Key';
const ALIAS = 'alikms:index:Alias';
const ROT = 'alikms:index:RotationPolicy';
const DEFAULT_KEY = 'alikms:index:DefaultKey';
let h: Harness;
let first: string;
let second: string;

beforeAll(async () => {
  h = await startHarness();
  first = (await h.sim.register(KEY, 'first', { instanceId: h.instanceId })).id;
  second = (await h.sim.register(KEY, 'second', { instanceId: h.instanceId })).id;
});
afterAll(async () => {
  await h?.close();
});

const target = async (alias: string) => (await h.cloud('DescribeKey', { KeyId: alias })).KeyMetadata.KeyId as string;
const rotation = async (keyId: string) => {
  const m = (await h.cloud('DescribeKey', { KeyId: keyId })).KeyMetadata;
  return { status: m.AutomaticRotation as string, interval: m.RotationInterval as string | undefined };
};
const stateOf = (type: string, name: string) => h.sim.state.get(`urn:pulumi:dev::alikms-test::${type}::${name}`);

describe('Alias', () => {
  it('Diff asks for delete-before-replace, so replaceOnChanges on keyId removes the old alias first and makes the new one', async () => {
    await h.sim.register(ALIAS, 'orders', { name: 'alias/orders', keyId: first });
    const rep = await h.sim.register(ALIAS, 'orders', { name: 'alias/orders', keyId: second }, { replaceOnChanges: ['keyId'] });
    expect(rep).toMatchObject({ step: 'replace', id: 'alias/orders', diff: { deleteBeforeReplace: true } });
    expect(h.sim.calls.slice(-4)).toEqual(['diff', 'check', 'delete', 'create']);
    expect(await target('alias/orders')).toBe(second);
    expect(stateOf(ALIAS, 'orders')).toMatchObject({ id: 'alias/orders', outputs: { targetKeyId: second } });
  });

  it('`up --replace` (create before delete): Create refuses the alias it did not make, naming pulumi import; nothing is lost', async () => {
    const err: Error = await h.sim
      .register(ALIAS, 'orders', { name: 'alias/orders', keyId: second }, { targetedReplace: true })
      .catch((e) => e);
    expect(err.message).toMatch(/alikms:index:Alias 'orders': create: alias alias\/orders already exists .*pulumi import/);
    expect(err.message).toMatch(/deleteBeforeReplace/);
    // The engine never got to Delete: the alias and its state are intact.
    expect(h.sim.calls.slice(-1)).toEqual(['create']);
    expect(await target('alias/orders')).toBe(second);
    expect(stateOf(ALIAS, 'orders')).toMatchObject({ id: 'alias/orders' });
  });

  it('`up --replace` with the deleteBeforeReplace option replaces it cleanly', async () => {
    const rep = await h.sim.register(
      ALIAS,
      'orders',
      { name: 'alias/orders', keyId: second },
      { targetedReplace: true, deleteBeforeReplace: true },
    );
    expect(rep.step).toBe('replace');
    expect(await target('alias/orders')).toBe(second);
    expect(await h.sim.refresh(ALIAS, 'orders')).toMatchObject({ changes: 'DIFF_NONE' });
  });

  it('Create never adopts an existing alias, even one already pointing at the desired key', async () => {
    await h.cloud('CreateAlias', { AliasName: 'alias/handmade', KeyId: first });
    const err: Error = await h.sim.register(ALIAS, 'handmade', { name: 'alias/handmade', keyId: first }).catch((e) => e);
    expect(err.message).toMatch(/already exists.*pulumi import alikms:index:Alias handmade alias\/handmade/);
    expect(await target('alias/handmade')).toBe(first);
  });
});

describe('RotationPolicy', () => {
  it('Diff asks for delete-before-replace: replaceOnChanges on interval leaves rotation on with the new interval', async () => {
    await h.sim.register(ROT, 'rot', { keyId: first, interval: '7d' });
    const rep = await h.sim.register(ROT, 'rot', { keyId: first, interval: '30d' }, { replaceOnChanges: ['interval'] });
    expect(rep).toMatchObject({ step: 'replace', diff: { deleteBeforeReplace: true } });
    expect(await rotation(first)).toEqual({ status: 'Enabled', interval: '2592000s' });
    expect(await h.sim.refresh(ROT, 'rot')).toMatchObject({ changes: 'DIFF_NONE' });
  });

  it('`up --replace` (create before delete): Create refuses a key whose rotation is already on; rotation stays on', async () => {
    const err: Error = await h.sim.register(ROT, 'rot', { keyId: first, interval: '30d' }, { targetedReplace: true }).catch((e) => e);
    expect(err.message).toMatch(/alikms:index:RotationPolicy 'rot': create: automatic rotation of key .* is already on.*pulumi import/);
    expect(await rotation(first)).toEqual({ status: 'Enabled', interval: '2592000s' });
    const rep = await h.sim.register(ROT, 'rot', { keyId: first, interval: '30d' }, { targetedReplace: true, deleteBeforeReplace: true });
    expect(rep.step).toBe('replace');
    expect(await rotation(first)).toEqual({ status: 'Enabled', interval: '2592000s' });
  });

  it('a new keyId replaces delete-first: the old key stops rotating, the new one starts', async () => {
    const rep = await h.sim.register(ROT, 'rot', { keyId: second, interval: '30d' });
    expect(rep).toMatchObject({ step: 'replace', id: second, diff: { replaces: ['keyId'], deleteBeforeReplace: true } });
    expect((await rotation(first)).status).toBe('Disabled');
    expect(await rotation(second)).toEqual({ status: 'Enabled', interval: '2592000s' });
  });
});

describe('DefaultKey', () => {
  it('a forced replace (either ordering) keeps the region default key and records it', async () => {
    const made = await h.sim.register(DEFAULT_KEY, 'default', { description: 'region default' });
    const keyId = made.outputs.keyId;
    const rep = await h.sim.register(DEFAULT_KEY, 'default', { description: 'region default v2' }, { replaceOnChanges: ['description'] });
    expect(rep).toMatchObject({ step: 'replace', id: 'cn-hangzhou', diff: { deleteBeforeReplace: true }, outputs: { keyId } });
    const forced = await h.sim.register(DEFAULT_KEY, 'default', { description: 'region default v2' }, { targetedReplace: true });
    expect(forced).toMatchObject({ step: 'replace', outputs: { keyId, description: 'region default v2' } });
    expect((await h.cloud('DescribeKey', { KeyId: keyId })).KeyMetadata).toMatchObject({
      KeyState: 'Enabled',
      Description: 'region default v2',
    });
    expect(stateOf(DEFAULT_KEY, 'default')).toMatchObject({ outputs: { keyId } });
  });
});
