/**
 * Builds and starts one emulator: store, root key, crypto backend, domain and the HTTP endpoint.
 * This is the only place that knows every layer; tests and the CLI both start the emulator through it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, dirname } from 'node:path';
import { Clock } from './domain/clock';
import { Kms, type KmsOptions } from './domain/kms';
import { LIMITS } from './domain/limits';
import { DEFAULT_REGION, REGIONS } from './domain/regions';
import { RootKey } from './crypto/root-key';
import { SoftwareBackend } from './crypto/software/backend';
import { Pkcs11Backend, type Pkcs11Options } from './crypto/pkcs11/backend';
import { HsmRouter } from './crypto/pkcs11/hsm-router';
import { LowdbStore } from './store/lowdb';
import { isPostgresUrl, PostgresStore, redactUrl } from './store/postgres';
import { checkRootKey } from './store/root-key-check';
import type { Store } from './store/store';
import { Accounts, type AccessKey } from './wire/accounts';
import { Authenticator } from './wire/auth';
import { adminListener } from './wire/admin';
import { answerUnparsableRequests } from './wire/http-errors';
import { kmsRequestListener } from './wire/server';
import { applySeed } from './seed/apply';
import { exportSeed } from './seed/export';
import { parseSeed, readSeed, type SeedInput } from './seed/format';

export const DEFAULT_PORT = 4599;
export const DEFAULT_HOST = '127.0.0.1';

export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** lowdb state file; undefined keeps state in memory. Ignored with `storeUrl`. */
  dataFile?: string;
  /** `postgres://…`: keep state in PostgreSQL, which several emulators can share (they must share the root key). */
  storeUrl?: string;
  region?: string;
  accountsFile?: string;
  accounts?: Accounts;
  /** Root key file; defaults to `root.key` beside the state file (in memory when there is no state file).
   *  With `storeUrl`, this or ALIKMS_ROOT_KEY is required. */
  rootKeyFile?: string;
  clock?: Clock;
  /** Bearer token accepted by the admin endpoints (besides Basic auth with an access key). */
  adminToken?: string;
  /** How often the scheduler looks for due rotations and deletions; 0 turns the background run off. */
  schedulerIntervalMs?: number;
  /** State to create at start (a seed file path, or the seed itself); existing state is never overwritten. */
  seed?: string | SeedInput;
  /** Domain settings: rotation rules, instance connect delay, throttling. */
  kms?: Omit<KmsOptions, 'regions' | 'hsm'>;
  /** PKCS#11 token for the keys of hardware instances; without it they are simulated in software. */
  pkcs11?: Pkcs11Options;
  log?: (message: string) => void;
}

export interface RunningEmulator {
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly accounts: Accounts;
  readonly kms: Kms;
  readonly clock: Clock;
  stop(): Promise<void>;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const region = opts.region ?? DEFAULT_REGION;
  const regions: string[] = [...REGIONS];
  if (!regions.includes(region)) regions.push(region);
  const accounts = opts.accounts ?? (opts.accountsFile ? Accounts.fromFile(opts.accountsFile) : Accounts.default());
  // First, so a wrong PIN or a missing token/module stops startup before anything else is opened.
  const hsm = opts.pkcs11 ? await Pkcs11Backend.open(opts.pkcs11) : undefined;
  let store: Store | undefined;
  let server: Server | undefined;
  try {
    // A shared store has no "beside the state file": every process must be handed the same root key explicitly.
    const rootKeyFile = opts.rootKeyFile ?? (opts.storeUrl ? undefined : opts.dataFile && join(dirname(opts.dataFile), 'root.key'));
    if (opts.storeUrl && !rootKeyFile && !process.env.ALIKMS_ROOT_KEY)
      throw new Error('a PostgreSQL store needs the root key every emulator sharing it uses: set ALIKMS_ROOT_KEY or --root-key-file');
    const rootKey = RootKey.loadOrCreate(rootKeyFile);
    const opened = (store = opts.storeUrl ? await openSharedStore(opts.storeUrl, rootKey) : await LowdbStore.open(opts.dataFile));
    const clock = opts.clock ?? new Clock();
    const software = new SoftwareBackend(rootKey);
    const kms = new Kms(opened, hsm ? new HsmRouter(software, hsm) : software, clock, {
      ...opts.kms,
      regions,
      hsm: hsm ? 'pkcs11' : 'simulated',
    });
    if (opts.seed) {
      const seed = typeof opts.seed === 'string' ? readSeed(opts.seed) : parseSeed(opts.seed);
      accounts.add(
        newAccessKeys(
          accounts,
          seed.accounts.flatMap((a) => a.accessKeys.map((k) => ({ ...k, accountId: a.id }))),
        ),
      );
      const applied = await applySeed(seed, kms, software, { accountId: accounts.all()[0].accountId, regionId: region });
      opts.log?.(`seed: ${applied.instances} instances, ${applied.keys} keys, ${applied.aliases} aliases created`);
    }
    // Catch up on whatever fell due while the emulator was down, before serving.
    await kms.lifecycle.restoreClock();
    await kms.lifecycle.runDue();
    const admin = adminListener({
      kms,
      accounts,
      defaultRegion: region,
      adminToken: opts.adminToken,
      exportState: (scope, material) =>
        exportSeed(
          kms,
          software,
          scope,
          material,
          accounts.all().filter((k) => k.accountId === scope.accountId),
        ),
    });
    const listener = kmsRequestListener({ kms, auth: new Authenticator(accounts), defaultRegion: region, admin, log: opts.log });
    // requireHostHeader off: Node would answer an HTTP/1.1 request without Host itself, with a bare body-less 400;
    // ours gets the error envelope like any other bad request (and the default region, as there is no host to read).
    // maxHeaderSize: the SDKs put every parameter in the URL, so a 32 KiB key policy (percent-encoded, up to ~3x) or an
    // 8 KiB SM2 ciphertext must fit in the request line, past Node's 16 KiB default.
    const http = (server = createServer(
      { keepAliveTimeout: 65_000, requireHostHeader: false, maxHeaderSize: LIMITS.requestHeaderBytes },
      listener,
    ));
    answerUnparsableRequests(http, region);
    const host = opts.host ?? DEFAULT_HOST;
    await listen(http, opts.port ?? DEFAULT_PORT, host);
    const port = (http.address() as AddressInfo).port;
    const scheduler = startScheduler(kms, opts.schedulerIntervalMs ?? 1000, opts.log);
    return {
      endpoint: `http://${host}:${port}`,
      host,
      port,
      region,
      accounts,
      kms,
      clock,
      async stop() {
        if (scheduler) clearInterval(scheduler);
        await kms.lifecycle.runDue(0); // waits for a run in progress
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
        await opened.close();
        await hsm?.close();
      },
    };
  } catch (err) {
    // A start that fails half-way (a bad seed, a port in use) must not leave a database pool or a token session open.
    server?.close();
    await store?.close().catch(() => undefined);
    await hsm?.close();
    throw err;
  }
}

/**
 * The seed's access keys that are not configured yet. A key configured already with the same account and secret (an
 * exported seed applied again) is skipped; the same id with another account or secret is an error.
 */
function newAccessKeys(accounts: Accounts, keys: AccessKey[]): AccessKey[] {
  return keys.filter((k) => {
    const known = accounts.find(k.id);
    if (!known) return true;
    if (known.accountId === k.accountId && known.secret === k.secret && known.securityToken === k.securityToken) return false;
    throw new Error(`seed: access key ${k.id} is already configured for another account or with another secret`);
  });
}

/** The PostgreSQL store at `url`, refused (and closed) when it holds state wrapped under another root key. */
async function openSharedStore(url: string, rootKey: RootKey): Promise<Store> {
  if (!isPostgresUrl(url)) throw new Error(`unsupported store ${redactUrl(url)}: expected postgres://…`);
  const store = await PostgresStore.open(url);
  try {
    await checkRootKey(store, rootKey, `the database ${redactUrl(url)}`);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function startScheduler(kms: Kms, intervalMs: number, log?: (m: string) => void): NodeJS.Timeout | undefined {
  if (intervalMs <= 0) return undefined;
  const timer = setInterval(() => {
    kms.lifecycle.runDue().catch((err: unknown) => log?.(`scheduler: ${err instanceof Error ? err.stack : String(err)}`));
  }, intervalMs);
  timer.unref();
  return timer;
}
