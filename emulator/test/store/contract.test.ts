/**
 * The Store contract against both implementations (lowdb on a file, PostgreSQL on a private test cluster), and what
 * only the PostgreSQL store has to get right: its schema migration, its key lock across handles, clear failures.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { LowdbStore } from '../../src/store/lowdb';
import { PostgresStore } from '../../src/store/postgres';
import { SCHEMA_VERSION } from '../../src/store/postgres-schema';
import { removeDir } from '../support/emulator';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { minimalKey, storeContract } from './store-contract';

let pg: TestPostgres;
const dir = mkdtempSync(join(tmpdir(), 'alikms-store-'));
let files = 0;

beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  removeDir(dir);
  await pg?.stop();
});

storeContract('lowdb', () => ({ create: async () => join(dir, `state-${++files}.json`), open: (file) => LowdbStore.open(file) }));
storeContract('PostgreSQL', () => ({ create: () => pg.createDatabase(), open: (url) => PostgresStore.open(url) }));

describe('PostgresStore', () => {
  test('stores opening an empty database at the same time migrate it once', async () => {
    const url = await pg.createDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(url)));
    await stores[0].putKey(minimalKey('k1'));
    expect((await stores[3].getKey('k1'))?.keyId).toBe('k1');
    await Promise.all(stores.map((s) => s.close()));
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query('SELECT version FROM alikms_schema')).rows).toEqual([{ version: SCHEMA_VERSION }]);
      // A database written by a newer emulator is refused rather than misread.
      await client.query('UPDATE alikms_schema SET version = 99');
    } finally {
      await client.end();
    }
    await expect(PostgresStore.open(url)).rejects.toThrow(/schema version 99.*upgrade the emulator/);
  });

  test('a database that cannot be reached fails with its URL, password hidden', async () => {
    const url = (await pg.createDatabase()).replace('postgres@', 'postgres:secret@').replace(/\/alikms_\w+\?/, '/no_such_db?');
    const message = await PostgresStore.open(url).then(
      () => 'opened',
      (e: Error) => e.message,
    );
    expect(message).toMatch(/^PostgreSQL store postgres:\/\/postgres:\*\*\*@localhost\/no_such_db.*no_such_db/);
    expect(message).not.toContain('secret');
  });

  test('withLock holds one key against every other handle, and not other keys', async () => {
    const url = await pg.createDatabase();
    const [one, two] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const first = one.withLock('key-a', async () => {
      entered();
      await held;
      order.push('first done');
    });
    await inside;
    const second = two.withLock('key-a', async () => void order.push('second ran'));
    // Another key is not held up by key-a's lock.
    await two.withLock('key-b', async () => void order.push('other key ran'));
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      // Wait until the second handle is queued on the lock, as PostgreSQL reports it.
      const waiting = "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted";
      while ((await admin.query<{ n: number }>(waiting)).rows[0].n === 0) await new Promise((r) => setImmediate(r));
    } finally {
      await admin.end();
    }
    expect(order).toEqual(['other key ran']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['other key ran', 'first done', 'second ran']);
    // A task that fails lets go of the lock too.
    await expect(one.withLock('key-a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(two.withLock('key-a', async () => 'free')).resolves.toBe('free');
    await Promise.all([one.close(), two.close()]);
  });
});

describe('LowdbStore files', () => {
  const fresh = () => join(mkdtempSync(join(dir, 'files-')), 'state.json');
  const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

  test('a write appends one journal line; the snapshot is rewritten only by compaction, after which old journals go', async () => {
    const file = fresh();
    const s = await LowdbStore.open(file);
    for (let i = 0; i < 50; i++) await s.putKey(minimalKey(`k${i}`));
    expect(existsSync(file)).toBe(false); // nothing but the journal so far
    expect(lines(`${file}.journal.0`)).toHaveLength(50);
    await s.compact();
    expect(existsSync(`${file}.journal.0`)).toBe(false);
    expect(JSON.parse(lines(file)[0])).toEqual({ format: 2, journal: 1 });
    await s.putKey(minimalKey('after'));
    expect(lines(`${file}.journal.1`)).toHaveLength(1);
    await s.close();
    const again = await LowdbStore.open(file);
    expect((await again.pageKeys(minimalKey('x'), {}, 0, 100)).total).toBe(51);
    await again.close();
  });

  test('a journal cut off mid-line (a crash while appending) loads without that write', async () => {
    const file = fresh();
    const s = await LowdbStore.open(file);
    await s.putKey(minimalKey('kept'));
    await s.close();
    appendFileSync(`${file}.journal.0`, '{"op":"key","id":"lost","v":{"keyId":"lo');
    const again = await LowdbStore.open(file);
    expect((await again.getKey('kept'))?.keyId).toBe('kept');
    expect(await again.getKey('lost')).toBeUndefined();
    await again.putKey(minimalKey('next'));
    await again.close();
    expect((await (await LowdbStore.open(file)).getKey('next'))?.keyId).toBe('next');
  });

  test('a crash during compaction (the new journal begun, the snapshot not yet renamed) loses nothing', async () => {
    const file = fresh();
    const s = await LowdbStore.open(file);
    await s.putKey(minimalKey('before'));
    await s.close();
    // What a crash leaves: journal 0, a journal 1 with later writes, a half-written temporary snapshot.
    writeFileSync(`${file}.journal.1`, JSON.stringify({ op: 'key', id: 'later', v: minimalKey('later') }) + '\n');
    writeFileSync(`${file}.tmp`, '{"format":2,"journal":1}\n{"op":"key","id":"before","v":');
    const again = await LowdbStore.open(file);
    expect(ids(await again.pageKeys(minimalKey('x'), {}, 0, 10))).toEqual(['before', 'later']);
    await again.close();
  });

  test('a format-1 state.json (one JSON object, as earlier versions wrote) loads and is migrated', async () => {
    const file = fresh();
    const key = minimalKey('old');
    writeFileSync(
      file,
      JSON.stringify(
        {
          format: 1,
          keys: { old: key },
          aliases: { x: { accountId: key.accountId, regionId: key.regionId, aliasName: 'alias/old', keyId: 'old' } },
          instances: {},
          settings: { clockOffsetMs: 5 },
        },
        null,
        2,
      ),
    );
    const s = await LowdbStore.open(file);
    expect(await s.getKey('old')).toStrictEqual(key);
    expect((await s.getAlias(key, 'alias/old'))?.keyId).toBe('old');
    expect(await s.getSetting('clockOffsetMs')).toBe(5);
    await s.close();
    expect(JSON.parse(lines(file)[0])).toMatchObject({ format: 2 });
  });
});

const ids = (page: { items: { keyId: string }[] }) => page.items.map((k) => k.keyId);
