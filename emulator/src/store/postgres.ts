/**
 * The shared store: PostgreSQL through a `pg` Pool, for teams that run several emulator processes on one database.
 * Each record is one row: the id columns the queries filter on, plus the record as it is in a JSON `doc`.
 *
 * What it guarantees across processes (every process pointed at the same database):
 * - No caching: every read is a query, so a write acknowledged by one process is seen by the next read of any other.
 * - Every write is a single autocommitted statement (upsert or delete) and resolves only after COMMIT, which with
 *   PostgreSQL's default `synchronous_commit = on` means the WAL is flushed: an acknowledged request survives a crash.
 * - Every check-then-write of the domain (a key's read-modify-write, a new alias name, a service key's first use, the
 *   region's default key, a key against its instance's KeyNum, instance changes, a purchase's ClientToken) is
 *   serialised across processes by `withLock`, a session advisory lock per name (domain/lock.ts). It is needed for
 *   correctness: without it two processes updating one key would both read the old record and the later upsert would
 *   silently drop the earlier change (e.g. concurrent TagResource calls losing tags). A process that dies while
 *   holding a lock loses its connection, and PostgreSQL releases the lock.
 *
 * What it does not guarantee:
 * - Every process runs its own scheduler and its own clock (the clock offset is read from settings at start only):
 *   moving the clock through one emulator does not move the others. A due event is applied once, because the
 *   scheduler re-checks it under the key's advisory lock (domain/lifecycle.ts).
 * - The root key is not in the database: every process must be given the same one (see emulator.ts).
 * - Records are `json`, not `jsonb`: jsonb cannot hold U+0000, which a key description may contain, and no query
 *   looks inside a record (the id columns carry what queries need).
 */
import { Pool, type PoolClient } from 'pg';
import type { Alias, Instance, Key, Scope } from '../domain/model';
import type { Store } from '../domain/ports/store';
import type { NonceLedger } from './nonce-ledger';

/** A lock name as PostgreSQL text: names carry caller input (alias names), which may hold U+0000 that text cannot. */
const lockText = (name: string) => Buffer.from(name).toString('base64');

/** First half of every advisory lock key this store takes, so ours cannot collide with another application's. */
const LOCK_SPACE = 0x616b6d73; // "akms"
const MIGRATION_LOCK = 0;

/**
 * Schema versions, applied in order inside one transaction at open. `seq` keeps insertion order, which the lowdb store
 * gives for free and ListKeys paging relies on; an upsert does not change it.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE alikms_keys (
     key_id text PRIMARY KEY, account_id text NOT NULL, region_id text NOT NULL,
     seq bigint GENERATED ALWAYS AS IDENTITY, doc json NOT NULL);
   CREATE INDEX alikms_keys_scope ON alikms_keys (account_id, region_id, seq);
   CREATE TABLE alikms_aliases (
     account_id text NOT NULL, region_id text NOT NULL, alias_name text NOT NULL,
     seq bigint GENERATED ALWAYS AS IDENTITY, doc json NOT NULL,
     PRIMARY KEY (account_id, region_id, alias_name));
   CREATE TABLE alikms_instances (
     instance_id text PRIMARY KEY, account_id text NOT NULL, region_id text NOT NULL,
     seq bigint GENERATED ALWAYS AS IDENTITY, doc json NOT NULL);
   CREATE INDEX alikms_instances_scope ON alikms_instances (account_id, region_id, seq);
   CREATE TABLE alikms_settings (name text PRIMARY KEY, value json NOT NULL);`,
  // Used request nonces (store/nonce-ledger.ts): a claim is one INSERT, so two emulators cannot both accept one.
  `CREATE TABLE alikms_nonces (fingerprint bigint PRIMARY KEY, claimed_at integer NOT NULL);
   CREATE INDEX alikms_nonces_claimed ON alikms_nonces (claimed_at);`,
];

/** `url` with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

// Objects always go to PostgreSQL as JSON text: pg would turn a JS array into a PostgreSQL array literal.
const json = (value: unknown) => JSON.stringify(value);

/**
 * A `text` value cannot hold U+0000 (PostgreSQL refuses the whole query), but a caller can send one in any KeyId or
 * AliasName (or BSS Region). No record has such an id (we make the ids; alias names are checked before they are stored), so a lookup
 * by one finds nothing, as it would in the lowdb store, instead of failing the request.
 */
const unstorable = (...ids: string[]) => ids.some((id) => id.includes('\0'));

export class PostgresStore implements Store {
  private constructor(
    private readonly pool: Pool,
    /** Connections that hold key locks. Separate from `pool` so that lock holders, which need a `pool` connection
     *  for their own reads and writes, can never wait on connections taken by lock waiters (a deadlock). */
    private readonly lockPool: Pool,
  ) {}

  /** Connects, and creates or upgrades the schema; fails (and closes) if the database is unreachable or newer. */
  static async open(url: string): Promise<PostgresStore> {
    const pool = new Pool({ connectionString: url, max: 10 });
    // Locks nest at most two deep (an instance, then its keys, when an instance is released): room for both.
    const lockPool = new Pool({ connectionString: url, max: 20 });
    // The server may drop an idle connection (restart, admin kill); the pool discards it and the next query opens a
    // new one. Without a listener the 'error' event would end the process.
    pool.on('error', () => undefined);
    lockPool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (err) {
      await Promise.all([pool.end(), lockPool.end()]);
      throw new Error(`PostgreSQL store ${redactUrl(url)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return new PostgresStore(pool, lockPool);
  }

  private async docs<T>(sql: string, params: unknown[]): Promise<T[]> {
    return (await this.pool.query<{ doc: T }>(sql, params)).rows.map((r) => r.doc);
  }

  private async run(sql: string, params: unknown[]): Promise<void> {
    await this.pool.query(sql, params);
  }

  getKey = (keyId: string) => this.keyRows.get(keyId);
  listKeys = (scope: Scope) => this.keyRows.list(scope);
  listAllKeys = () => this.docs<Key>('SELECT doc FROM alikms_keys ORDER BY seq', []);
  putKey = (key: Key) => this.keyRows.put(key.keyId, key);
  deleteKey = (keyId: string) => this.keyRows.delete(keyId);

  async getAlias(scope: Scope, aliasName: string) {
    if (unstorable(scope.accountId, scope.regionId, aliasName)) return undefined;
    const sql = 'SELECT doc FROM alikms_aliases WHERE account_id = $1 AND region_id = $2 AND alias_name = $3';
    return (await this.docs<Alias>(sql, [scope.accountId, scope.regionId, aliasName]))[0];
  }

  async listAliases(scope: Scope) {
    if (unstorable(scope.accountId, scope.regionId)) return [];
    return this.docs<Alias>('SELECT doc FROM alikms_aliases WHERE account_id = $1 AND region_id = $2 ORDER BY seq', [
      scope.accountId,
      scope.regionId,
    ]);
  }

  putAlias(alias: Alias) {
    return this.run(
      `INSERT INTO alikms_aliases (account_id, region_id, alias_name, doc) VALUES ($1, $2, $3, $4::json)
       ON CONFLICT (account_id, region_id, alias_name) DO UPDATE SET doc = EXCLUDED.doc`,
      [alias.accountId, alias.regionId, alias.aliasName, json(alias)],
    );
  }

  deleteAlias(scope: Scope, aliasName: string) {
    return this.run('DELETE FROM alikms_aliases WHERE account_id = $1 AND region_id = $2 AND alias_name = $3', [
      scope.accountId,
      scope.regionId,
      aliasName,
    ]);
  }

  getInstance = (instanceId: string) => this.instanceRows.get(instanceId);
  listInstances = (scope: Scope) => this.instanceRows.list(scope);
  putInstance = (instance: Instance) => this.instanceRows.put(instance.instanceId, instance);
  deleteInstance = (instanceId: string) => this.instanceRows.delete(instanceId);

  /** Keys and instances are rows of one shape: keyed by an id, listed by account and region in insertion order. */
  private readonly keyRows = this.rowsById<Key>('alikms_keys', 'key_id');
  private readonly instanceRows = this.rowsById<Instance>('alikms_instances', 'instance_id');

  private rowsById<T extends Scope>(table: string, idColumn: string) {
    return {
      get: async (id: string): Promise<T | undefined> =>
        unstorable(id) ? undefined : (await this.docs<T>(`SELECT doc FROM ${table} WHERE ${idColumn} = $1`, [id]))[0],
      list: async (scope: Scope): Promise<T[]> =>
        unstorable(scope.accountId, scope.regionId)
          ? []
          : this.docs<T>(`SELECT doc FROM ${table} WHERE account_id = $1 AND region_id = $2 ORDER BY seq`, [
              scope.accountId,
              scope.regionId,
            ]),
      put: (id: string, record: T) =>
        this.run(
          `INSERT INTO ${table} (${idColumn}, account_id, region_id, doc) VALUES ($1, $2, $3, $4::json)
           ON CONFLICT (${idColumn}) DO UPDATE SET account_id = EXCLUDED.account_id, region_id = EXCLUDED.region_id, doc = EXCLUDED.doc`,
          [id, record.accountId, record.regionId, json(record)],
        ),
      delete: (id: string) => this.run(`DELETE FROM ${table} WHERE ${idColumn} = $1`, [id]),
    };
  }

  async getSetting(name: string): Promise<unknown> {
    return (await this.pool.query<{ value: unknown }>('SELECT value FROM alikms_settings WHERE name = $1', [name])).rows[0]?.value;
  }

  putSetting(name: string, value: unknown) {
    // undefined has no JSON form; the lowdb store forgets such a setting too.
    if (value === undefined) return this.run('DELETE FROM alikms_settings WHERE name = $1', [name]);
    return this.run(
      'INSERT INTO alikms_settings (name, value) VALUES ($1, $2::json) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value',
      [name, json(value)],
    );
  }

  /** Runs `task` while holding this key's advisory lock, which every process on the database respects. */
  async withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
    const client = await this.lockPool.connect();
    try {
      // hashtext maps the name to the lock's int4; a collision only serialises two unrelated names.
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_SPACE, lockText(name)]);
    } catch (err) {
      client.release(true);
      throw err;
    }
    try {
      return await task();
    } finally {
      // A connection whose unlock failed might still hold the lock: destroy it (which frees the lock) rather than
      // hand it out again.
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE, lockText(name)]).then(
        () => client.release(),
        (err: Error) => client.release(err),
      );
    }
  }

  /** Used nonces in `alikms_nonces`, kept for `windowSeconds` and pruned as they age out. */
  nonceLedger(windowSeconds: number): NonceLedger {
    const pool = this.pool;
    let claims = 0;
    return {
      // The database is what every emulator consults; nothing needs loading into memory.
      load: async () => [],
      async record(hi, lo, at) {
        // Pruning rides along with every thousandth claim: one indexed DELETE, no timer to manage.
        if (++claims % 1000 === 0) await pool.query('DELETE FROM alikms_nonces WHERE claimed_at < $1', [at - windowSeconds]);
        const inserted = await pool.query(
          `INSERT INTO alikms_nonces (fingerprint, claimed_at) VALUES ($1, $2)
           ON CONFLICT (fingerprint) DO UPDATE SET claimed_at = EXCLUDED.claimed_at WHERE alikms_nonces.claimed_at < $3`,
          [BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString(), at, at - windowSeconds],
        );
        return inserted.rowCount === 1;
      },
      rotate: () => undefined,
      close: async () => undefined,
    };
  }

  async close() {
    await Promise.all([this.pool.end(), this.lockPool.end()]);
  }
}

/** Brings the schema to the newest version, one opener at a time (CREATE TABLE IF NOT EXISTS alone races). */
async function migrate(client: PoolClient): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS alikms_schema (version integer NOT NULL)');
    const found = (await client.query<{ version: number }>('SELECT version FROM alikms_schema')).rows[0]?.version ?? 0;
    if (found > MIGRATIONS.length)
      throw new Error(`the database has schema version ${found}; this emulator knows up to ${MIGRATIONS.length}: upgrade the emulator`);
    for (let v = found; v < MIGRATIONS.length; v++) await client.query(MIGRATIONS[v]);
    if (found === 0) await client.query('INSERT INTO alikms_schema (version) VALUES ($1)', [MIGRATIONS.length]);
    else await client.query('UPDATE alikms_schema SET version = $1', [MIGRATIONS.length]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
