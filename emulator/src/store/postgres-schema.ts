/**
 * The PostgreSQL schema and its migrations, applied in order inside one transaction at open, one opener at a time.
 * Each record is one row: the record as it is in a `doc` column (`json`, not `jsonb`: jsonb cannot hold U+0000, which
 * a key description may contain), plus indexed columns for everything a query filters, sorts or counts on.
 */
import type { PoolClient } from 'pg';
import { nextEventAt, quotaUnits, type Key } from '../domain/model';

/** First half of every advisory lock key this store takes, so ours cannot collide with another application's. */
export const LOCK_SPACE = 0x616b6d73; // "akms"
const MIGRATION_LOCK = 0;

type Migration = string | ((client: PoolClient) => Promise<void>);

/** The queryable columns of a key row, in the order KEY_COLUMNS lists them (after key_id). */
export const KEY_COLUMNS = [
  'account_id',
  'region_id',
  'key_state',
  'key_spec',
  'key_usage',
  'protection_level',
  'creator_type',
  'creator',
  'instance_id',
  'default_key',
  'created_at',
  'next_event_at',
  'quota_units',
  'tags',
] as const;

export const keyColumns = (k: Key): unknown[] => [
  k.accountId,
  k.regionId,
  k.keyState,
  k.keySpec,
  k.keyUsage,
  k.protectionLevel,
  k.creatorType,
  k.creator,
  k.dkmsInstanceId ?? null,
  k.defaultKey === true,
  k.createdAt,
  nextEventAt(k) ?? null,
  quotaUnits(k),
  JSON.stringify(k.tags),
];

const MIGRATIONS: readonly Migration[] = [
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
  // Queries in SQL instead of whole scopes read into the emulator: the columns they need, filled from the records.
  `ALTER TABLE alikms_keys
     ADD COLUMN key_state text, ADD COLUMN key_spec text, ADD COLUMN key_usage text, ADD COLUMN protection_level text,
     ADD COLUMN creator_type text, ADD COLUMN creator text, ADD COLUMN instance_id text,
     ADD COLUMN default_key boolean NOT NULL DEFAULT false, ADD COLUMN created_at bigint, ADD COLUMN next_event_at bigint,
     ADD COLUMN quota_units integer NOT NULL DEFAULT 1, ADD COLUMN tags jsonb NOT NULL DEFAULT '{}';
   ALTER TABLE alikms_aliases ADD COLUMN key_id text;`,
  async (client) => {
    const rows = (await client.query<{ doc: Key }>('SELECT doc FROM alikms_keys')).rows;
    const set = KEY_COLUMNS.map((c, i) => `${c} = $${i + 2}`).join(', ');
    for (const { doc } of rows) await client.query(`UPDATE alikms_keys SET ${set} WHERE key_id = $1`, [doc.keyId, ...keyColumns(doc)]);
    await client.query(`UPDATE alikms_aliases SET key_id = doc->>'keyId'`);
  },
  `CREATE INDEX alikms_keys_listing ON alikms_keys (account_id, region_id, created_at, seq);
   CREATE INDEX alikms_keys_instance ON alikms_keys (instance_id) WHERE instance_id IS NOT NULL;
   CREATE UNIQUE INDEX alikms_keys_default ON alikms_keys (account_id, region_id) WHERE default_key;
   CREATE INDEX alikms_keys_due ON alikms_keys (next_event_at) WHERE next_event_at IS NOT NULL;
   CREATE INDEX alikms_aliases_key ON alikms_aliases (key_id);`,
  // ListKeys' TotalCount without counting: count(*) over 100k rows costs tens of milliseconds on every page. A trigger
  // keeps each scope's count as keys come and go (an upsert that updates fires no INSERT trigger).
  `CREATE TABLE alikms_key_counts (account_id text NOT NULL, region_id text NOT NULL, n bigint NOT NULL, PRIMARY KEY (account_id, region_id));
   CREATE FUNCTION alikms_count_keys() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'INSERT' THEN
       INSERT INTO alikms_key_counts VALUES (NEW.account_id, NEW.region_id, 1)
         ON CONFLICT (account_id, region_id) DO UPDATE SET n = alikms_key_counts.n + 1;
     ELSE
       UPDATE alikms_key_counts SET n = n - 1 WHERE account_id = OLD.account_id AND region_id = OLD.region_id;
     END IF;
     RETURN NULL;
   END $$;
   CREATE TRIGGER alikms_keys_count AFTER INSERT OR DELETE ON alikms_keys FOR EACH ROW EXECUTE FUNCTION alikms_count_keys();
   INSERT INTO alikms_key_counts SELECT account_id, region_id, count(*) FROM alikms_keys GROUP BY account_id, region_id;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the schema to the newest version, one opener at a time (CREATE TABLE IF NOT EXISTS alone races). */
export async function migrate(client: PoolClient): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS alikms_schema (version integer NOT NULL)');
    const found = (await client.query<{ version: number }>('SELECT version FROM alikms_schema')).rows[0]?.version ?? 0;
    if (found > MIGRATIONS.length)
      throw new Error(`the database has schema version ${found}; this emulator knows up to ${MIGRATIONS.length}: upgrade the emulator`);
    for (let v = found; v < MIGRATIONS.length; v++) {
      const m = MIGRATIONS[v];
      await (typeof m === 'string' ? client.query(m) : m(client));
    }
    if (found === 0) await client.query('INSERT INTO alikms_schema (version) VALUES ($1)', [MIGRATIONS.length]);
    else await client.query('UPDATE alikms_schema SET version = $1', [MIGRATIONS.length]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
