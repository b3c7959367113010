/**
 * A private, throwaway PostgreSQL cluster for one test file: initdb into a temporary folder, a postmaster that listens
 * on a Unix socket in that folder only (no TCP, so no port to find or to clash with), stopped and deleted afterwards.
 * Each test gets its own database in it through `createDatabase`. Starting takes a second or two.
 *
 * PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user (the Debian package creates
 * it) and its commands run through runuser. Every command has a timeout, so a broken installation fails the test
 * file with PostgreSQL's own message rather than hanging it. `make test` installs postgresql through
 * scripts/system-deps.sh when it is missing.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
const BIN_ROOT = '/usr/lib/postgresql';
const COMMAND_TIMEOUT_MS = 60_000;

export interface TestPostgres {
  /** The cluster's folder (data in data/, the socket and the server log beside it). */
  readonly dir: string;
  /** A new, empty database; returns its postgres:// URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (open connections are cut) and deletes the folder. */
  stop(): Promise<void>;
}

/** The newest installed server's bin folder (or ALIKMS_TEST_PG_BIN). */
function binDir(): string {
  if (process.env.ALIKMS_TEST_PG_BIN) return process.env.ALIKMS_TEST_PG_BIN;
  const versions = existsSync(BIN_ROOT) ? readdirSync(BIN_ROOT).filter((v) => existsSync(join(BIN_ROOT, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0)
    throw new Error(
      `PostgreSQL is not installed (no ${BIN_ROOT}/*/bin/initdb): run \`make system-deps\` or \`apt-get install -y postgresql\``,
    );
  return join(BIN_ROOT, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

async function owner(asRoot: boolean): Promise<{ uid: number; gid: number } | undefined> {
  if (!asRoot) return undefined;
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    throw new Error('running as root, the test cluster needs the `postgres` user (created by the postgresql package)');
  }
}

let databases = 0;

export async function startPostgres(): Promise<TestPostgres> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const user = await owner(asRoot);
  const dir = mkdtempSync(join(tmpdir(), 'alikms-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const pg = async (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];
    try {
      await run(file, argv, { cwd: dir, timeout: COMMAND_TIMEOUT_MS });
    } catch (err) {
      const e = err as Error & { stderr?: string };
      const serverLog = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
      throw new Error(`test PostgreSQL: ${command} failed: ${e.stderr || e.message}\n${serverLog}`);
    }
  };
  try {
    await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // fsync off: the cluster is thrown away, and the tests are about the emulator, not about the disk.
    const server = `-k ${dir} -c listen_addresses= -c fsync=off -c max_connections=200`;
    await pg('pg_ctl', ['-D', data, '-l', log, '-o', server, '-w', '-t', '30', 'start']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // The socket is <dir>/.s.PGSQL.5432; libpq-style URLs name a socket folder through the `host` parameter.
  const url = (database: string) => `postgres://postgres@localhost/${database}?host=${encodeURIComponent(dir)}`;
  return {
    dir,
    async createDatabase() {
      const name = `alikms_${process.pid}_${++databases}`;
      const admin = new Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    async stop() {
      try {
        await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
