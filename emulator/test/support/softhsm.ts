/**
 * A fresh SoftHSM2 token in a temporary folder, for the PKCS#11 backend tests (pkcs11-softhsm.md §2: ~30 ms).
 *
 * SoftHSM reads SOFTHSM2_CONF with getenv() at C_Initialize (the system config under /etc/softhsm is unreadable for
 * non-root users anyway). Jest gives each test file a *copy* of process.env, so assigning to it never reaches
 * getenv(); process.loadEnvFile does, but never overwrites a variable. So each jest worker process gets one private
 * config path, set once, and every `createSoftHsm` rewrites that file to point at its own fresh token folder.
 * Consequence: one SoftHSM folder per test file at a time (more tokens in it through `addToken`), because the
 * library re-reads the file whenever it is re-initialised.
 * `make test` installs softhsm2 through scripts/system-deps.sh when softhsm2-util is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pkcs11Options } from '../../src/crypto/pkcs11/backend';

export const SOFTHSM_MODULE = process.env.ALIKMS_TEST_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsm {
  readonly dir: string;
  readonly conf: string;
  readonly module: string;
  readonly token: string;
  readonly pin: string;
  /** Backend options for the token (module, label, PIN). */
  readonly options: Pkcs11Options;
  /** Initialises one more token in the same folder (visible to the library after a re-initialisation). */
  addToken(label: string, pin?: string): void;
  /** Deletes the folder (every token in it). */
  remove(): void;
}

const SO_PIN = '5678';

/** This process's SOFTHSM2_CONF, exported into the real environment on first use. */
function processConfigPath(): string {
  const conf = join(tmpdir(), `alikms-softhsm2-${process.pid}.conf`);
  const current = process.env.SOFTHSM2_CONF;
  if (current !== undefined && current !== conf)
    throw new Error(`SOFTHSM2_CONF is set to ${current}: unset it for the tests, which make their own tokens`);
  if (current === undefined) {
    const envFile = join(tmpdir(), `alikms-softhsm2-${process.pid}.env`);
    writeFileSync(envFile, `SOFTHSM2_CONF=${conf}\n`);
    process.loadEnvFile(envFile); // the real environment, read by getenv() in the module
    rmSync(envFile);
    process.env.SOFTHSM2_CONF = conf; // jest's copy, read by the backend's config check
  }
  return conf;
}

export function createSoftHsm(token = 'alikms-test', pin = '1234'): SoftHsm {
  if (!existsSync(SOFTHSM_MODULE))
    throw new Error(`SoftHSM2 is not installed (${SOFTHSM_MODULE} missing): run \`make system-deps\` or \`apt-get install -y softhsm2\``);
  const conf = processConfigPath();
  const dir = mkdtempSync(join(tmpdir(), 'alikms-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(
    conf,
    [
      `directories.tokendir = ${join(dir, 'tokens')}/`,
      'objectstore.backend = file',
      'log.level = ERROR',
      'slots.removable = false',
      'slots.mechanisms = ALL',
      'library.reset_on_fork = false',
      '',
    ].join('\n'),
  );
  const addToken = (label: string, userPin = pin) =>
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', userPin, '--so-pin', SO_PIN], {
      env: { ...process.env, SOFTHSM2_CONF: conf },
      stdio: 'pipe',
    });
  addToken(token);
  return {
    dir,
    conf,
    module: SOFTHSM_MODULE,
    token,
    pin,
    options: { module: SOFTHSM_MODULE, token, pin },
    addToken,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(conf, { force: true }); // rewritten by the next createSoftHsm in this process
    },
  };
}
