/**
 * The options of `alikms serve`: one table that builds the command line, reads the environment and renders the
 * README's options table (a test checks the README against `serveOptionsTable()`).
 */
import { Command, Option } from 'commander';
import { DEFAULT_REGION } from '../domain/regions';
import { DEFAULT_HOST, DEFAULT_PORT } from '../emulator';

export interface ServeOption {
  /** `--port <port>`, or `--no-throttling` / `--default-key-rotation` for a switch. */
  flags: string;
  env: string;
  description: string;
  /** The default as commander applies it. */
  default?: string;
  /** The default as people read it, when there is no literal one. */
  defaultText?: string;
  /** May be given several times (and comma-separated in the variable): the values are collected into a list. */
  repeatable?: true;
}

export const SERVE_OPTIONS: readonly ServeOption[] = [
  { flags: '--port <port>', env: 'ALIKMS_PORT', default: String(DEFAULT_PORT), description: 'TCP port (0: any free port)' },
  { flags: '--host <host>', env: 'ALIKMS_HOST', default: DEFAULT_HOST, description: 'address to bind' },
  {
    flags: '--data <file>',
    env: 'ALIKMS_DATA',
    default: '.alikms/state.json',
    description: 'state: this snapshot file (lowdb) and its journals beside it (created if missing)',
  },
  {
    flags: '--in-memory',
    env: 'ALIKMS_IN_MEMORY',
    defaultText: 'off',
    description: 'keep state and used nonces in memory only; nothing is written',
  },
  {
    flags: '--store <url>',
    env: 'ALIKMS_STORE',
    defaultText: 'none (the --data file)',
    description: 'keep state in PostgreSQL (`postgres://user:pass@host:5432/db`) instead; emulators may share it (needs the `pg` package)',
  },
  {
    flags: '--root-key-file <file>',
    env: 'ALIKMS_ROOT_KEY_FILE',
    defaultText: '`root.key` beside --data',
    description: 'root key file (created, 0600, if missing); `ALIKMS_ROOT_KEY` (base64 of 32 bytes) gives the key itself',
  },
  { flags: '--region <region>', env: 'ALIKMS_REGION', default: DEFAULT_REGION, description: 'region for requests that name none' },
  {
    flags: '--region-port <region=port>',
    env: 'ALIKMS_REGION_PORTS',
    defaultText: 'none',
    repeatable: true,
    description: 'also listen on `port` for requests of `region` that name none (repeatable; comma-separated in the variable)',
  },
  {
    flags: '--accounts <file>',
    env: 'ALIKMS_ACCOUNTS',
    defaultText: 'account `1234567890123456`, key `test`/`test`',
    description: 'JSON file of accounts and access keys',
  },
  {
    flags: '--seed <file>',
    env: 'ALIKMS_SEED',
    defaultText: 'none',
    description: 'seed file (YAML or JSON) applied at start, never overwriting',
  },
  {
    flags: '--admin-token <token>',
    env: 'ALIKMS_ADMIN_TOKEN',
    defaultText: 'none',
    description: 'bearer token for the `/_alikms/` admin endpoints, for any account (an access key works for its own)',
  },
  { flags: '--connect-delay <ms>', env: 'ALIKMS_CONNECT_DELAY', default: '1000', description: 'emulator time a ConnectKmsInstance takes' },
  {
    flags: '--no-throttling',
    env: 'ALIKMS_NO_THROTTLING',
    defaultText: 'throttled',
    description: "don't enforce instances' Spec (QPS) limits",
  },
  {
    flags: '--max-rotation-interval <interval>',
    env: 'ALIKMS_MAX_ROTATION_INTERVAL',
    default: '365d',
    description: 'longest automatic rotation interval for software keys (the docs say 365d or 730d)',
  },
  {
    flags: '--default-key',
    env: 'ALIKMS_DEFAULT_KEY',
    defaultText: 'off',
    description: "make the default account's default CMK in --region at start (else only on request)",
  },
  {
    flags: '--default-key-rotation',
    env: 'ALIKMS_DEFAULT_KEY_ROTATION',
    defaultText: 'off',
    description: "turn on the default CMK's rotation add-on (365d only)",
  },
  {
    flags: '--pkcs11-module <path>',
    env: 'ALIKMS_PKCS11_MODULE',
    defaultText: 'none (simulated)',
    description: 'PKCS#11 module (.so) holding the keys of hardware instances (needs the `pkcs11js` package)',
  },
  { flags: '--pkcs11-token <label>', env: 'ALIKMS_PKCS11_TOKEN', defaultText: 'none', description: 'label of the PKCS#11 token' },
  { flags: '--pkcs11-pin <pin>', env: 'ALIKMS_PKCS11_PIN', defaultText: 'none', description: 'user PIN of the PKCS#11 token' },
  {
    flags: '--request-log',
    env: 'ALIKMS_REQUEST_LOG',
    defaultText: 'off',
    description: 'one line per KMS API request on stderr (time, RequestId, account, AccessKeyId, action, status, code, latency)',
  },
  {
    flags: '--log-format <format>',
    env: 'ALIKMS_LOG_FORMAT',
    default: 'text',
    description: 'request log lines as `text` or `json` (one JSON object per line); setting it turns the request log on',
  },
  {
    flags: '--metrics-open',
    env: 'ALIKMS_METRICS_OPEN',
    defaultText: 'admin credentials',
    description: '`GET /_alikms/metrics` (Prometheus text format) without credentials, for a scraper on a trusted network',
  },
  {
    flags: '--no-metrics',
    env: 'ALIKMS_NO_METRICS',
    defaultText: 'collected',
    description: "don't collect metrics (no `/_alikms/metrics`)",
  },
  {
    flags: '--audit-log <file>',
    env: 'ALIKMS_AUDIT_LOG',
    defaultText: 'none',
    description:
      'append one JSON line per KMS API call to this file (0600): who, from where, which action on which keys, result; the console shows it',
  },
];

const isSwitch = (o: ServeOption) => !o.flags.includes('<');

/** Adds the serve options to `cmd`. Switches read their variable in `readSwitches`: commander only checks presence. */
export function addServeOptions(cmd: Command): Command {
  for (const o of SERVE_OPTIONS) {
    const option = new Option(o.flags, isSwitch(o) ? `${o.description} (env: ${o.env}=true|false)` : o.description);
    if (!isSwitch(o)) option.env(o.env);
    if (o.repeatable) option.argParser((value: string, previous: string[] = []) => [...previous, ...value.split(',').filter(Boolean)]);
    if (o.default !== undefined) option.default(o.default);
    cmd.addOption(option);
  }
  return cmd;
}

/** `true/false/1/0` (any case, also yes/no/on/off); undefined for anything else. */
export function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(t)) return true;
  if (['false', '0', 'no', 'off', ''].includes(t)) return false;
  return undefined;
}

/**
 * The switches' values: the flag when given, else its variable read as a boolean (`ALIKMS_DEFAULT_KEY_ROTATION=false`
 * is off), else the default. An unreadable value is an error naming the variable.
 */
export function readSwitches(
  cmd: Command,
  env: NodeJS.ProcessEnv = process.env,
): {
  throttling: boolean;
  defaultKeyRotation: boolean;
  defaultKey: boolean;
  inMemory: boolean;
  requestLog: boolean;
  metrics: boolean;
  metricsOpen: boolean;
} {
  const fromEnv = (name: string): boolean | undefined => {
    const raw = env[name];
    if (raw === undefined) return undefined;
    const value = parseBoolean(raw);
    if (value === undefined) throw new Error(`${name}=${raw}: expected true, false, 1 or 0`);
    return value;
  };
  const given = (key: string) => cmd.getOptionValueSource(key) === 'cli';
  const on = (key: string, name: string) => (given(key) ? true : (fromEnv(name) ?? false));
  return {
    throttling: !on('throttling', 'ALIKMS_NO_THROTTLING'),
    defaultKeyRotation: on('defaultKeyRotation', 'ALIKMS_DEFAULT_KEY_ROTATION'),
    defaultKey: on('defaultKey', 'ALIKMS_DEFAULT_KEY'),
    inMemory: on('inMemory', 'ALIKMS_IN_MEMORY'),
    // Choosing a log format asks for the log.
    requestLog: on('requestLog', 'ALIKMS_REQUEST_LOG') || given('logFormat') || env.ALIKMS_LOG_FORMAT !== undefined,
    metrics: !on('metrics', 'ALIKMS_NO_METRICS'),
    metricsOpen: on('metricsOpen', 'ALIKMS_METRICS_OPEN'),
  };
}

/** Where an option's value came from, as the user wrote it: `--seed` or `ALIKMS_SEED`. */
export function optionSource(cmd: Command, key: string): string {
  const o = SERVE_OPTIONS.find((s) => camel(s.flags) === key);
  if (!o) return key;
  return cmd.getOptionValueSource(key) === 'env' ? o.env : o.flags.split(' ')[0];
}

/** `--root-key-file <file>` -> rootKeyFile; `--no-throttling` -> throttling (commander's attribute names). */
const camel = (flags: string) =>
  flags
    .split(' ')[0]
    .replace(/^--(no-)?/, '')
    .replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The README's options table. */
export function serveOptionsTable(): string {
  const rows = SERVE_OPTIONS.map((o) => {
    const dflt = o.default !== undefined ? `\`${o.default}\`` : o.defaultText;
    return `| \`${o.flags}\` | \`${o.env}\` | ${dflt} | ${o.description} |`;
  });
  return ['| option | env | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
