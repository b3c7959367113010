/**
 * What every Store must do, as one suite run against each implementation (contract.test.ts). `open` may be called
 * several times on one location: a second handle must see what the first one wrote (a restart, or another process).
 */
import type { Alias, Instance, Key, Scope } from '../../src/domain/model';
import type { Store } from '../../src/domain/ports/store';

export interface StoreFactory {
  /** A new, empty place to keep state (a file, a database). */
  create(): Promise<string>;
  open(location: string): Promise<Store>;
}

const A: Scope = { accountId: '1111111111111111', regionId: 'cn-hangzhou' };
const B: Scope = { accountId: '2222222222222222', regionId: 'cn-hangzhou' };
const A2: Scope = { accountId: A.accountId, regionId: 'cn-shanghai' };

/** A key with every optional field set, nested values, and text that JSON and SQL must carry unchanged. */
export const fullKey = (keyId: string, scope: Scope = A): Key => ({
  ...scope,
  keyId,
  description: 'ünïcødé "quotes" \\ back\'slash 🔑 \u0001 nul:\u0000',
  keySpec: 'Aliyun_AES_256',
  keyUsage: 'ENCRYPT/DECRYPT',
  origin: 'EXTERNAL',
  protectionLevel: 'HSM',
  keyState: 'PendingDeletion',
  creator: 'oss',
  creatorType: 'Service',
  createdAt: 1_700_000_000_123,
  deleteAt: 1_700_604_800_123,
  deletionProtection: { description: 'keep it' },
  dkmsInstanceId: 'kst-hzz62ee9e5bdbm4yrnvzr',
  keyStorageMechanism: 'HsmEncryptedDatabase',
  defaultKey: true,
  policy: '{"Version":"1","Statement":[{"Effect":"Allow","Action":["kms:*"]}]}',
  rotation: { enabled: true, intervalSeconds: 2_592_000, lastRotatedAt: 1_700_000_000_123, nextRotationAt: 1_702_592_000_123 },
  materialExpiresAt: 1_900_000_000_000,
  importTokens: [
    {
      token: 'tok-1',
      wrappingKeySpec: 'RSA_2048',
      wrappingAlgorithm: 'RSAES_OAEP_SHA_256',
      wrappingKey: { backend: 'software', wrapped: 'AAAA', n: [1, 2] },
      expiresAt: 1_700_086_400_000,
    },
  ],
  primaryKeyVersionId: 'v2',
  versions: [
    { keyVersionId: 'v1', createdAt: 1_700_000_000_123, importedFingerprint: 'sha256:ab' },
    {
      keyVersionId: 'v2',
      createdAt: 1_700_000_001_000,
      material: { backend: 'pkcs11', handle: 'h-2', label: null, nested: { deep: [true, 0.5] } },
    },
  ],
  tags: { env: 'test', 'ünï/cødé': '', 'with space': 'a=b,c' },
});

/** A key with only the required fields. */
export const minimalKey = (keyId: string, scope: Scope = A): Key => ({
  ...scope,
  keyId,
  description: '',
  keySpec: 'EC_P256',
  keyUsage: 'SIGN/VERIFY',
  origin: 'Aliyun_KMS',
  protectionLevel: 'SOFTWARE',
  keyState: 'Enabled',
  creator: scope.accountId,
  creatorType: 'User',
  createdAt: 1,
  rotation: { enabled: false },
  primaryKeyVersionId: 'v1',
  versions: [{ keyVersionId: 'v1', createdAt: 1, material: { backend: 'software', wrapped: 'x' } }],
  tags: {},
});

export const fullInstance = (instanceId: string, scope: Scope = A): Instance => ({
  ...scope,
  instanceId,
  instanceName: 'team instance',
  kind: 'hardware',
  productVersion: '5',
  productType: 'kms_ddi_public_cn',
  chargeType: 'PREPAY',
  spec: 1000,
  keyNum: 1000,
  secretNum: 0,
  vpcNum: 2,
  log: true,
  logStorage: 1000,
  createdAt: 1_700_000_000_000,
  endsAt: 1_731_536_000_000,
  renewal: { status: 'AutoRenewal', period: 1, unit: 'Y' },
  connection: { vpcId: 'vpc-1', zoneIds: ['cn-hangzhou-h', 'cn-hangzhou-k'], vswitchIds: ['vsw-1'], connectedAt: 1_700_000_001_000 },
  bindVpcs: [{ vpcId: 'vpc-2', vswitchId: 'vsw-2', regionId: 'cn-shanghai', vpcOwnerId: '3333' }],
  deletionProtection: { description: '' },
  tags: { team: 'a' },
  clientToken: 'ct-1',
});

export const minimalInstance = (instanceId: string, scope: Scope = A): Instance => ({
  ...scope,
  instanceId,
  instanceName: '',
  kind: 'software',
  productVersion: '3',
  productType: 'kms_ddi_public_cn',
  chargeType: 'POSTPAY',
  spec: 0,
  keyNum: 0,
  secretNum: 0,
  vpcNum: 0,
  log: false,
  logStorage: 0,
  createdAt: 2,
  renewal: { status: 'NotRenewal', period: 0, unit: 'M' },
  bindVpcs: [],
  tags: {},
});

/** Records are read-only: a store must work with frozen ones, and never write into them. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const ids = (records: readonly { keyId?: string; instanceId?: string; aliasName?: string }[]) =>
  records.map((r) => r.aliasName ?? r.instanceId ?? r.keyId);

export function storeContract(name: string, factory: () => StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let location: string;
    const opened: Store[] = [];
    const open = async () => {
      const store = await factory().open(location);
      opened.push(store);
      return store;
    };
    beforeEach(async () => {
      location = await factory().create();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close(); // one at a time: lowdb handles of one file share its temp file
    });

    test('an empty store has nothing', async () => {
      const s = await open();
      expect(await s.getKey('key-x')).toBeUndefined();
      expect(await s.listKeys(A)).toEqual([]);
      expect(await s.listAllKeys()).toEqual([]);
      expect(await s.getAlias(A, 'alias/x')).toBeUndefined();
      expect(await s.listAliases(A)).toEqual([]);
      expect(await s.getInstance('kst-x')).toBeUndefined();
      expect(await s.listInstances(A)).toEqual([]);
      expect(await s.getSetting('x')).toBeUndefined();
    });

    test('every field of a key, alias and instance comes back, through the same and a new handle', async () => {
      const s = await open();
      const records = deepFreeze({
        keys: [fullKey('key-full'), minimalKey('key-min')],
        alias: { ...A, aliasName: 'alias/ünï-cødé/x_1', keyId: 'key-full' } satisfies Alias,
        instances: [fullInstance('kst-full'), minimalInstance('kst-min')],
      });
      for (const k of records.keys) await s.putKey(k);
      await s.putAlias(records.alias);
      for (const i of records.instances) await s.putInstance(i);
      for (const reader of [s, await open()]) {
        for (const k of records.keys) expect(await reader.getKey(k.keyId)).toStrictEqual(k);
        expect(await reader.getAlias(A, records.alias.aliasName)).toStrictEqual(records.alias);
        for (const i of records.instances) expect(await reader.getInstance(i.instanceId)).toStrictEqual(i);
        expect(await reader.listKeys(A)).toStrictEqual(records.keys);
        expect(await reader.listInstances(A)).toStrictEqual(records.instances);
      }
    });

    test('lists keep to their account and region, in the order records were first stored', async () => {
      const s = await open();
      await s.putKey(minimalKey('k1', A));
      await s.putKey(minimalKey('k2', B));
      await s.putKey(minimalKey('k3', A2));
      await s.putKey(minimalKey('k4', A));
      await s.putKey({ ...minimalKey('k1', A), description: 'updated' }); // an update keeps its place
      await s.putAlias({ ...A, aliasName: 'alias/z', keyId: 'k1' });
      await s.putAlias({ ...B, aliasName: 'alias/z', keyId: 'k2' });
      await s.putAlias({ ...A2, aliasName: 'alias/z', keyId: 'k3' });
      await s.putAlias({ ...A, aliasName: 'alias/a', keyId: 'k4' });
      await s.putInstance(minimalInstance('i1', A));
      await s.putInstance(minimalInstance('i2', A2));
      await s.putInstance(minimalInstance('i3', A));
      expect(ids(await s.listKeys(A))).toEqual(['k1', 'k4']);
      expect((await s.listKeys(A))[0].description).toBe('updated');
      expect(ids(await s.listKeys(B))).toEqual(['k2']);
      expect(ids(await s.listKeys(A2))).toEqual(['k3']);
      expect(ids(await s.listAllKeys()).sort()).toEqual(['k1', 'k2', 'k3', 'k4']);
      expect(ids(await s.listAliases(A))).toEqual(['alias/z', 'alias/a']);
      expect((await s.getAlias(B, 'alias/z'))?.keyId).toBe('k2');
      expect((await s.getAlias(A2, 'alias/z'))?.keyId).toBe('k3');
      expect(ids(await s.listInstances(A))).toEqual(['i1', 'i3']);
      expect(ids(await s.listInstances(B))).toEqual([]);
    });

    test('a put replaces the whole record, and a record read before stays as it was', async () => {
      const s = await open();
      const first = deepFreeze(fullKey('key-1'));
      await s.putKey(first);
      const read = await s.getKey('key-1');
      const { deleteAt: _d, deletionProtection: _p, ...rest } = first;
      const second = deepFreeze({ ...rest, keyState: 'Enabled' as const, tags: { only: 'one' } });
      await s.putKey(second);
      expect(read).toStrictEqual(first);
      expect(await s.getKey('key-1')).toStrictEqual(second);
      expect(await (await open()).getKey('key-1')).toStrictEqual(second);

      await s.putAlias({ ...A, aliasName: 'alias/p', keyId: 'key-1' });
      await s.putAlias({ ...A, aliasName: 'alias/p', keyId: 'key-2' });
      expect(await s.listAliases(A)).toStrictEqual([{ ...A, aliasName: 'alias/p', keyId: 'key-2' }]);

      await s.putInstance(fullInstance('kst-1'));
      const { connection: _c, endsAt: _e, clientToken: _t, deletionProtection: _dp, ...bare } = fullInstance('kst-1');
      await s.putInstance(bare);
      expect(await (await open()).getInstance('kst-1')).toStrictEqual(bare);
    });

    test('deletes remove one record only, and deleting what is not there does nothing', async () => {
      const s = await open();
      await s.putKey(minimalKey('k1'));
      await s.putKey(minimalKey('k2'));
      await s.putAlias({ ...A, aliasName: 'alias/d', keyId: 'k1' });
      await s.putAlias({ ...B, aliasName: 'alias/d', keyId: 'k2' });
      await s.putInstance(minimalInstance('i1'));
      await s.putInstance(minimalInstance('i2'));
      await s.deleteKey('k1');
      await s.deleteAlias(A, 'alias/d');
      await s.deleteInstance('i1');
      await s.deleteKey('missing');
      await s.deleteAlias(A2, 'alias/d');
      await s.deleteInstance('missing');
      const again = await open();
      expect(await again.getKey('k1')).toBeUndefined();
      expect(ids(await again.listAllKeys())).toEqual(['k2']);
      expect(await again.getAlias(A, 'alias/d')).toBeUndefined();
      expect((await again.getAlias(B, 'alias/d'))?.keyId).toBe('k2');
      expect(ids(await again.listInstances(A))).toEqual(['i2']);
      await again.putKey(minimalKey('k1')); // a deleted ID can be stored again
      expect(ids(await again.listKeys(A))).toEqual(['k2', 'k1']);
    });

    test('settings hold any JSON value and can be overwritten', async () => {
      const s = await open();
      const values: Record<string, unknown> = {
        number: 86_400_000,
        negative: -1.5,
        text: 'x "y" \\ z',
        empty: '',
        yes: true,
        no: false,
        nil: null,
        list: [1, 'two', [3], { four: 4 }],
        object: { nested: { list: [] as unknown[] } },
      };
      for (const [k, v] of Object.entries(values)) await s.putSetting(k, deepFreeze(v));
      await s.putSetting('number', 42);
      const again = await open();
      for (const [k, v] of Object.entries(values)) expect(await again.getSetting(k)).toStrictEqual(k === 'number' ? 42 : v);
      expect(await again.getSetting('unknown')).toBeUndefined();
    });

    test('concurrent writes all land', async () => {
      const s = await open();
      await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => s.putKey(minimalKey(`c${i}`))),
        ...Array.from({ length: 10 }, (_, i) => s.putAlias({ ...A, aliasName: `alias/c${i}`, keyId: `c${i}` })),
        ...Array.from({ length: 5 }, (_, i) => s.putSetting(`c${i}`, i)),
      ]);
      const again = await open();
      expect((await again.listKeys(A)).length).toBe(20);
      expect((await again.listAliases(A)).length).toBe(10);
      expect(await again.getSetting('c4')).toBe(4);
    });
  });
}
