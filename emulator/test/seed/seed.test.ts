/** Seeded, deterministic state: applied at start without overwriting, exported back to the same format. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { acs3Client } from '../support/clients';
import { removeDir, startTestEmulator, stopTestEmulator, type TestEmulator } from '../support/emulator';

const aesKey = Buffer.alloc(32, 7).toString('base64');
const ecPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

const seed = {
  accounts: [{ id: '2222222222222222', accessKeys: [{ id: 'team-b', secret: 'b-secret' }] }],
  instances: [{ instanceId: 'kst-hzzseeded000000000000001', kind: 'software', keyNum: 100 }],
  keys: [
    {
      keyId: 'key-hzzseeded0000000000000a',
      description: 'seeded AES key',
      instanceId: 'kst-hzzseeded000000000000001',
      createdAt: '2030-01-01T00:00:00Z',
      tags: { team: 'payments' },
      aliases: ['alias/payments'],
      rotation: { interval: '30d', lastRotationDate: '2030-01-01T00:00:00Z' },
      versions: [{ keyVersionId: '11111111-1111-4111-8111-111111111111', createdAt: '2030-01-01T00:00:00Z', material: aesKey }],
    },
    {
      keyId: 'key-hzzseeded0000000000000b',
      keySpec: 'EC_P256',
      state: 'Disabled',
      deletionProtection: 'audited',
      versions: [{ keyVersionId: '22222222-2222-4222-8222-222222222222', material: ecPem }],
    },
    { keyId: 'key-hzzseeded0000000000000c', accountId: '2222222222222222', regionId: 'cn-shanghai', description: 'team b' },
  ],
};

let dir: string;
let seedFile: string;
let emu: TestEmulator;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alikms-seed-'));
  seedFile = join(dir, 'seed.yaml');
  writeFileSync(seedFile, stringifyYaml(seed));
  emu = await startTestEmulator({ dir, seed: seedFile, schedulerIntervalMs: 0 });
  emu.clock.set(Date.parse('2030-01-10T00:00:00Z'));
});
afterAll(async () => {
  await emu.stop();
  removeDir(dir);
});

test('seeded keys, aliases, instances and accounts are there with their fixed ids', async () => {
  const acs3 = acs3Client(emu);
  const a = (await acs3('DescribeKey', { KeyId: 'alias/payments' })).KeyMetadata;
  expect(a).toMatchObject({
    KeyId: 'key-hzzseeded0000000000000a',
    Description: 'seeded AES key',
    DKMSInstanceId: 'kst-hzzseeded000000000000001',
    PrimaryKeyVersion: '11111111-1111-4111-8111-111111111111',
    CreationDate: '2030-01-01T00:00:00Z',
    AutomaticRotation: 'Enabled',
    RotationInterval: '2592000s',
    NextRotationDate: '2030-01-31T00:00:00Z',
  });
  expect((await acs3('ListResourceTags', { KeyId: a.KeyId })).Tags.Tag).toEqual([{ KeyId: a.KeyId, TagKey: 'team', TagValue: 'payments' }]);
  const b = (await acs3('DescribeKey', { KeyId: 'key-hzzseeded0000000000000b' })).KeyMetadata;
  expect(b).toMatchObject({ KeySpec: 'EC_P256', KeyUsage: 'SIGN/VERIFY', KeyState: 'Disabled', DeletionProtection: 'Enabled' });
  expect((await acs3('GetKmsInstance', { KmsInstanceId: 'kst-hzzseeded000000000000001' })).KmsInstance.Status).toBe('Connected');

  const teamB = acs3Client({ ...emu, accessKeyId: 'team-b', accessKeySecret: 'b-secret' });
  const c = await teamB('DescribeKey', { KeyId: 'key-hzzseeded0000000000000c', RegionId: 'cn-shanghai' });
  expect(c.KeyMetadata.Description).toBe('team b');
  await expect(acs3('DescribeKey', { KeyId: 'key-hzzseeded0000000000000c' })).rejects.toMatchObject({ code: 'Forbidden.KeyNotFound' });
});

test('export gives back the seed, material included on request', async () => {
  const res = await fetch(`${emu.endpoint}/_alikms/state?material=true`, {
    headers: { authorization: 'Basic ' + Buffer.from('test:test').toString('base64') },
  });
  const exported = (await res.json()) as any;
  const byId = (id: string) => exported.keys.find((k: any) => k.keyId === id);
  const [a, b] = [byId(seed.keys[0].keyId), byId(seed.keys[1].keyId)];
  expect(exported.keys).toHaveLength(2); // team b's key is another account's
  // Everything as written, the interval included (`30d`, not `2592000s`).
  expect(a).toMatchObject({ ...seed.keys[0], accountId: '1234567890123456', regionId: 'cn-hangzhou', state: 'Enabled' });
  // The account's access keys come along, so the export re-creates the account as it is.
  expect(exported.accounts).toEqual([{ id: '1234567890123456', accessKeys: [{ id: 'test', secret: 'test' }] }]);
  expect(a.versions[0].material).toBe(aesKey);
  expect(b).toMatchObject({ keyId: seed.keys[1].keyId, state: 'Disabled', deletionProtection: 'audited' });
  expect(b.versions[0].material).toBe(ecPem);
  expect(exported.instances).toEqual([
    expect.objectContaining({ instanceId: 'kst-hzzseeded000000000000001', keyNum: 100, connected: true }),
  ]);

  // Applying the export to a fresh emulator reproduces the same keys.
  const again = await startTestEmulator({ seed: parseYaml(stringifyYaml(exported)), schedulerIntervalMs: 0 });
  try {
    const key = (await acs3Client(again)('DescribeKey', { KeyId: 'alias/payments' })).KeyMetadata;
    expect(key.PrimaryKeyVersion).toBe('11111111-1111-4111-8111-111111111111');
  } finally {
    await again.stop();
    removeDir(again.dir);
  }
});

test('the default key keeps its status through export and seed', async () => {
  const first = await startTestEmulator({ schedulerIntervalMs: 0, defaultKey: true });
  const second = await startTestEmulator({ schedulerIntervalMs: 0, seed: await exportOf(first) });
  try {
    const [defaultKey] = (await exportOf(second)).keys.filter((k: any) => k.defaultKey);
    expect(defaultKey.keyId).toBe((await exportOf(first)).keys[0].keyId);
    expect((await acs3Client(second)('DescribeKey', { KeyId: defaultKey.keyId })).KeyMetadata.DefaultKey).toBe(true);
    // A key created afterwards is an ordinary KMS 1.0 key.
    const later = (await acs3Client(second)('CreateKey', {})).KeyMetadata.KeyId;
    expect((await exportOf(second)).keys.find((k: any) => k.keyId === later).defaultKey).toBeUndefined();
  } finally {
    await stopTestEmulator(first);
    await stopTestEmulator(second);
  }
});

/** An emulator's account and region in the seed format. */
async function exportOf(emulator: TestEmulator): Promise<any> {
  const res = await fetch(`${emulator.endpoint}/_alikms/state`, {
    headers: { authorization: 'Basic ' + Buffer.from('test:test').toString('base64') },
  });
  return res.json();
}

test("an admin's export with material round-trips an account's access keys; a re-applied export leaves configured keys alone", async () => {
  const exportOf = async (credentials: string, material: boolean) =>
    (await (
      await fetch(`${emu.endpoint}/_alikms/state?accountId=2222222222222222&regionId=cn-shanghai&material=${material}`, {
        headers: { authorization: 'Basic ' + Buffer.from(credentials).toString('base64') },
      })
    ).json()) as any;
  // Access keys are secrets, like material: a tenant's own export leaves them out.
  expect((await exportOf('team-b:b-secret', false)).accounts).toEqual([]);
  const exported = await exportOf('test:test', true);
  expect(exported.accounts).toEqual(seed.accounts);
  const again = await startTestEmulator({ seed: exported, schedulerIntervalMs: 0 });
  try {
    const teamB = acs3Client({ ...again, accessKeyId: 'team-b', accessKeySecret: 'b-secret' });
    expect((await teamB('DescribeKey', { KeyId: 'key-hzzseeded0000000000000c', RegionId: 'cn-shanghai' })).KeyMetadata.Description).toBe(
      'team b',
    );
    // Applied to itself (an emulator that has the key already): the same key is skipped, a changed secret refused.
    await expect(
      startTestEmulator({ seed: { accounts: [{ id: '1234567890123456', accessKeys: [{ id: 'test', secret: 'test' }] }] } }).then(
        stopTestEmulator,
      ),
    ).resolves.toBeUndefined();
    await expect(
      startTestEmulator({ seed: { accounts: [{ id: '1234567890123456', accessKeys: [{ id: 'test', secret: 'other' }] }] } }),
    ).rejects.toThrow(/access key test is already configured/);
  } finally {
    await stopTestEmulator(again);
  }
});

test('seeds are strict: an unknown field is refused with its path, in files and objects', async () => {
  await expect(startTestEmulator({ seed: { keys: [{ keyId: 'key-a', descripton: 'typo' }] } as any })).rejects.toThrow(
    'seed: keys.0.descripton: unknown field (not in the seed format)',
  );
  await expect(startTestEmulator({ seed: { keys: [{ keyId: 'key-a', rotation: { interval: '30d', every: 1 } }] } as any })).rejects.toThrow(
    'keys.0.rotation.every: unknown field',
  );
  await expect(startTestEmulator({ seed: { instance: [] } as any })).rejects.toThrow('seed: instance: unknown field');
  const file = join(dir, 'typo.yaml');
  writeFileSync(file, 'keys:\n  - keyId: key-a\n    descripton: payments\n');
  await expect(startTestEmulator({ seed: file })).rejects.toThrow(`${file}: keys.0.descripton: unknown field`);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{ keys: [] }');
  await expect(startTestEmulator({ seed: broken })).rejects.toThrow(`${broken}: not valid JSON`);
});

test('a seed passed as an object is validated like a file', async () => {
  await expect(startTestEmulator({ seed: { keys: [{ keyId: 'key with spaces' }] } })).rejects.toThrow(/seed: keys\.0\.keyId/);
});

const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

// What the API refuses, a seed is refused for too, at start and naming the entry (they once went straight to the store).
test.each([
  [
    'an RSA key with rotation',
    { keyId: 'key-a', keySpec: 'RSA_2048', rotation: { interval: '7d' } },
    /keys\[0\] \(key-a\): Rejected.UnsupportedOperation/,
  ],
  [
    'an EC_P256 key for ENCRYPT/DECRYPT',
    { keyId: 'key-a', keySpec: 'EC_P256', keyUsage: 'ENCRYPT/DECRYPT' },
    /keys\[0\] \(key-a\): InvalidParameter.*KeyUsage/,
  ],
  [
    'an alias that is not alias/…',
    { keyId: 'key-a', aliases: ['not-an-alias'] },
    /keys\[0\] \(key-a\) alias not-an-alias: InvalidParameter.*AliasName/,
  ],
  ['a service alias', { keyId: 'key-a', aliases: ['alias/acs/oss'] }, /alias alias\/acs\/oss: InvalidParameter.*AliasName/],
  ['a reserved tag', { keyId: 'key-a', tags: { 'acs:reserved': 'x' } }, /keys\[0\] \(key-a\): InvalidParameter.*Tags/],
  [
    'an EC key holding an RSA PEM',
    { keyId: 'key-a', keySpec: 'EC_P256', versions: [{ material: rsaPem }] },
    /keys\[0\] \(key-a\): InvalidKeyMaterial/,
  ],
  [
    'AES material of the wrong length',
    { keyId: 'key-a', versions: [{ material: Buffer.alloc(16).toString('base64') }] },
    /InvalidKeyMaterial/,
  ],
  ['a key in an unknown instance', { keyId: 'key-a', instanceId: 'kst-hzznothere' }, /Forbidden.KmsInstanceNotFound/],
  ['an Enabled EXTERNAL key without material', { keyId: 'key-a', origin: 'EXTERNAL', state: 'Enabled' }, /InvalidParameter.*state/],
  [
    'a malformed policy',
    { keyId: 'key-a', policy: { Version: '1', Statement: [{ Effect: 'Maybe' }] } },
    /keys\[0\] \(key-a\): InvalidParameter.*Policy\.Statement\[0\]\.Effect/,
  ],
  [
    'a policy on the default CMK',
    { keyId: 'key-a', defaultKey: true, policy: '{"Version":"1","Statement":[]}' },
    /InvalidParameter.*policy/,
  ],
])('a seed with %s is refused at start', async (_what, key, message) => {
  await expect(startTestEmulator({ schedulerIntervalMs: 0, seed: { keys: [key as never] } })).rejects.toThrow(message);
});

test('a seeded key may carry its policy, as a document or a JSON string: evaluated, returned, exported', async () => {
  const teamB = '2222222222222222';
  const shared = {
    Version: '1',
    Statement: [{ Effect: 'Allow', Principal: { RAM: [`acs:ram::${teamB}:*`] }, Action: ['kms:Encrypt'], Resource: ['*'] }],
  };
  const keyId = 'key-hzzpolicy000000000000001';
  const seeded = await startTestEmulator({
    schedulerIntervalMs: 0,
    seed: {
      accounts: [{ id: teamB, accessKeys: [{ id: 'team-b', secret: 'b-secret' }] }],
      instances: [{ instanceId: 'kst-hzzpolicy00000000000001' }],
      keys: [
        { keyId, instanceId: 'kst-hzzpolicy00000000000001', policy: shared },
        { keyId: 'key-hzzpolicy000000000000002', policy: JSON.stringify(shared) },
      ],
    },
  });
  try {
    const arn = `acs:kms:cn-hangzhou:1234567890123456:key/${keyId}`;
    expect(JSON.parse((await acs3Client(seeded)('GetKeyPolicy', { KeyId: keyId })).Policy)).toEqual(shared);
    const b = acs3Client({ ...seeded, accessKeyId: 'team-b', accessKeySecret: 'b-secret' });
    expect((await b('Encrypt', { KeyId: arn, Plaintext: 'aGk=' })).KeyId).toBe(keyId);
    await expect(b('DescribeKey', { KeyId: arn })).rejects.toMatchObject({ code: 'Forbidden.NoPermission' });
    const res = await fetch(`${seeded.endpoint}/_alikms/state`, {
      headers: { authorization: 'Basic ' + Buffer.from('test:test').toString('base64') },
    });
    const exported = (await res.json()) as { keys: { keyId: string; policy?: string }[] };
    expect(exported.keys.map((k) => JSON.parse(k.policy!))).toEqual([shared, shared]);
  } finally {
    await stopTestEmulator(seeded);
  }
});

test('restarting with the same seed keeps what changed since', async () => {
  await acs3Client(emu)('UpdateKeyDescription', { KeyId: 'alias/payments', Description: 'changed' });
  await emu.stop();
  emu = await startTestEmulator({ dir, seed: seedFile, schedulerIntervalMs: 0 });
  expect((await acs3Client(emu)('DescribeKey', { KeyId: 'alias/payments' })).KeyMetadata.Description).toBe('changed');
});

test('in a hardware instance, seeded material lives in the encrypted database and generated material in the HSM', async () => {
  const hw = await startTestEmulator({
    schedulerIntervalMs: 0,
    seed: {
      instances: [{ instanceId: 'kst-hzzhardware0000000000001', kind: 'hardware' }],
      keys: [
        { keyId: 'key-hzzhwseeded', instanceId: 'kst-hzzhardware0000000000001', versions: [{ material: aesKey }] },
        { keyId: 'key-hzzhwgenerated', instanceId: 'kst-hzzhardware0000000000001' },
      ],
    },
  });
  try {
    const res = await fetch(`${hw.endpoint}/_alikms/state`, {
      headers: { authorization: 'Basic ' + Buffer.from('test:test').toString('base64') },
    });
    const keys = ((await res.json()) as any).keys;
    const mechanism = (id: string) => keys.find((k: any) => k.keyId === id).keyStorageMechanism;
    expect(mechanism('key-hzzhwseeded')).toBe('HsmEncryptedDatabase');
    expect(mechanism('key-hzzhwgenerated')).toBe('HsmInternal');
    expect((await acs3Client(hw)('DescribeKey', { KeyId: 'key-hzzhwgenerated' })).KeyMetadata.ProtectionLevel).toBe('HSM');
  } finally {
    await stopTestEmulator(hw);
  }
});

test("the README's seed example starts an emulator", async () => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const example = /## Seeded state[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
  const seeded = await startTestEmulator({ schedulerIntervalMs: 0, seed: parseYaml(example) });
  try {
    const described = await acs3Client(seeded)('DescribeKey', { KeyId: 'alias/payments' });
    expect(described.KeyMetadata).toMatchObject({ KeyId: 'key-hzzseeded0000000000000a', RotationInterval: '2592000s' });
  } finally {
    await stopTestEmulator(seeded);
  }
});
