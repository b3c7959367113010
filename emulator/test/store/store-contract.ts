/**
 * What every Store must do, as one suite run against each implementation (contract.test.ts). `open` may be called
 * several times on one location: a second handle must see what the first one wrote (a restart, or another process).
 */
import type { Alias, Instance, Key, Scope } from '../../src/domain/model';
import type { KeyQuery, Store } from '../../src/domain/ports/store';

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

    const keysOf = async (st: Store, scope: Scope, query: KeyQuery = {}) => (await st.pageKeys(scope, query, 0, 1000)).items;
    const aliasesOf = async (st: Store, scope: Scope, keyId?: string) => (await st.pageAliases(scope, keyId, 0, 1000)).items;

    test('an empty store has nothing', async () => {
      const s = await open();
      expect(await s.getKey('key-x')).toBeUndefined();
      expect(await s.pageKeys(A, {}, 0, 10)).toEqual({ items: [], total: 0 });
      expect(await s.keysDue(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      expect(await s.defaultKey(A)).toBeUndefined();
      expect(await s.getAlias(A, 'alias/x')).toBeUndefined();
      expect(await s.pageAliases(A, undefined, 0, 10)).toEqual({ items: [], total: 0 });
      expect(await s.getInstance('kst-x')).toBeUndefined();
      expect(await s.listInstances(A)).toEqual([]);
      expect(await s.instanceUsage('kst-x')).toBe(0);
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
        expect(await keysOf(reader, A)).toStrictEqual([records.keys[1], records.keys[0]]); // by creation time
        expect(await reader.listInstances(A)).toStrictEqual(records.instances);
      }
    });

    test('keys are listed by scope in creation order (then the order they were stored), paged, with the total', async () => {
      const s = await open();
      await s.putKey({ ...minimalKey('k3', A), createdAt: 30 });
      await s.putKey({ ...minimalKey('k2', B), createdAt: 20 });
      await s.putKey({ ...minimalKey('k1', A), createdAt: 10 });
      await s.putKey({ ...minimalKey('k0', A), createdAt: 30 }); // same time as k3: stored later, listed later
      await s.putKey({ ...minimalKey('k9', A2), createdAt: 5 });
      await s.putKey({ ...minimalKey('k1', A), createdAt: 10, description: 'updated' }); // an update keeps its place
      expect(ids(await keysOf(s, A))).toEqual(['k1', 'k3', 'k0']);
      expect((await keysOf(s, A))[0].description).toBe('updated');
      expect(ids(await keysOf(s, B))).toEqual(['k2']);
      expect(ids(await keysOf(s, A2))).toEqual(['k9']);
      const page = await s.pageKeys(A, {}, 1, 1);
      expect({ ids: ids(page.items), total: page.total }).toEqual({ ids: ['k3'], total: 3 });
      expect(await s.pageKeys(A, {}, 5, 10)).toEqual({ items: [], total: 3 });
    });

    test("ListKeys' filters, an instance and tags select keys", async () => {
      const s = await open();
      const base = minimalKey('x', A);
      await s.putKey({ ...base, keyId: 'a', keyState: 'Disabled', createdAt: 1 });
      await s.putKey({ ...base, keyId: 'b', keySpec: 'RSA_2048', dkmsInstanceId: 'kst-1', createdAt: 2, tags: { env: 'prod', team: 'x' } });
      await s.putKey({ ...base, keyId: 'c', creatorType: 'Service', creator: 'oss', createdAt: 3, tags: { env: 'dev' } });
      const q = async (query: KeyQuery) => ids(await keysOf(s, A, query));
      expect(await q({ filters: [{ field: 'KeyState', values: ['Disabled', 'PendingDeletion'] }] })).toEqual(['a']);
      expect(
        await q({
          filters: [
            { field: 'KeySpec', values: ['RSA_2048'] },
            { field: 'KeyState', values: ['Enabled'] },
          ],
        }),
      ).toEqual(['b']);
      expect(await q({ filters: [{ field: 'CreatorType', values: ['Service'] }] })).toEqual(['c']);
      expect(await q({ filters: [{ field: 'Creator', values: ['oss'] }] })).toEqual(['c']);
      expect(await q({ filters: [{ field: 'DKMSInstanceId', values: ['kst-1'] }] })).toEqual(['b']);
      expect(await q({ filters: [{ field: 'DKMSInstanceId', values: [''] }] })).toEqual(['a', 'c']);
      expect(await q({ instanceId: 'kst-1' })).toEqual(['b']);
      expect(await q({ tags: [{ key: 'env' }] })).toEqual(['b', 'c']);
      expect(await q({ tags: [{ key: 'env', value: 'prod' }] })).toEqual(['b']);
      expect(await q({ tags: [{ key: 'env', value: 'prod' }, { key: 'team' }] })).toEqual(['b']);
      expect(await q({ tags: [{ key: 'nul\u0000' }] })).toEqual([]);
      expect((await s.pageKeys(A, { tags: [{ key: 'env' }] }, 0, 1)).total).toBe(2);
    });

    test("the region's default key, an instance's KeyNum units and the keys due are answered from indexes", async () => {
      const s = await open();
      const manual = { keyVersionId: 'v9', createdAt: 2, manual: true as const };
      await s.putKey({ ...minimalKey('d', A), defaultKey: true });
      await s.putKey({ ...minimalKey('i1', A), dkmsInstanceId: 'kst-9' });
      await s.putKey({ ...minimalKey('i2', A), dkmsInstanceId: 'kst-9', versions: [...minimalKey('i2').versions, manual] });
      expect((await s.defaultKey(A))?.keyId).toBe('d');
      expect(await s.defaultKey(B)).toBeUndefined();
      expect(await s.instanceUsage('kst-9')).toBe(3);
      await s.deleteKey('i1');
      expect(await s.instanceUsage('kst-9')).toBe(2);

      const rotating = (keyId: string, at: number): Key => ({
        ...minimalKey(keyId, keyId === 'r2' ? B : A),
        keySpec: 'Aliyun_AES_256',
        rotation: { enabled: true, intervalSeconds: 100, lastRotatedAt: 0, nextRotationAt: at },
      });
      await s.putKey(rotating('r3', 300));
      await s.putKey(rotating('r1', 100));
      await s.putKey(rotating('r2', 200));
      await s.putKey({ ...minimalKey('p', A), keyState: 'PendingDeletion', deleteAt: 150 });
      await s.putKey({ ...rotating('off', 50), keyState: 'Disabled' }); // a Disabled key's rotation waits: not due
      expect(ids(await s.keysDue(250, 10))).toEqual(['r1', 'p', 'r2']);
      expect(ids(await s.keysDue(250, 2))).toEqual(['r1', 'p']);
      await s.putKey({ ...rotating('r1', 400) }); // rotated: its next event moved on
      expect(ids(await (await open()).keysDue(1000, 10))).toEqual(['p', 'r2', 'r3', 'r1']);
    });

    test('keys are counted by state and spec, and instances by kind, over every scope (metrics)', async () => {
      const s = await open();
      expect(await s.countKeys()).toEqual([]);
      expect(await s.countInstances()).toEqual([]);
      await s.putKey(minimalKey('a', A));
      await s.putKey(minimalKey('b', B));
      await s.putKey({ ...minimalKey('c', A2), keyState: 'Disabled' });
      await s.putKey({ ...minimalKey('d', A), keySpec: 'RSA_2048' });
      await s.putKey({ ...minimalKey('d', A), keySpec: 'RSA_2048', keyState: 'PendingDeletion', deleteAt: 9 }); // an update moves it
      await s.putKey(minimalKey('gone', A));
      await s.deleteKey('gone');
      await s.putInstance(fullInstance('kst-h', A));
      await s.putInstance(minimalInstance('kst-s1', A));
      await s.putInstance(minimalInstance('kst-s2', B));
      const byCount = <T extends { count: number }>(rows: T[]) =>
        [...rows].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
      for (const reader of [s, await open()]) {
        expect(byCount(await reader.countKeys())).toEqual(
          byCount([
            { keyState: 'Enabled', keySpec: 'EC_P256', count: 2 },
            { keyState: 'Disabled', keySpec: 'EC_P256', count: 1 },
            { keyState: 'PendingDeletion', keySpec: 'RSA_2048', count: 1 },
          ]),
        );
        expect(byCount(await reader.countInstances())).toEqual(
          byCount([
            { kind: 'hardware', count: 1 },
            { kind: 'software', count: 2 },
          ]),
        );
      }
    });

    test("aliases are listed by name, all of a scope or one key's; a put replaces", async () => {
      const s = await open();
      await s.putAlias({ ...A, aliasName: 'alias/z', keyId: 'k1' });
      await s.putAlias({ ...B, aliasName: 'alias/z', keyId: 'k2' });
      await s.putAlias({ ...A2, aliasName: 'alias/z', keyId: 'k3' });
      await s.putAlias({ ...A, aliasName: 'alias/a', keyId: 'k4' });
      await s.putAlias({ ...A, aliasName: 'alias/B', keyId: 'k1' });
      expect(ids(await aliasesOf(s, A))).toEqual(['alias/B', 'alias/a', 'alias/z']);
      expect(ids(await aliasesOf(s, A, 'k1'))).toEqual(['alias/B', 'alias/z']);
      expect((await s.pageAliases(A, undefined, 1, 1)).total).toBe(3);
      expect((await s.getAlias(B, 'alias/z'))?.keyId).toBe('k2');
      await s.putAlias({ ...A, aliasName: 'alias/z', keyId: 'k4' });
      expect(ids(await aliasesOf(s, A, 'k4'))).toEqual(['alias/a', 'alias/z']);
      expect(ids(await aliasesOf(await open(), A, 'k1'))).toEqual(['alias/B']);
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
      expect(ids(await keysOf(again, A))).toEqual(['k2']);
      expect((await again.pageKeys(A, {}, 0, 10)).total).toBe(1); // the count follows deletes too
      expect(await again.getAlias(A, 'alias/d')).toBeUndefined();
      expect((await again.getAlias(B, 'alias/d'))?.keyId).toBe('k2');
      expect(ids(await again.listInstances(A))).toEqual(['i2']);
      await again.putKey(minimalKey('k1')); // a deleted ID can be stored again, and is listed after those stored before
      expect(ids(await keysOf(again, A))).toEqual(['k2', 'k1']);
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
      expect((await again.pageKeys(A, {}, 0, 100)).total).toBe(20);
      expect((await again.pageAliases(A, undefined, 0, 100)).total).toBe(10);
      expect(await again.getSetting('c4')).toBe(4);
    });
  });
}
