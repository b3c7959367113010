/** Rotation, deletion and expiry driven by the emulator clock, through the official SDK and the admin endpoint. */
import * as $Kms from '@alicloud/kms20160120';
import { kmsClient } from '../support/clients';
import { startTestEmulator, stopTestEmulator, type TestEmulator } from '../support/emulator';
import { wireError } from '../support/errors';

const DAY = 86_400_000;
let emu: TestEmulator;
let kms: ReturnType<typeof kmsClient>;

beforeAll(async () => {
  emu = await startTestEmulator({ schedulerIntervalMs: 0 });
  kms = kmsClient(emu);
  // The first instance-less AES-256 key is the region's default CMK, which neither rotates nor deletes; take it first.
  await kms.createKey(new $Kms.CreateKeyRequest({ description: 'default CMK' }));
});
// Not useEmulator: a test below restarts the emulator, and the one running at the end is the one to stop.
afterAll(() => stopTestEmulator(emu));

const admin = async (path: string, body?: unknown) => {
  const res = await fetch(`${emu.endpoint}/_alikms/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: 'Basic ' + Buffer.from('test:test').toString('base64'), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

const describe_ = async (keyId: string) => (await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata;
const versions = async (keyId: string) =>
  (await kms.listKeyVersions(new $Kms.ListKeyVersionsRequest({ keyId, pageSize: 100 }))).keyVersions.keyVersion.map((v) => v.keyVersionId);

test('the admin clock needs credentials and reads and moves the emulator time', async () => {
  const anonymous = await fetch(`${emu.endpoint}/_alikms/clock`);
  expect(anonymous.status).toBe(401);
  const before = (await admin('clock')).body.epochMs;
  const moved = await admin('clock', { advance: '1h' });
  expect(moved.status).toBe(200);
  expect(moved.body.epochMs - before).toBeGreaterThanOrEqual(3_600_000);
  expect((await admin('clock', { advance: 'soon' })).status).toBe(400);
  expect((await admin('clock', { set: '2000-01-01T00:00:00Z' })).status).toBe(400);
});

test('the admin clock refuses to move past year 9999, where no KMS date can be written', async () => {
  for (const body of [{ advance: '999999999999d' }, { advance: 1e300 }, { set: '+100000-01-01T00:00:00Z' }])
    expect((await admin('clock', body)).status).toBe(400);
  // The clock did not move, so every date still formats.
  expect((await admin('clock')).body.now).toMatch(/^\d{4}-/);
  await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId: (await kms.createKey(new $Kms.CreateKeyRequest({}))).keyMetadata.keyId }));
});

test.each(['Aliyun_AES_256', 'Aliyun_AES_128', 'Aliyun_AES_192', 'Aliyun_SM4'])('a %s key rotates on schedule', async (keySpec) => {
  const created = await kms.createKey(new $Kms.CreateKeyRequest({ keySpec, enableAutomaticRotation: true, rotationInterval: '7d' }));
  const { keyId, primaryKeyVersion: first, nextRotationDate } = created.keyMetadata;
  expect(created.keyMetadata.automaticRotation).toBe('Enabled');
  expect(created.keyMetadata.rotationInterval).toBe('604800s');

  const { body } = await admin('clock', { advance: '30d' });
  const rotations = body.events.filter((e: any) => e.keyId === keyId && e.kind === 'rotate');
  expect(rotations).toHaveLength(4); // days 7, 14, 21, 28

  const after = await describe_(keyId);
  const all = await versions(keyId);
  expect(all).toHaveLength(5);
  expect(all[0]).toBe(first);
  expect(after.primaryKeyVersion).toBe(all[4]);
  expect(Date.parse(after.lastRotationDate)).toBe(Date.parse(nextRotationDate) + 21 * DAY);
  expect(Date.parse(after.nextRotationDate)).toBe(Date.parse(after.lastRotationDate) + 7 * DAY);
});

test('rotation is Suspended while the key is disabled and resumes when it is enabled again', async () => {
  const { keyId } = (await kms.createKey(new $Kms.CreateKeyRequest({ enableAutomaticRotation: true, rotationInterval: '7d' }))).keyMetadata;
  await kms.disableKey(new $Kms.DisableKeyRequest({ keyId }));
  expect((await describe_(keyId)).automaticRotation).toBe('Suspended');
  await admin('clock', { advance: '10d' });
  expect(await versions(keyId)).toHaveLength(1);

  await kms.enableKey(new $Kms.EnableKeyRequest({ keyId }));
  expect((await describe_(keyId)).automaticRotation).toBe('Enabled');
  await admin('clock', { advance: '1s' }); // the overdue rotation happens at once
  expect(await versions(keyId)).toHaveLength(2);
});

test('a deletion completes when its window closes: key and aliases are gone', async () => {
  const { keyId } = (await kms.createKey(new $Kms.CreateKeyRequest({}))).keyMetadata;
  await kms.createAlias(new $Kms.CreateAliasRequest({ keyId, aliasName: 'alias/doomed' }));
  await kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId, pendingWindowInDays: 7 }));
  await admin('clock', { advance: '6d' });
  expect((await describe_(keyId)).keyState).toBe('PendingDeletion');

  const { body } = await admin('clock', { advance: '1d' });
  expect(body.events).toEqual(expect.arrayContaining([expect.objectContaining({ keyId, kind: 'delete' })]));
  await expect(describe_(keyId)).rejects.toMatchObject({ code: 'Forbidden.KeyNotFoundError' });
  const aliases = (await kms.listAliases(new $Kms.ListAliasesRequest({ pageSize: 100 }))).aliases.alias.map((a) => a.aliasName);
  expect(aliases).not.toContain('alias/doomed');
  const keys = (await kms.listKeys(new $Kms.ListKeysRequest({ pageSize: 100 }))).keys.key.map((k) => k.keyId);
  expect(keys).not.toContain(keyId);
});

test('a CancelKeyDeletion racing the end of the deletion window either keeps the key or finds it gone, never both', async () => {
  const own = await startTestEmulator({ schedulerIntervalMs: 0 });
  try {
    const client = kmsClient(own);
    const { keyId } = (await client.createKey(new $Kms.CreateKeyRequest({ keySpec: 'Aliyun_SM4' }))).keyMetadata;
    await client.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId, pendingWindowInDays: 7 }));
    // The cancel is sent once the purge has decided to delete; the purge then pauses (at its first store call) until
    // the cancel has reached the domain and had one event-loop turn to do what it can without waiting on a lock (it
    // needs no I/O to change the stored record).
    let purgeStarted!: () => void;
    let cancelArrived!: () => void;
    const started = new Promise<void>((resolve) => (purgeStarted = resolve));
    const arrived = new Promise<void>((resolve) => (cancelArrived = resolve)).then(() => new Promise((turn) => setImmediate(turn)));
    const { keys } = own.kms;
    const { store } = own;
    const [cancelDeletion, pageAliases] = [keys.cancelDeletion, store.pageAliases.bind(store)];
    keys.cancelDeletion = (scope, ref) => (cancelArrived(), cancelDeletion(scope, ref));
    store.pageAliases = async (...args) => (purgeStarted(), await arrived, pageAliases(...args));

    const deletion = own.kms.lifecycle.advance(8 * DAY);
    await started;
    const cancel = client.cancelKeyDeletion(new $Kms.CancelKeyDeletionRequest({ keyId })).then(
      () => 'cancelled',
      (err: unknown) => wireError(err).code,
    );
    const [outcome] = await Promise.all([cancel, deletion]);
    const after = await own.store.getKey(keyId);
    if (outcome === 'cancelled') expect(after?.keyState).toBe('Enabled');
    else expect({ outcome, after }).toEqual({ outcome: 'Forbidden.KeyNotFound', after: undefined });
  } finally {
    await stopTestEmulator(own);
  }
});

test('due work catches up after a restart', async () => {
  const { keyId } = (await kms.createKey(new $Kms.CreateKeyRequest({ enableAutomaticRotation: true, rotationInterval: '7d' }))).keyMetadata;
  const doomed = (await kms.createKey(new $Kms.CreateKeyRequest({}))).keyMetadata.keyId;
  await kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId: doomed, pendingWindowInDays: 7 }));
  const at = emu.clock.now();
  await emu.stop();

  // The emulator was "down" for 15 days of emulator time: start it again with its clock there.
  const clock = new (await import('../../src/domain/clock')).Clock();
  clock.set(at + 15 * DAY);
  emu = await startTestEmulator({ dir: emu.dir, schedulerIntervalMs: 0, clock });
  kms = kmsClient(emu);
  expect(await versions(keyId)).toHaveLength(3);
  await expect(describe_(doomed)).rejects.toMatchObject({ code: 'Forbidden.KeyNotFoundError' });
});
