/**
 * Issue 15 (5): what the emulator offers that the provider now manages — hardware instances (productVersion 5) and
 * their keys, instance-less keys, and EXTERNAL keys whose material the provider imports. The emulator is seeded with
 * the region's default CMK, so an instance-less key made here is an ordinary key whether or not the emulator still
 * turns the first instance-less AES-256 key into the default CMK.
 */
import { randomBytes } from 'node:crypto';
import { startHarness, secret, type Harness } from './support/harness';
import { CheckFailed } from './support/engine';
import { pickDefaultKey } from '../src/resources/default-key';
import type { KeyMetadata } from '../src/client';
import { SIG_KEY } from '../src/values';

const INSTANCE = 'alikms:index:Instance';
const KEY = 'alikms:index:Key';
const ROT = 'alikms:index:RotationPolicy';
const DEFAULT_KEY = 'alikms:index:DefaultKey';
const SEEDED_DEFAULT = 'key-seeded-default-cmk';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({}, { seed: { keys: [{ keyId: SEEDED_DEFAULT, defaultKey: true, description: 'seeded default' }] } });
});
afterAll(async () => {
  await h?.close();
});

const meta = async (id: string) => (await h.cloud('DescribeKey', { KeyId: id })).KeyMetadata;

describe('instance-less keys', () => {
  it('a Key without instanceId is an instance-less key: no drift, importable, and destroy schedules its deletion', async () => {
    const made = await h.sim.register(KEY, 'v1', { description: 'kms 1.0 style', pendingWindowInDays: 7 });
    expect(made.outputs).toMatchObject({ keyState: 'Enabled', protectionLevel: 'SOFTWARE', keySpec: 'Aliyun_AES_256' });
    expect(made.outputs.instanceId).toBeUndefined();
    expect((await meta(made.id)).DKMSInstanceId).toBeUndefined();
    expect(await h.sim.refresh(KEY, 'v1')).toMatchObject({ changes: 'DIFF_NONE' });
    const imported = await h.sim.import(KEY, 'v1-imported', made.id, { description: 'kms 1.0 style' });
    expect(imported.read.instanceId).toBeUndefined();
    expect(imported.diff.changes).toBe('DIFF_NONE');
    h.sim.state.delete('urn:pulumi:dev::alikms-test::alikms:index:Key::v1-imported');
    // Putting it into an instance is a new key.
    const moved = await h.sim.register(KEY, 'v1', { description: 'kms 1.0 style', instanceId: h.instanceId }, true);
    expect(moved.diff).toMatchObject({ replaces: ['instanceId'], detailedDiff: { instanceId: 'ADD_REPLACE' } });
    await h.sim.destroy(KEY, 'v1');
    expect((await meta(made.id)).KeyState).toBe('PendingDeletion');
  });

  it('instance-less keys take any spec, and rotate like software keys', async () => {
    const sm4 = await h.sim.register(KEY, 'sm4', { keySpec: 'Aliyun_SM4' });
    expect(sm4.outputs).toMatchObject({ keySpec: 'Aliyun_SM4', keyState: 'Enabled' });
    await h.sim.register(ROT, 'sm4', { keyId: sm4.id, interval: '30d' });
    expect(await meta(sm4.id)).toMatchObject({ AutomaticRotation: 'Enabled', RotationInterval: '2592000s' });
  });

  it('DefaultKey adopts the region default CMK, not an instance-less key made by a Key resource', async () => {
    const made = await h.sim.register(DEFAULT_KEY, 'default', { description: 'region default' });
    expect(made.outputs).toMatchObject({ keyId: SEEDED_DEFAULT, description: 'region default' });
    await h.sim.destroy(DEFAULT_KEY, 'default');
    expect((await meta(SEEDED_DEFAULT)).KeyState).toBe('Enabled');
  });

  it('the default CMK is the key DescribeKey marks DefaultKey, else the oldest instance-less AES-256 user key', () => {
    const m = (KeyId: string, CreationDate: string, extra: Partial<KeyMetadata> = {}) =>
      ({ KeyId, CreationDate, KeySpec: 'Aliyun_AES_256', KeyState: 'Enabled', ...extra }) as KeyMetadata;
    const oldest = m('k-old', '2026-01-01T00:00:00Z');
    const marked = m('k-marked', '2026-02-01T00:00:00Z', { DefaultKey: true });
    expect(pickDefaultKey([oldest, marked])).toBe('k-marked');
    expect(pickDefaultKey([m('k-new', '2026-03-01T00:00:00Z'), oldest])).toBe('k-old');
    expect(
      pickDefaultKey([
        m('k-inst', '2025-01-01T00:00:00Z', { DKMSInstanceId: 'kst-x' }),
        m('k-sm4', '2025-01-01T00:00:00Z', { KeySpec: 'Aliyun_SM4' }),
        m('k-gone', '2025-01-01T00:00:00Z', { KeyState: 'PendingDeletion' }),
      ]),
    ).toBeUndefined();
  });
});

describe('hardware instances', () => {
  let instanceId: string;
  const hardware = {
    vpcId: 'vpc-hsm',
    zoneIds: ['cn-hangzhou-k', 'cn-hangzhou-j'],
    vswitchIds: ['vsw-hsm'],
    productVersion: '5',
    paymentType: 'PayAsYouGo',
  };

  it('productVersion 5 buys a hardware instance; no drift; 3 or 5 only', async () => {
    const made = await h.sim.register(INSTANCE, 'hsm', hardware);
    instanceId = made.id;
    expect(made.outputs).toMatchObject({ productVersion: '5', status: 'Connected' });
    expect((await h.cloud('GetKmsInstance', { KmsInstanceId: instanceId })).KmsInstance).toMatchObject({ ProductVersion: '5' });
    expect(await h.sim.refresh(INSTANCE, 'hsm')).toMatchObject({ changes: 'DIFF_NONE' });
    const bad: CheckFailed = await h.sim.check(INSTANCE, 'x', {}, { ...hardware, productVersion: '4' }).catch((e) => e);
    expect(bad.failures).toEqual([{ property: 'productVersion', reason: "productVersion must be one of 3, 5; got '4'" }]);
  });

  it('its keys are HSM-protected and may be AES-128; keyStorageMechanism decides rotation and forces replacement', async () => {
    const aes128 = await h.sim.register(KEY, 'hsm-128', { instanceId, keySpec: 'Aliyun_AES_128' });
    expect(aes128.outputs).toMatchObject({ protectionLevel: 'HSM', keySpec: 'Aliyun_AES_128' });
    const db = await h.sim.register(KEY, 'hsm-db', { instanceId, keyStorageMechanism: 'HsmEncryptedDatabase' });
    expect(await h.sim.refresh(KEY, 'hsm-db')).toMatchObject({ changes: 'DIFF_NONE' });
    await h.sim.register(ROT, 'hsm-db', { keyId: db.id, interval: '30d' });
    expect((await meta(db.id)).AutomaticRotation).toBe('Enabled');
    const internal = await h.sim.register(KEY, 'hsm-internal', { instanceId, keyStorageMechanism: 'HsmInternal' });
    await expect(h.sim.register(ROT, 'hsm-internal', { keyId: internal.id })).rejects.toThrow(
      /create: UpdateRotationPolicy failed: Rejected\.UnsupportedOperation/,
    );
    const switched = await h.sim.register(KEY, 'hsm-internal', { instanceId, keyStorageMechanism: 'HsmEncryptedDatabase' }, true);
    expect(switched.diff).toMatchObject({ replaces: ['keyStorageMechanism'] });
    const noInstance: CheckFailed = await h.sim.check(KEY, 'x', {}, { keyStorageMechanism: 'HsmInternal' }).catch((e) => e);
    expect(noInstance.failures.map((f) => f.property)).toEqual(['keyStorageMechanism']);
  });
});

describe('EXTERNAL keys with imported material', () => {
  const material = randomBytes(32).toString('base64');
  const other = randomBytes(32).toString('base64');
  const program = (extra: Record<string, unknown> = {}) => ({
    instanceId: h.instanceId,
    origin: 'EXTERNAL',
    keyMaterial: secret(material),
    keyMaterialExpireTime: '2031-01-01T00:00:00Z',
    ...extra,
  });
  let keyId: string;

  it('Check refuses material of the wrong size or for a KMS-generated key without quoting it', async () => {
    const short = randomBytes(16).toString('base64');
    const err: CheckFailed = await h.sim
      .check(KEY, 'x', {}, { instanceId: h.instanceId, keyMaterial: secret(short), keyMaterialExpireTime: 'soon' })
      .catch((e) => e);
    expect(err.failures.map((f) => f.property).sort()).toEqual(['keyMaterial', 'keyMaterial', 'keyMaterialExpireTime']);
    expect(JSON.stringify(err.failures)).not.toContain(short);
  });

  it('up creates the key and imports the material: Enabled, with its expiry, and the material is in no output or log', async () => {
    const preview = await h.sim.register(KEY, 'byok', program(), true);
    expect(preview.outputs).not.toHaveProperty('keyMaterial');
    const made = await h.sim.register(KEY, 'byok', program());
    keyId = made.id;
    expect(made.outputs).toMatchObject({ keyState: 'Enabled', origin: 'EXTERNAL', keyMaterialExpireTime: '2031-01-01T00:00:00Z' });
    expect(made.outputs).not.toHaveProperty('keyMaterial');
    expect(await meta(keyId)).toMatchObject({ KeyState: 'Enabled', MaterialExpireTime: '2031-01-01T00:00:00Z' });
    const state = h.sim.state.get('urn:pulumi:dev::alikms-test::alikms:index:Key::byok')!;
    // Only the engine's state inputs hold it, as a secret.
    expect(state.inputs.keyMaterial).toEqual({ [SIG_KEY]: expect.any(String), value: material });
    const leaked = JSON.stringify([state.outputs, h.engine.logs]) + h.plugin.stderr() + h.plugin.stdout();
    expect(leaked).not.toContain(material);
    expect(leaked).not.toContain(Buffer.from(material, 'base64').toString('hex'));
    expect(await h.sim.refresh(KEY, 'byok')).toMatchObject({ changes: 'DIFF_NONE' });
    expect((await h.sim.register(KEY, 'byok', program())).step).toBe('same');
    const ct = await h.cloud('Encrypt', { KeyId: keyId, Plaintext: Buffer.from('hello').toString('base64') });
    expect(Buffer.from((await h.cloud('Decrypt', { CiphertextBlob: ct.CiphertextBlob })).Plaintext, 'base64').toString()).toBe('hello');
  });

  it('a new keyMaterialExpireTime imports the same material again, in place', async () => {
    const up = await h.sim.register(KEY, 'byok', program({ keyMaterialExpireTime: '2032-06-01T00:00:00Z' }));
    expect(up).toMatchObject({ step: 'update', diff: { replaces: [], detailedDiff: { keyMaterialExpireTime: 'UPDATE' } } });
    expect((await meta(keyId)).MaterialExpireTime).toBe('2032-06-01T00:00:00Z');
  });

  it('material deleted out of band is drift, and the next up imports it again', async () => {
    await h.cloud('DeleteKeyMaterial', { KeyId: keyId });
    expect((await meta(keyId)).KeyState).toBe('PendingImport');
    expect(await h.sim.refresh(KEY, 'byok')).toMatchObject({ changes: 'DIFF_SOME', detailedDiff: { keyMaterial: 'UPDATE' } });
    const up = await h.sim.register(KEY, 'byok', program({ keyMaterialExpireTime: '2032-06-01T00:00:00Z' }));
    expect(up).toMatchObject({ step: 'update', outputs: { keyState: 'Enabled' } });
    expect(await meta(keyId)).toMatchObject({ KeyState: 'Enabled', MaterialExpireTime: '2032-06-01T00:00:00Z' });
  });

  it('an imported EXTERNAL key takes the program material by importing it again; other material is refused by the service', async () => {
    const imported = await h.sim.import(KEY, 'byok-import', keyId, program({ keyMaterialExpireTime: '2032-06-01T00:00:00Z' }));
    expect(imported.diff).toMatchObject({ replaces: [], detailedDiff: { keyMaterial: 'ADD' } });
    h.sim.state.delete('urn:pulumi:dev::alikms-test::alikms:index:Key::byok-import');
    await h.sim.import(KEY, 'byok-wrong', keyId, program({ keyMaterial: secret(other) }));
    await expect(h.sim.register(KEY, 'byok-wrong', program({ keyMaterial: secret(other) }))).rejects.toThrow(
      /update: ImportKeyMaterial failed: InvalidKeyMaterial/,
    );
    h.sim.state.delete('urn:pulumi:dev::alikms-test::alikms:index:Key::byok-wrong');
  });

  it('another material replaces the key', async () => {
    const rep = await h.sim.register(KEY, 'byok', program({ keyMaterial: secret(other) }));
    expect(rep).toMatchObject({ step: 'replace', diff: { replaces: ['keyMaterial'], detailedDiff: { keyMaterial: 'UPDATE_REPLACE' } } });
    expect((await meta(keyId)).KeyState).toBe('PendingDeletion');
    expect(await meta(rep.id)).toMatchObject({ KeyState: 'Enabled', Origin: 'EXTERNAL', MaterialExpireTime: '2031-01-01T00:00:00Z' });
  });

  it('enabled: false is applied once the material is in', async () => {
    const made = await h.sim.register(KEY, 'byok-off', program({ enabled: false }));
    expect(made.outputs).toMatchObject({ keyState: 'Disabled', enabled: false });
  });
});
