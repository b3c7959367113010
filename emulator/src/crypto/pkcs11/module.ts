/**
 * The process-wide PKCS#11 library (pkcs11-softhsm.md §5 "One library state per process").
 *
 * A PKCS#11 module has one state per process: a second `new PKCS11()` + C_Initialize answers
 * CKR_CRYPTOKI_ALREADY_INITIALIZED, and any C_Finalize kills every session of every user. So there is one
 * `Pkcs11Library` per process, shared by reference count, and it alone calls C_Initialize / C_Finalize:
 * - C_Initialize always with CKF_OS_LOCKING_OK: pkcs11js passes flags=0 otherwise, SoftHSM then disables its mutexes
 *   and the async calls SIGSEGV (§5, §7 pitfall 1). ALREADY_INITIALIZED is tolerated (another copy of this module,
 *   e.g. a second jest module registry, initialised it).
 * - Re-initialisation after a lost connection drains every in-flight call first (the async calls hold raw pointers
 *   into the library), then bumps `epoch`; each token connection reconnects when it sees a new epoch.
 */
import { existsSync } from 'node:fs';
import * as pkcs11js from 'pkcs11js';
import { ckrOf, describe, Pkcs11StartupError } from './errors';

export type P11 = pkcs11js.PKCS11;

let current: Pkcs11Library | undefined;

export class Pkcs11Library {
  /** Bumped by every C_Finalize + C_Initialize: sessions and handles from an older epoch are dead. */
  epoch = 0;
  private users = 0;
  private inflight = 0;
  private drained?: () => void;
  private recovering?: Promise<void>;
  /** Token label -> PIN that logged in: login is per application, so a second C_Login only says ALREADY_LOGGED_IN. */
  readonly logins = new Map<string, string>();

  private constructor(
    readonly path: string,
    readonly p11: P11,
  ) {}

  /** The process's library for `path`, loaded and initialised on first use; throws Pkcs11StartupError. */
  static acquire(path: string): Pkcs11Library {
    if (!existsSync(path)) throw new Pkcs11StartupError(`PKCS#11 module not found: ${path} (set --pkcs11-module or ALIKMS_PKCS11_MODULE)`);
    if (current && current.users > 0 && current.path !== path)
      throw new Pkcs11StartupError(`PKCS#11 module ${current.path} is already in use in this process; cannot also load ${path}`);
    if (!current || current.path !== path) current = new Pkcs11Library(path, load(path));
    if (current.users === 0) current.initialize();
    current.users++;
    return current;
  }

  /** Drop one user; the last one finalises the library (a later acquire initialises it again, same loaded module). */
  release(): void {
    if (this.users === 0) return;
    if (--this.users === 0) {
      this.logins.clear();
      try {
        this.p11.C_Finalize();
      } catch {
        // already finalised (e.g. by an outage probe): nothing left to release
      }
    }
  }

  get userCount(): number {
    return this.users;
  }

  /** Resolves when no re-initialisation is running; callers then count themselves in with `enter` synchronously. */
  async ready(): Promise<void> {
    while (this.recovering) await this.recovering.catch(() => undefined);
  }

  get isRecovering(): boolean {
    return this.recovering !== undefined;
  }

  enter(): void {
    this.inflight++;
  }

  leave(): void {
    if (--this.inflight === 0) this.drained?.();
  }

  /**
   * Re-initialise once for everyone who saw the connection die in `seenEpoch`: wait for in-flight calls to finish,
   * C_Finalize, C_Initialize. Callers that arrive while it runs, or after it already happened, just wait.
   */
  recover(seenEpoch: number): Promise<void> {
    if (this.recovering) return this.recovering;
    if (this.epoch !== seenEpoch) return Promise.resolve();
    this.recovering = (async () => {
      while (this.inflight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = undefined;
      this.reinitialize();
    })().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  /** C_Finalize + C_Initialize now; only safe when nothing is in flight (recover) or no one else uses the library. */
  reinitialize(): void {
    try {
      this.p11.C_Finalize();
    } catch {
      // CKR_CRYPTOKI_NOT_INITIALIZED: someone finalised it already, which is why we are here
    }
    this.logins.clear();
    this.epoch++;
    this.initialize();
  }

  private initialize(): void {
    // SoftHSM reads SOFTHSM2_CONF here and answers a missing file with a silent CKR_GENERAL_ERROR (§7 pitfall 18).
    const conf = process.env.SOFTHSM2_CONF;
    if (conf && /softhsm/i.test(this.path) && !existsSync(conf))
      throw new Pkcs11StartupError(`SOFTHSM2_CONF points to ${conf}, which does not exist`);
    try {
      this.p11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    } catch (err) {
      if (ckrOf(err) === 'CKR_CRYPTOKI_ALREADY_INITIALIZED') return;
      throw new Pkcs11StartupError(
        `PKCS#11 module ${this.path}: C_Initialize failed (${describe(err)})` +
          (/softhsm/i.test(this.path) ? '; for SoftHSM2 check that SOFTHSM2_CONF (or /etc/softhsm/softhsm2.conf) is readable' : ''),
      );
    }
  }
}

function load(path: string): P11 {
  const p11 = new pkcs11js.PKCS11();
  try {
    p11.load(path);
  } catch (err) {
    throw new Pkcs11StartupError(`PKCS#11 module ${path} could not be loaded: ${describe(err)}`);
  }
  return p11;
}
