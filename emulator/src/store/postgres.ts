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
import { Pool } from 'pg';
import type { Alias, Instance, Key, Scope } from '../domain/model';
import type { InstanceCount, KeyCount, KeyFilterField, KeyQuery, Page, Store } from '../domain/ports/store';
import { KEY_COLUMNS, keyColumns, LOCK_SPACE, migrate } from './postgres-schema';
import type { NonceLedger } from './nonce-ledger';

/** A lock name as PostgreSQL text: names carry caller input (alias names), which may hold U+0000 that text cannot. */
const lockText = (name: string) => Buffer.from(name).toString('base64');

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

  async getKey(keyId: string) {
    if (unstorable(keyId)) return undefined;
    return (await this.docs<Key>('SELECT doc FROM alikms_keys WHERE key_id = $1', [keyId]))[0];
  }

  async pageKeys(scope: Scope, query: KeyQuery, offset: number, limit: number): Promise<Page<Key>> {
    const tagText = (query.tags ?? []).flatMap((t) => [t.key, t.value ?? '']);
    if (unstorable(scope.accountId, scope.regionId, query.instanceId ?? '', ...tagText)) return { items: [], total: 0 };
    const params: unknown[] = [scope.accountId, scope.regionId];
    const conditions = keyConditions(query, params);
    const where = ['account_id = $1', 'region_id = $2', ...conditions].join(' AND ');
    // The whole scope's count is kept by a trigger (postgres-schema.ts); a filtered listing counts its matches.
    const countSql =
      conditions.length === 0
        ? 'SELECT coalesce((SELECT n FROM alikms_key_counts WHERE account_id = $1 AND region_id = $2), 0) AS n'
        : `SELECT count(*) AS n FROM alikms_keys WHERE ${where}`;
    const total = Number((await this.pool.query<{ n: string }>(countSql, params)).rows[0].n);
    const items =
      offset >= total
        ? []
        : await this.docs<Key>(
            `SELECT doc FROM alikms_keys WHERE ${where} ORDER BY created_at, seq OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
            [...params, offset, limit],
          );
    return { items, total };
  }

  async defaultKey(scope: Scope) {
    if (unstorable(scope.accountId, scope.regionId)) return undefined;
    const sql = 'SELECT doc FROM alikms_keys WHERE account_id = $1 AND region_id = $2 AND default_key';
    return (await this.docs<Key>(sql, [scope.accountId, scope.regionId]))[0];
  }

  keysDue(until: number, limit: number) {
    const sql = 'SELECT doc FROM alikms_keys WHERE next_event_at <= $1 ORDER BY next_event_at, key_id LIMIT $2';
    return this.docs<Key>(sql, [until, limit]);
  }

  async countKeys(): Promise<KeyCount[]> {
    const sql = 'SELECT key_state, key_spec, count(*) AS n FROM alikms_keys GROUP BY key_state, key_spec';
    const rows = (await this.pool.query<{ key_state: KeyCount['keyState']; key_spec: KeyCount['keySpec']; n: string }>(sql)).rows;
    return rows.map((r) => ({ keyState: r.key_state, keySpec: r.key_spec, count: Number(r.n) }));
  }

  putKey(key: Key) {
    const columns = ['key_id', ...KEY_COLUMNS, 'doc'];
    const values = columns.map((c, i) => (c === 'tags' ? `$${i + 1}::jsonb` : c === 'doc' ? `$${i + 1}::json` : `$${i + 1}`));
    const update = columns.slice(1).map((c) => `${c} = EXCLUDED.${c}`);
    return this.run(
      `INSERT INTO alikms_keys (${columns.join(', ')}) VALUES (${values.join(', ')}) ON CONFLICT (key_id) DO UPDATE SET ${update.join(', ')}`,
      [key.keyId, ...keyColumns(key), json(key)],
    );
  }

  deleteKey = (keyId: string) => this.run('DELETE FROM alikms_keys WHERE key_id = $1', [keyId]);

  async instanceUsage(instanceId: string): Promise<number> {
    if (unstorable(instanceId)) return 0;
    const sql = 'SELECT coalesce(sum(quota_units), 0) AS n FROM alikms_keys WHERE instance_id = $1';
    return Number((await this.pool.query<{ n: string }>(sql, [instanceId])).rows[0].n);
  }

  async getAlias(scope: Scope, aliasName: string) {
    if (unstorable(scope.accountId, scope.regionId, aliasName)) return undefined;
    const sql = 'SELECT doc FROM alikms_aliases WHERE account_id = $1 AND region_id = $2 AND alias_name = $3';
    return (await this.docs<Alias>(sql, [scope.accountId, scope.regionId, aliasName]))[0];
  }

  async pageAliases(scope: Scope, keyId: string | undefined, offset: number, limit: number): Promise<Page<Alias>> {
    if (unstorable(scope.accountId, scope.regionId, keyId ?? '')) return { items: [], total: 0 };
    const params: unknown[] = [scope.accountId, scope.regionId, ...(keyId === undefined ? [] : [keyId])];
    const where = `account_id = $1 AND region_id = $2${keyId === undefined ? '' : ' AND key_id = $3'}`;
    const total = Number(
      (await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM alikms_aliases WHERE ${where}`, params)).rows[0].n,
    );
    // COLLATE "C": the byte order the embedded store and the SDKs' examples use, whatever the database's locale.
    const sql = `SELECT doc FROM alikms_aliases WHERE ${where} ORDER BY alias_name COLLATE "C" OFFSET $${params.length + 1} LIMIT $${params.length + 2}`;
    return { items: offset >= total ? [] : await this.docs<Alias>(sql, [...params, offset, limit]), total };
  }

  putAlias(alias: Alias) {
    return this.run(
      `INSERT INTO alikms_aliases (account_id, region_id, alias_name, key_id, doc) VALUES ($1, $2, $3, $4, $5::json)
       ON CONFLICT (account_id, region_id, alias_name) DO UPDATE SET key_id = EXCLUDED.key_id, doc = EXCLUDED.doc`,
      [alias.accountId, alias.regionId, alias.aliasName, alias.keyId, json(alias)],
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
  putInstance = (instance: Instance) => this.instanceRows.put(instance);
  async countInstances(): Promise<InstanceCount[]> {
    const sql = "SELECT doc->>'kind' AS kind, count(*) AS n FROM alikms_instances GROUP BY 1";
    const rows = (await this.pool.query<{ kind: InstanceCount['kind']; n: string }>(sql)).rows;
    return rows.map((r) => ({ kind: r.kind, count: Number(r.n) }));
  }
  deleteInstance = (instanceId: string) => this.instanceRows.delete(instanceId);

  private readonly instanceRows = {
    get: async (id: string): Promise<Instance | undefined> =>
      unstorable(id) ? undefined : (await this.docs<Instance>('SELECT doc FROM alikms_instances WHERE instance_id = $1', [id]))[0],
    list: async (scope: Scope): Promise<Instance[]> =>
      unstorable(scope.accountId, scope.regionId)
        ? []
        : this.docs<Instance>('SELECT doc FROM alikms_instances WHERE account_id = $1 AND region_id = $2 ORDER BY seq', [
            scope.accountId,
            scope.regionId,
          ]),
    put: (record: Instance) =>
      this.run(
        `INSERT INTO alikms_instances (instance_id, account_id, region_id, doc) VALUES ($1, $2, $3, $4::json)
         ON CONFLICT (instance_id) DO UPDATE SET doc = EXCLUDED.doc`,
        [record.instanceId, record.accountId, record.regionId, json(record)],
      ),
    delete: (id: string) => this.run('DELETE FROM alikms_instances WHERE instance_id = $1', [id]),
  };

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

const FILTER_COLUMNS: Readonly<Record<KeyFilterField, string>> = {
  KeyState: 'key_state',
  KeySpec: 'key_spec',
  KeyUsage: 'key_usage',
  ProtectionLevel: 'protection_level',
  CreatorType: 'creator_type',
  DKMSInstanceId: "coalesce(instance_id, '')",
  Creator: 'creator',
};

/** The WHERE conditions of a key query, its values appended to `params`. */
function keyConditions(query: KeyQuery, params: unknown[]): string[] {
  const add = (value: unknown) => `$${params.push(value)}`;
  const conditions: string[] = [];
  for (const f of query.filters ?? [])
    conditions.push(`${FILTER_COLUMNS[f.field]} = ANY(${add(f.values.filter((v) => !v.includes('\0')))}::text[])`);
  if (query.instanceId !== undefined) conditions.push(`instance_id = ${add(query.instanceId)}`);
  for (const t of query.tags ?? [])
    conditions.push(t.value === undefined ? `tags ? ${add(t.key)}` : `tags @> ${add(JSON.stringify({ [t.key]: t.value }))}::jsonb`);
  return conditions;
}
