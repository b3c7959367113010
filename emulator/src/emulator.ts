/**
 * Builds and starts one emulator: store, root key, crypto backend, domain and the HTTP endpoint.
 * This is the only place that knows every layer; tests and the CLI both start the emulator through it.
 */
import { existsSync } from 'node:fs';
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
import type { CryptoBackend } from './domain/ports/crypto-backend';
import type { Store } from './domain/ports/store';
import { Accounts, type AccessKey } from './wire/accounts';
import { Authenticator } from './wire/auth';
import { ReplayGuard } from './wire/nonces';
import type { RequestRecord } from './wire/server';
import { FileNonceLedger, type NonceLedger } from './store/nonce-ledger';
import { stateExists } from './store/journal';
import { adminListener } from './wire/admin';
import { consoleListener } from './console';
import { createMetrics } from './wire/metrics';
import { listenHttp, type Listening } from './wire/http-server';
import { kmsRequestListener } from './wire/server';
import { applySeed } from './seed/apply';
import { exportSeed } from './seed/export';
import { parseSeed, readSeed, type SeedInput } from './seed/format';
import { AuditLog } from './audit/writer';

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
  /** Extra ports whose requests default to another region (0: a free port), for clients that name no region. */
  regionPorts?: Readonly<Record<string, number>>;
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
  /** Make (or enable) the default account's default CMK in the default region at start. */
  defaultKey?: boolean;
  /** State to create at start (a seed file path, or the seed itself); existing state is never overwritten. */
  seed?: string | SeedInput;
  /** Domain settings: rotation rules, instance connect delay, throttling. */
  kms?: Omit<KmsOptions, 'regions' | 'hsm'>;
  /** PKCS#11 token for the keys of hardware instances; without it they are simulated in software. */
  pkcs11?: Pkcs11Options;
  log?: (message: string) => void;
  /** How long a client may take to send its headers (default 10 s) and its whole request (default 60 s). */
  timeouts?: { headersMs?: number; requestMs?: number };
  /** Each answered KMS API request (the request log): nothing secret, no parameter values. */
  observe?: (record: RequestRecord) => void;
  /** Collect metrics for /_alikms/metrics (default true); `metricsOpen` serves them without credentials. */
  metrics?: boolean;
  metricsOpen?: boolean;
  /** Append one JSON line per KMS API call to this file (audit/writer.ts), created 0600; the console's Audit tab reads it. */
  auditLog?: string;
}

export interface RunningEmulator {
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  /** The endpoint of each region's port: the main one for `region`, plus one per `regionPorts` entry. */
  readonly regionEndpoints: Readonly<Record<string, string>>;
  readonly accounts: Accounts;
  readonly kms: Kms;
  readonly clock: Clock;
  /** The layers beneath the domain, for tests that look at or intercept what the API cannot show. */
  readonly store: Store;
  readonly crypto: CryptoBackend;
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
  const listening: Listening[] = [];
  let ledger: NonceLedger | undefined;
  let audit: AuditLog | undefined;
  try {
    // A shared store has no "beside the state file": every process must be handed the same root key explicitly.
    const rootKeyFile = opts.rootKeyFile ?? (opts.storeUrl ? undefined : opts.dataFile && join(dirname(opts.dataFile), 'root.key'));
    if (opts.storeUrl && !rootKeyFile && !process.env.ALIKMS_ROOT_KEY)
      throw new Error('a PostgreSQL store needs the root key every emulator sharing it uses: set ALIKMS_ROOT_KEY or --root-key-file');
    const rootKey = loadRootKey(rootKeyFile, opts.dataFile);
    const opened = (store = opts.storeUrl
      ? await openSharedStore(opts.storeUrl, rootKey)
      : await openFileStore(opts.dataFile, rootKey, rootKeyFile));
    const clock = opts.clock ?? new Clock();
    const software = new SoftwareBackend(rootKey);
    const crypto: CryptoBackend = hsm ? new HsmRouter(software, hsm) : software;
    const kms = new Kms(opened, crypto, clock, {
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
      const applied = await applySeed(seed, kms, { accountId: accounts.all()[0].accountId, regionId: region });
      opts.log?.(`seed: ${applied.instances} instances, ${applied.keys} keys, ${applied.aliases} aliases created`);
    }
    if (opts.defaultKey) await kms.keys.provideDefaultKey({ accountId: accounts.all()[0].accountId, regionId: region });
    // Catch up on whatever fell due while the emulator was down, before serving.
    await kms.lifecycle.restoreClock();
    await kms.lifecycle.runDue();
    const metrics = opts.metrics === false ? undefined : createMetrics(kms);
    audit = opts.auditLog ? AuditLog.open(opts.auditLog, opts.log) : undefined;
    const observe = observers(metrics?.observe, opts.observe, audit?.record);
    const admin = adminListener({
      kms,
      accounts,
      defaultRegion: region,
      adminToken: opts.adminToken,
      // Access keys (secrets) leave only with material, which needs admin rights (wire/admin.ts).
      exportState: (scope, material) =>
        exportSeed(kms, software, scope, material, material ? accounts.all().filter((k) => k.accountId === scope.accountId) : []),
      metrics: metrics && { registry: metrics, open: opts.metricsOpen === true },
      log: opts.log,
    });
    const webConsole = consoleListener({
      kms,
      accounts,
      defaultRegion: region,
      adminToken: opts.adminToken,
      auditLog: opts.auditLog,
      observe,
      log: opts.log,
    });
    const windowMs = LIMITS.signatureSkewSeconds * 1000;
    ledger =
      opened instanceof PostgresStore
        ? opened.nonceLedger(LIMITS.signatureSkewSeconds)
        : opts.dataFile
          ? new FileNonceLedger(dirname(opts.dataFile))
          : undefined;
    const auth = new Authenticator(accounts, await ReplayGuard.open(windowMs, ledger));
    const host = opts.host ?? DEFAULT_HOST;
    // The main port answers for --region; each --region-port for its own region (for clients that name none).
    const serveRegion = (regionId: string, port: number) =>
      listenHttp(kmsRequestListener({ kms, auth, defaultRegion: regionId, admin, console: webConsole, log: opts.log, observe }), {
        host,
        port,
        region: regionId,
        timeouts: opts.timeouts,
        log: opts.log,
      }).then((l) => (listening.push(l), l));
    const main = await serveRegion(region, opts.port ?? DEFAULT_PORT);
    const regionEndpoints: Record<string, string> = { [region]: main.endpoint };
    for (const [regionId, port] of Object.entries(opts.regionPorts ?? {})) {
      if (!regions.includes(regionId)) throw new Error(`--region-port: unknown region ${regionId}`);
      regionEndpoints[regionId] = (await serveRegion(regionId, port)).endpoint;
    }
    const scheduler = startScheduler(kms, opts.schedulerIntervalMs ?? 1000, opts.log);
    return {
      endpoint: main.endpoint,
      host,
      port: main.port,
      region,
      regionEndpoints,
      accounts,
      kms,
      clock,
      store: opened,
      crypto,
      async stop() {
        if (scheduler) clearInterval(scheduler);
        await kms.lifecycle.runDue(0); // waits for a run in progress
        for (const l of listening) await l.close();
        await audit?.close();
        await ledger?.close();
        await opened.close();
        await hsm?.close();
      },
    };
  } catch (err) {
    // A start that fails half-way (a bad seed, a port in use) must not leave a database pool or a token session open.
    for (const l of listening) await l.close();
    await audit?.close();
    await ledger?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await hsm?.close();
    throw err;
  }
}

/** One observer that tells each of `fns` (metrics, the request log, the audit log) of every request. */
function observers(...fns: (((r: RequestRecord) => void) | undefined)[]): ((r: RequestRecord) => void) | undefined {
  const set = fns.filter((f) => f !== undefined);
  return set.length <= 1 ? set[0] : (r) => set.forEach((f) => f(r));
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
  const mismatch =
    `the database ${redactUrl(url)} holds state wrapped under a different root key: start every emulator sharing it with ` +
    'the same ALIKMS_ROOT_KEY or --root-key-file';
  return checked(store, () => checkRootKey(store, rootKey, mismatch));
}

/** The state file (or memory), refused when its root key is not the one its material was wrapped under. */
async function openFileStore(dataFile: string | undefined, rootKey: RootKey, rootKeyFile: string | undefined): Promise<Store> {
  const store = await LowdbStore.open(dataFile);
  if (!dataFile) return store;
  const keySource = process.env.ALIKMS_ROOT_KEY ? 'ALIKMS_ROOT_KEY' : rootKeyFile;
  const mismatch =
    `${dataFile} was written under a different root key than ${keySource} holds: start with the root key it was written ` +
    'under (its root.key file, or ALIKMS_ROOT_KEY), or with another --data file to start afresh';
  return checked(store, () => checkRootKey(store, rootKey, mismatch));
}

async function checked(store: Store, check: () => Promise<void>): Promise<Store> {
  try {
    await check();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/**
 * The root key. A state file whose root key file has gone missing must not get a fresh key: its material could never
 * be unwrapped again, and every old key would fail. Start-up stops instead, naming both files.
 */
function loadRootKey(rootKeyFile: string | undefined, dataFile: string | undefined): RootKey {
  if (!process.env.ALIKMS_ROOT_KEY && rootKeyFile && dataFile && stateExists(dataFile) && !existsSync(rootKeyFile))
    throw new Error(
      `${dataFile} exists but its root key file ${rootKeyFile} is missing: put the original root.key back (or set ` +
        'ALIKMS_ROOT_KEY to it), or start with another --data file to start afresh',
    );
  return RootKey.loadOrCreate(rootKeyFile);
}

function startScheduler(kms: Kms, intervalMs: number, log?: (m: string) => void): NodeJS.Timeout | undefined {
  if (intervalMs <= 0) return undefined;
  const timer = setInterval(() => {
    kms.lifecycle.runDue().catch((err: unknown) => log?.(`scheduler: ${err instanceof Error ? err.stack : String(err)}`));
  }, intervalMs);
  timer.unref();
  return timer;
}
