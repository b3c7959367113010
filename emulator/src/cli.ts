/**
 * The `alikms` command line: `serve` starts the emulator (every option also reads an ALIKMS_* variable, cli/options.ts);
 * `clock` and `export` talk to a running one (cli/admin-client.ts); `drift` runs the provider's drift check.
 */
import { Command } from 'commander';
import { resolve } from 'node:path';
import { parseInterval } from './domain/rotation';
import { loadDrift } from './drift';
import { startEmulator } from './emulator';
import { redactUrl } from './store/postgres';
import { Accounts, DEFAULT_KEY } from './wire/accounts';
import { requestLogger } from './wire/request-log';
import { readSeed } from './seed/format';
import { VERSION } from './version';
import { addAdminOptions, adminCall, adminTarget, normalizeEndpoint } from './cli/admin-client';
import { addServeOptions, optionSource, readSwitches } from './cli/options';

interface ServeOptions {
  port: string;
  host: string;
  data: string;
  store?: string;
  rootKeyFile?: string;
  region: string;
  regionPort?: string[];
  accounts?: string;
  seed?: string;
  adminToken?: string;
  connectDelay: string;
  maxRotationInterval: string;
  pkcs11Module?: string;
  pkcs11Token?: string;
  pkcs11Pin?: string;
  logFormat: string;
  auditLog?: string;
}

export function cli(): Command {
  const program = new Command('alikms')
    .description('Local Alibaba Cloud KMS (OpenAPI 2016-01-20) emulator')
    .version(VERSION, '-V, --version', 'print the alikms version');
  const serve = addServeOptions(program.command('serve').description('start the emulator'))
    .addHelpText(
      'after',
      '\nThe root key that wraps key material is read from ALIKMS_ROOT_KEY (base64, 32 bytes), --root-key-file, or root.key beside the\n' +
        'state file. With --store one of the first two is required, and every emulator sharing the database needs the same key.',
    )
    .action(async (o: ServeOptions) => {
      const source = (key: string) => optionSource(serve, key);
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${source('port')}: not a port: ${o.port}`);
      const connectDelayMs = Number(o.connectDelay);
      if (!Number.isInteger(connectDelayMs) || connectDelayMs < 0)
        throw new Error(`${source('connectDelay')}: not a number of ms: ${o.connectDelay}`);
      const maxRotation = parseInterval(o.maxRotationInterval);
      if (maxRotation === undefined) throw new Error(`${source('maxRotationInterval')}: expected e.g. 365d: ${o.maxRotationInterval}`);
      const { throttling, defaultKeyRotation, defaultKey, inMemory, requestLog, metrics, metricsOpen } = readSwitches(serve);
      if (o.logFormat !== 'text' && o.logFormat !== 'json')
        throw new Error(`${source('logFormat')}: expected text or json: ${o.logFormat}`);
      const regionPorts: Record<string, number> = {};
      for (const entry of o.regionPort ?? []) {
        const m = /^([a-z0-9-]+)=(\d{1,5})$/.exec(entry.trim());
        if (!m || Number(m[2]) > 65535)
          throw new Error(`${source('regionPort')}: expected <region>=<port>, e.g. cn-shanghai=4600: ${entry}`);
        regionPorts[m[1]] = Number(m[2]);
      }
      // Files are read here so a bad one is reported with the option or variable that named it.
      const fromFile = <T>(key: string, file: string, read: (f: string) => T): T => {
        try {
          return read(file);
        } catch (err) {
          throw new Error(`${source(key)}: ${(err as Error).message}`);
        }
      };
      const emulator = await startEmulator({
        port,
        host: o.host,
        dataFile: inMemory ? undefined : resolve(o.data),
        storeUrl: o.store,
        rootKeyFile: o.rootKeyFile && resolve(o.rootKeyFile),
        region: o.region,
        regionPorts,
        accounts: o.accounts ? fromFile('accounts', o.accounts, Accounts.fromFile) : undefined,
        seed: o.seed ? fromFile('seed', o.seed, readSeed) : undefined,
        defaultKey,
        adminToken: o.adminToken,
        kms: { connectDelayMs, throttling, rotation: { maxIntervalSeconds: maxRotation, defaultKeyRotation } },
        pkcs11: pkcs11Options(o),
        log: (m) => console.error(m),
        observe: requestLog ? requestLogger(o.logFormat as 'text' | 'json') : undefined,
        auditLog: o.auditLog && resolve(o.auditLog),
        metrics,
        metricsOpen,
      });
      console.log(
        `alikms listening on ${emulator.endpoint} (region ${emulator.region}, state ${o.store ? redactUrl(o.store) : inMemory ? 'in memory' : resolve(o.data)})`,
      );
      for (const [regionId, endpoint] of Object.entries(emulator.regionEndpoints))
        if (regionId !== emulator.region) console.log(`  region ${regionId}: ${endpoint}`);
      console.log(`  hardware instances: ${emulator.kms.hsm === 'pkcs11' ? 'PKCS#11 token' : 'simulated in software (no HSM configured)'}`);
      console.log(`  console: ${emulator.endpoint}/console/`);
      if (metrics) console.log(`  metrics: ${emulator.endpoint}/_alikms/metrics (${metricsOpen ? 'open' : 'admin credentials'})`);
      // Access key ids only: a secret from an accounts file is never printed (the built-in test/test is public anyway).
      for (const k of emulator.accounts.all())
        console.log(`  account ${k.accountId}: AccessKeyId=${k.id}${k === DEFAULT_KEY ? ` AccessKeySecret=${k.secret}` : ''}`);
      const stop = () => void emulator.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  const exporter = addAdminOptions(
    program
      .command('export')
      .description('print an account and region of a running emulator in the seed format (YAML), e.g. to save as a seed')
      .option('--account <id>', "account id (default: the access key's; another account needs its own access key)")
      .option('--region <region>', "region (default: the emulator's)")
      .option('--material', 'include software-held key material'),
  ).action(async (o: { account?: string; region?: string; material?: boolean }) => {
    const q = new URLSearchParams({
      ...(o.account && { accountId: o.account }),
      ...(o.region && { regionId: o.region }),
      material: String(o.material === true),
    });
    const state = await adminCall(adminTarget(exporter), `state?${q.toString()}`);
    process.stdout.write((require('yaml') as typeof import('yaml')).stringify(state));
  });

  const clock = addAdminOptions(
    program
      .command('clock')
      .description('read or move the emulator clock of a running emulator (due rotations and deletions happen at once)')
      .argument('[action]', '"get", "advance <duration>" (30d, 12h, 90m, 3600s, or milliseconds: 1000) or "set <ISO time>"', 'get')
      .argument('[value]', 'the duration or time'),
  ).action(async (action: string, value: string | undefined) => {
    if (action !== 'get' && action !== 'advance' && action !== 'set')
      throw new Error(`clock: unknown action ${action} (get, advance or set)`);
    if (action !== 'get' && !value)
      throw new Error(`clock ${action}: a value is needed, e.g. clock ${action} ${action === 'set' ? '2030-01-01T00:00:00Z' : '30d'}`);
    // A bare number is milliseconds, which the endpoint takes as a JSON number.
    const arg = action === 'advance' && /^\d+$/.test(value!) ? Number(value) : value;
    const body = (await adminCall(adminTarget(clock), 'clock', action === 'get' ? undefined : { [action]: arg })) as {
      now?: string;
      events?: { at: string; kind: string; keyId: string }[];
    };
    console.log(body.now);
    for (const e of body.events ?? []) console.log(`  ${e.at} ${e.kind} ${e.keyId}`);
  });

  const reset = addAdminOptions(
    program
      .command('reset')
      .description('forget every key, alias and instance of an account of a running emulator (admin rights), e.g. between test suites')
      .option('--account <id>', "account id (default: the access key's)")
      .option('--region <region>', 'only this region (default: every region)'),
  ).action(async (o: { account?: string; region?: string }) => {
    const done = (await adminCall(adminTarget(reset), 'reset', {
      ...(o.account && { accountId: o.account }),
      ...(o.region && { regionId: o.region }),
    })) as { accountId: string; keys: number; instances: number };
    console.log(`reset account ${done.accountId}: ${done.keys} keys and ${done.instances} instances gone`);
  });

  program
    .command('drift')
    .description('compare the alikms resources of a `pulumi stack export` with the live API; exit 0 clean, 1 drift, 2 errors')
    .requiredOption(
      '--stack-export <file>',
      'output of `pulumi stack export --show-secrets` (a file, <(pulumi stack export), or - for stdin)',
    )
    .option(
      '--endpoint <endpoint>',
      "KMS endpoint (host:port or URL) instead of the stack's provider config (credentials still come from it or ALIBABA_CLOUD_*)",
    )
    .option('--json', 'print the report as JSON')
    .option('--verbose', 'log retries and other provider debug messages to stderr')
    // Usage errors are errors (2), not drift (1); --help stays 0.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (o: { stackExport: string; endpoint?: string; json?: boolean; verbose?: boolean }) => {
      try {
        const endpoint = o.endpoint === undefined ? undefined : normalizeEndpoint(o.endpoint, '--endpoint');
        process.exitCode = await loadDrift().runDrift({ ...o, endpoint });
      } catch (err) {
        console.error(`alikms drift: ${(err as Error).message}`);
        process.exitCode = 2;
      }
    });
  return program;
}

/** All three PKCS#11 settings, or none (hardware instances simulated in software); a partial set is an error. */
function pkcs11Options(o: ServeOptions) {
  const { pkcs11Module: module, pkcs11Token: token, pkcs11Pin: pin } = o;
  if (module === undefined && token === undefined && pin === undefined) return undefined;
  if (!module || !token || pin === undefined)
    throw new Error('--pkcs11-module, --pkcs11-token and --pkcs11-pin go together (or ALIKMS_PKCS11_MODULE/_TOKEN/_PIN)');
  return { module, token, pin };
}

/** Runs the command line (bin/alikms.js); an error is one line on stderr and exit code 1. */
export function main(argv: string[] = process.argv): Promise<void> {
  return cli()
    .parseAsync(argv)
    .then(() => undefined)
    .catch((err: unknown) => {
      console.error(`alikms: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
