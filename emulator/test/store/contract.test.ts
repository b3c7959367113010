/**
 * The Store contract against both implementations (lowdb on a file, PostgreSQL on a private test cluster), and what
 * only the PostgreSQL store has to get right: its schema migration, its key lock across handles, clear failures.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { LowdbStore } from '../../src/store/lowdb';
import { PostgresStore } from '../../src/store/postgres';
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
      expect((await client.query('SELECT version FROM alikms_schema')).rows).toEqual([{ version: 2 }]);
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
