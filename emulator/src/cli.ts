/** The `alikms` command line. `alikms serve` starts the emulator; every option also reads an ALIKMS_* variable. */
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_REGION } from './domain/regions';
import { parseInterval } from './domain/rotation';
import { loadDrift } from './drift';
import { DEFAULT_HOST, DEFAULT_PORT, startEmulator } from './emulator';
import { redactUrl } from './store/postgres';
import { DEFAULT_KEY } from './wire/accounts';
import type { RequestRecord } from './wire/server';

interface AdminCallOptions {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
}

interface ServeOptions {
  port: string;
  host: string;
  data: string;
  store?: string;
  inMemory?: boolean;
  rootKeyFile?: string;
  region: string;
  regionPort: string[];
  accounts?: string;
  seed?: string;
  adminToken?: string;
  connectDelay: string;
  throttling: boolean;
  maxRotationInterval: string;
  defaultKeyRotation?: boolean;
  defaultKey?: boolean;
  pkcs11Module?: string;
  pkcs11Token?: string;
  pkcs11Pin?: string;
  requestLog?: boolean;
  logFormat: 'text' | 'json';
}

export function cli(): Command {
  const program = new Command('alikms').description('Local Alibaba Cloud KMS (OpenAPI 2016-01-20) emulator');
  program
    .command('serve')
    .description('start the emulator')
    .addOption(new Option('--port <port>', 'TCP port to listen on').env('ALIKMS_PORT').default(String(DEFAULT_PORT)))
    .addOption(new Option('--host <host>', 'address to bind').env('ALIKMS_HOST').default(DEFAULT_HOST))
    .addOption(new Option('--data <file>', 'lowdb state file (created if missing)').env('ALIKMS_DATA').default('.alikms/state.json'))
    .addOption(
      new Option('--store <url>', 'keep state in PostgreSQL (postgres://…) instead of --data; emulators may share it').env('ALIKMS_STORE'),
    )
    .addOption(
      new Option('--in-memory', 'keep state (and used nonces) in memory only: nothing is written, all is gone at exit').env(
        'ALIKMS_IN_MEMORY',
      ),
    )
    .addOption(
      new Option('--root-key-file <file>', 'root key file (created if missing; default root.key beside --data)').env(
        'ALIKMS_ROOT_KEY_FILE',
      ),
    )
    .addOption(new Option('--region <region>', 'region for requests that name none').env('ALIKMS_REGION').default(DEFAULT_REGION))
    .addOption(
      new Option('--region-port <region=port>', 'also listen on <port> for requests of <region> that name none (repeatable)')
        .env('ALIKMS_REGION_PORTS')
        .argParser((value: string, previous: string[] = []) => [...previous, ...value.split(',').filter(Boolean)])
        .default([]),
    )
    .addOption(
      new Option('--accounts <file>', 'JSON file of accounts and access keys (default: account 1234567890123456, key test/test)').env(
        'ALIKMS_ACCOUNTS',
      ),
    )
    .addOption(
      new Option('--seed <file>', 'seed file (JSON or YAML) applied at start without overwriting existing state').env('ALIKMS_SEED'),
    )
    .addOption(
      new Option(
        '--admin-token <token>',
        'bearer token for the /_alikms/ admin endpoints (Basic auth with an access key always works)',
      ).env('ALIKMS_ADMIN_TOKEN'),
    )
    .addOption(new Option('--connect-delay <ms>', 'emulator time a ConnectKmsInstance takes').env('ALIKMS_CONNECT_DELAY').default('1000'))
    .addOption(new Option('--no-throttling', "don't enforce instance Spec (QPS) limits, e.g. for load tests").env('ALIKMS_NO_THROTTLING'))
    .addOption(
      new Option('--max-rotation-interval <interval>', 'longest automatic rotation interval for software keys (docs say 365d or 730d)')
        .env('ALIKMS_MAX_ROTATION_INTERVAL')
        .default('365d'),
    )
    .addOption(
      new Option('--default-key', "make the default account's default CMK in --region at start (else only on request)").env(
        'ALIKMS_DEFAULT_KEY',
      ),
    )
    .addOption(
      new Option('--default-key-rotation', 'enable the default-key rotation add-on (365d only)').env('ALIKMS_DEFAULT_KEY_ROTATION'),
    )
    .addOption(
      new Option('--pkcs11-module <path>', 'PKCS#11 module (.so) holding the keys of hardware instances').env('ALIKMS_PKCS11_MODULE'),
    )
    .addOption(new Option('--pkcs11-token <label>', 'label of the PKCS#11 token').env('ALIKMS_PKCS11_TOKEN'))
    .addOption(new Option('--pkcs11-pin <pin>', 'user PIN of the PKCS#11 token').env('ALIKMS_PKCS11_PIN'))
    .addOption(
      new Option('--request-log', 'log one line per KMS API request to stderr (no parameter values, no secrets)').env('ALIKMS_REQUEST_LOG'),
    )
    .addOption(
      new Option('--log-format <format>', 'request log lines as text or as JSON objects')
        .choices(['text', 'json'])
        .env('ALIKMS_LOG_FORMAT')
        .default('text'),
    )
    .addHelpText(
      'after',
      '\nThe root key that wraps key material is read from ALIKMS_ROOT_KEY (base64, 32 bytes), --root-key-file, or root.key beside the\n' +
        'state file. With --store one of the first two is required, and every emulator sharing the database needs the same key.',
    )
    .action(async (o: ServeOptions) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) program.error(`--port: not a port: ${o.port}`);
      const connectDelayMs = Number(o.connectDelay);
      if (!Number.isInteger(connectDelayMs) || connectDelayMs < 0) program.error(`--connect-delay: not a number of ms: ${o.connectDelay}`);
      const regionPorts: Record<string, number> = {};
      for (const entry of o.regionPort) {
        const m = /^([a-z0-9-]+)=(\d{1,5})$/.exec(entry.trim());
        if (!m || Number(m[2]) > 65535) return program.error(`--region-port: expected <region>=<port>, e.g. cn-shanghai=4600: ${entry}`);
        regionPorts[m[1]] = Number(m[2]);
      }
      const maxRotation = parseInterval(o.maxRotationInterval);
      if (maxRotation === undefined) program.error(`--max-rotation-interval: expected e.g. 365d: ${o.maxRotationInterval}`);
      const emulator = await startEmulator({
        port,
        host: o.host,
        dataFile: o.inMemory ? undefined : resolve(o.data),
        storeUrl: o.store,
        rootKeyFile: o.rootKeyFile && resolve(o.rootKeyFile),
        region: o.region,
        regionPorts,
        accountsFile: o.accounts,
        seed: o.seed,
        defaultKey: o.defaultKey === true,
        adminToken: o.adminToken,
        kms: {
          connectDelayMs,
          throttling: o.throttling,
          rotation: { maxIntervalSeconds: maxRotation, defaultKeyRotation: o.defaultKeyRotation === true },
        },
        pkcs11: pkcs11Options(o, (m) => program.error(m)),
        log: (m) => console.error(m),
        observe: o.requestLog ? requestLogger(o.logFormat) : undefined,
      });
      console.log(
        `alikms listening on ${emulator.endpoint} (region ${emulator.region}, state ${o.store ? redactUrl(o.store) : o.inMemory ? 'in memory' : resolve(o.data)})`,
      );
      for (const [regionId, endpoint] of Object.entries(emulator.regionEndpoints))
        if (regionId !== emulator.region) console.log(`  region ${regionId}: ${endpoint}`);
      console.log(`  hardware instances: ${emulator.kms.hsm === 'pkcs11' ? 'PKCS#11 token' : 'simulated in software (no HSM configured)'}`);
      // Access key ids only: a secret from an accounts file is never printed (the built-in test/test is public anyway).
      for (const k of emulator.accounts.all())
        console.log(`  account ${k.accountId}: AccessKeyId=${k.id}${k === DEFAULT_KEY ? ` AccessKeySecret=${k.secret}` : ''}`);
      const stop = () => void emulator.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  const adminOptions = (c: Command) =>
    c
      .addOption(
        new Option('--endpoint <url>', 'emulator endpoint').env('ALIKMS_ENDPOINT').default(`http://${DEFAULT_HOST}:${DEFAULT_PORT}`),
      )
      .addOption(new Option('--access-key-id <id>', 'access key id').env('ALIBABA_CLOUD_ACCESS_KEY_ID').default('test'))
      .addOption(new Option('--access-key-secret <secret>', 'access key secret').env('ALIBABA_CLOUD_ACCESS_KEY_SECRET').default('test'));

  const admin = async (o: AdminCallOptions, path: string, body?: unknown) => {
    const res = await fetch(`${o.endpoint.replace(/\/$/, '')}/_alikms/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: 'Basic ' + Buffer.from(`${o.accessKeyId}:${o.accessKeySecret}`).toString('base64'),
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) program.error(`${path}: ${res.status} ${String(json.Message ?? '')}`);
    return json;
  };

  adminOptions(
    program
      .command('export')
      .description('print an account and region of a running emulator in the seed format (YAML), e.g. to save as a seed')
      .option('--account <id>', "account id (default: the access key's; another account needs its own access key)")
      .option('--region <region>', "region (default: the emulator's)")
      .option('--material', 'include software-held key material'),
  ).action(async (o: AdminCallOptions & { account?: string; region?: string; material?: boolean }) => {
    const q = new URLSearchParams({
      ...(o.account && { accountId: o.account }),
      ...(o.region && { regionId: o.region }),
      material: String(o.material === true),
    });
    process.stdout.write((require('yaml') as typeof import('yaml')).stringify(await admin(o, `state?${q.toString()}`)));
  });

  const clock = program
    .command('clock')
    .description('read or move the emulator clock of a running emulator (due rotations and deletions happen at once)')
    .argument('[action]', '"get", "advance <duration>" (30d, 12h, 90m, 3600s) or "set <ISO time>"', 'get')
    .argument('[value]', 'the duration or time');
  adminOptions(clock).action(async (action: string, value: string | undefined, o: AdminCallOptions) => {
    if (action !== 'get' && action !== 'advance' && action !== 'set') program.error(`clock: unknown action ${action}`);
    if (action !== 'get' && !value) program.error(`clock ${action}: a value is needed`);
    const body = (await admin(o, 'clock', action === 'get' ? undefined : { [action]: value })) as {
      now?: string;
      events?: { at: string; kind: string; keyId: string }[];
    };
    console.log(body.now);
    for (const e of body.events ?? []) console.log(`  ${e.at} ${e.kind} ${e.keyId}`);
  });
  program
    .command('drift')
    .description('compare the alikms resources of a `pulumi stack export` with the live API; exit 0 clean, 1 drift, 2 errors')
    .requiredOption(
      '--stack-export <file>',
      'output of `pulumi stack export --show-secrets` (a file, <(pulumi stack export), or - for stdin)',
    )
    .option(
      '--endpoint <url>',
      "KMS endpoint to use instead of the stack's provider config (credentials still come from it or ALIBABA_CLOUD_*)",
    )
    .option('--json', 'print the report as JSON')
    .option('--verbose', 'log retries and other provider debug messages to stderr')
    // Usage errors are errors (2), not drift (1); --help stays 0.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (o: { stackExport: string; endpoint?: string; json?: boolean; verbose?: boolean }) => {
      process.exitCode = await loadDrift().runDrift(o);
    });
  return program;
}

/** One line per request: `time requestId account accessKeyId action status code latency`, or the record as JSON. */
function requestLogger(format: 'text' | 'json'): (r: RequestRecord) => void {
  return (r) => {
    const line =
      format === 'json'
        ? JSON.stringify({ ...r, time: new Date(r.time).toISOString(), latencyMs: Math.round(r.latencyMs * 10) / 10 })
        : [
            new Date(r.time).toISOString(),
            r.requestId,
            r.accountId ?? '-',
            r.accessKeyId ?? '-',
            r.action ?? '-',
            r.status,
            r.code ?? 'OK',
            `${r.latencyMs.toFixed(1)}ms`,
          ].join(' ');
    process.stderr.write(line + '\n');
  };
}

/** All three PKCS#11 settings, or none (hardware instances simulated in software); a partial set is an error. */
function pkcs11Options(o: ServeOptions, fail: (message: string) => never) {
  const { pkcs11Module: module, pkcs11Token: token, pkcs11Pin: pin } = o;
  if (module === undefined && token === undefined && pin === undefined) return undefined;
  if (!module || !token || pin === undefined)
    fail('--pkcs11-module, --pkcs11-token and --pkcs11-pin go together (or ALIKMS_PKCS11_MODULE/_TOKEN/_PIN)');
  return { module, token, pin };
}

if (require.main === module) {
  cli()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
