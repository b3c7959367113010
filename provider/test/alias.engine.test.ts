/** Alias through the plugin process against the emulator: ID/ARN forms, adoption rules, drift, import, delete. */
import { startHarness, type Harness } from './support/harness';
import { CheckFailed } from './support/engine';

const KEY = 'alikms:index:Key';
const ALIAS = 'alikms:index:Alias';
let h: Harness;
let first: { id: string; arn: string };
let second: { id: string; arn: string };

beforeAll(async () => {
  h = await startHarness();
  const a = await h.sim.register(KEY, 'first', { instanceId: h.instanceId });
  const b = await h.sim.register(KEY, 'second', { instanceId: h.instanceId });
  first = { id: a.id, arn: a.outputs.arn as string };
  second = { id: b.id, arn: b.outputs.arn as string };
});
afterAll(async () => {
  await h?.close();
});

const target = async (alias: string) => (await h.cloud('DescribeKey', { KeyId: alias })).KeyMetadata.KeyId;

it('Check refuses alias/acs/ names and malformed key references, naming the property', async () => {
  const err: CheckFailed = await h.sim.check(ALIAS, 'svc', {}, { name: 'alias/acs/ecs', keyId: 'alias/other' }).catch((e) => e);
  expect(err.failures.map((f) => f.property).sort()).toEqual(['keyId', 'name']);
  expect(err.failures.find((f) => f.property === 'name')!.reason).toMatch(/alias\/acs\//);
  const bad: CheckFailed = await h.sim.check(ALIAS, 'x', {}, { name: 'orders', keyId: 'acs:kms:nope' }).catch((e) => e);
  expect(bad.failures.map((f) => f.property).sort()).toEqual(['keyId', 'name']);
});

it('created with a key ARN, it shows no diff against the ID the service reports', async () => {
  const made = await h.sim.register(ALIAS, 'orders', { name: 'alias/orders', keyId: first.arn });
  expect(made).toMatchObject({
    id: 'alias/orders',
    outputs: { keyId: first.arn, targetKeyId: first.id, aliasArn: 'acs:kms:cn-hangzhou:1234567890123456:alias/orders' },
  });
  expect(await target('alias/orders')).toBe(first.id);
  expect(await h.sim.refresh(ALIAS, 'orders')).toMatchObject({ changes: 'DIFF_NONE' });
  // Switching the program between the ARN and the ID of the same key changes nothing either.
  expect((await h.sim.register(ALIAS, 'orders', { name: 'alias/orders', keyId: first.id })).step).toBe('same');
});

it('refresh reports a retargeted alias as keyId drift, and up points it back', async () => {
  await h.cloud('UpdateAlias', { AliasName: 'alias/orders', KeyId: second.id });
  expect(await h.sim.refresh(ALIAS, 'orders')).toMatchObject({ changes: 'DIFF_SOME', replaces: [], detailedDiff: { keyId: 'UPDATE' } });
  const up = await h.sim.register(ALIAS, 'orders', { name: 'alias/orders', keyId: first.id });
  expect(up.step).toBe('update');
  expect(await target('alias/orders')).toBe(first.id);
});

it('changing keyId updates in place; changing name replaces', async () => {
  const upd = await h.sim.register(ALIAS, 'orders', { name: 'alias/orders', keyId: second.arn });
  expect(upd).toMatchObject({ step: 'update', diff: { detailedDiff: { keyId: 'UPDATE' }, replaces: [] } });
  expect(await target('alias/orders')).toBe(second.id);
  const rep = await h.sim.register(ALIAS, 'orders', { name: 'alias/orders-v2', keyId: second.id });
  expect(rep).toMatchObject({
    step: 'replace',
    id: 'alias/orders-v2',
    diff: { replaces: ['name'], detailedDiff: { name: 'UPDATE_REPLACE' } },
  });
  await expect(h.cloud('DescribeKey', { KeyId: 'alias/orders' })).rejects.toMatchObject({ code: 'Forbidden.AliasNotFound' });
  expect(await target('alias/orders-v2')).toBe(second.id);
});

it('never adopts an existing alias (whichever key it points at): import it instead', async () => {
  await h.cloud('CreateAlias', { AliasName: 'alias/taken', KeyId: second.id });
  for (const keyId of [first.id, second.id]) {
    const err: Error = await h.sim.register(ALIAS, 'taken', { name: 'alias/taken', keyId }).catch((e) => e);
    expect(err.message).toMatch(
      new RegExp(`alikms:index:Alias 'taken': create: alias alias/taken already exists and points at key ${second.id}.*pulumi import`),
    );
  }
  expect(await target('alias/taken')).toBe(second.id);
  const imported = await h.sim.import(ALIAS, 'taken', 'alias/taken', { name: 'alias/taken', keyId: second.id });
  expect(imported.diff.changes).toBe('DIFF_NONE');
});

it('import by name, then destroy deletes the alias (and a second delete is a no-op)', async () => {
  await h.cloud('CreateAlias', { AliasName: 'alias/legacy', KeyId: first.id });
  const imported = await h.sim.import(ALIAS, 'legacy', 'alias/legacy', { name: 'alias/legacy', keyId: first.arn });
  expect(imported.read).toEqual({ name: 'alias/legacy', keyId: first.id });
  expect(imported.diff.changes).toBe('DIFF_NONE');
  const state = h.sim.state.get('urn:pulumi:dev::alikms-test::alikms:index:Alias::legacy')!;
  await h.sim.destroy(ALIAS, 'legacy');
  await expect(h.cloud('DescribeKey', { KeyId: 'alias/legacy' })).rejects.toMatchObject({ code: 'Forbidden.AliasNotFound' });
  await h.sim.delete(ALIAS, 'legacy', state);
});

it('importing a key ID as an alias finds nothing (DescribeKey answers for keys too)', async () => {
  expect(await h.sim.read(ALIAS, 'not-an-alias', first.id, {})).toMatchObject({ id: '' });
});

it('an alias deleted out of band reads as gone', async () => {
  await h.cloud('DeleteAlias', { AliasName: 'alias/orders-v2' });
  expect(await h.sim.refresh(ALIAS, 'orders')).toBe('deleted');
});
