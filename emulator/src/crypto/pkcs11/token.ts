/**
 * One logged-in token: the slot found by label, an anchor session, a pool of sessions, and the handle cache.
 *
 * Rules from pkcs11-softhsm.md §5 that shape this file:
 * - Slot IDs are renumbered from the token serial, so the slot is always looked up by label; a token created after
 *   C_Initialize stays invisible until the library is re-initialised, so a missing label re-initialises once.
 * - Closing the last session logs the application out and invalidates every object handle, so an anchor session stays
 *   open and logged in for the connection's life. Login is per application: C_Login on a second connection answers
 *   CKR_USER_ALREADY_LOGGED_IN, which is accepted only with the PIN that did log in.
 * - One operation per session, and CKR_BUFFER_TOO_SMALL / CKR_ARGUMENTS_BAD leave the operation active, so every
 *   operation borrows its own pool session and a session that saw a PKCS#11 error is closed, not reused.
 * - C_FindObjects is O(objects) in SoftHSM's file store (48 ms with 2000 keys), so handles are cached by CKA_ID.
 *   The cache dies with the epoch; a stale handle clears it and the operation runs once more.
 * - Connection-class errors re-initialise the library once (drained first) and retry the operation once.
 *   CKR_PIN_INCORRECT is never retried: real HSMs lock the PIN after a few tries.
 */
import * as pkcs11js from 'pkcs11js';
import { ckrOf, describe, isConnectionLost, isStaleHandle, Pkcs11KeyMissing, Pkcs11StartupError } from './errors';
import { Pkcs11Library, type P11 } from './module';

export type Handle = Buffer;

export interface TokenOptions {
  /** Path of the PKCS#11 module (.so), e.g. /usr/lib/softhsm/libsofthsm2.so. */
  readonly module: string;
  /** Token label (CKA_LABEL of the token, without the padding). */
  readonly token: string;
  /** User PIN. */
  readonly pin: string;
  /** Pool size: sessions used in parallel (one operation each); default 4 (pkcs11-softhsm.md §4). */
  readonly sessions?: number;
}

interface Session {
  readonly handle: Handle;
  readonly epoch: number;
}

export class Token {
  readonly p11: P11;
  private slot!: Handle;
  private anchor?: Handle;
  private epoch = -1;
  private idle: Session[] = [];
  private opened = 0;
  private waiters: (() => void)[] = [];
  private readonly handles = new Map<string, Handle>();
  private closed = false;

  private constructor(
    private readonly lib: Pkcs11Library,
    private readonly options: TokenOptions,
  ) {
    this.p11 = lib.p11;
  }

  /** Loads the module, finds the token and logs in; throws Pkcs11StartupError with the reason. */
  static open(options: TokenOptions): Token {
    const lib = Pkcs11Library.acquire(options.module);
    const token = new Token(lib, options);
    try {
      token.connect();
    } catch (err) {
      lib.release();
      throw err;
    }
    return token;
  }

  get label(): string {
    return this.options.token;
  }

  /**
   * Runs `op` on a pool session. Reconnects (once) when the connection was lost, re-resolves handles (once) when a
   * cached one went stale; any other error reaches the caller with its CKR name for the backend to translate.
   */
  async run<T>(op: (session: Handle) => Promise<T> | T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const session = await this.acquire();
      try {
        const result = await op(session.handle);
        this.release(session, true);
        return result;
      } catch (err) {
        const ckr = ckrOf(err);
        this.release(session, ckr === undefined); // our own errors (validation, missing key) leave the session clean
        if (attempt === 0 && isConnectionLost(ckr)) {
          await this.lib.recover(session.epoch);
          continue;
        }
        if (attempt === 0 && isStaleHandle(ckr)) {
          this.handles.clear();
          continue;
        }
        throw err;
      }
    }
  }

  /** The token object with this CKA_ID and class, from the cache or one C_FindObjects. */
  find(session: Handle, id: string, objectClass: number): Handle {
    const cacheKey = `${id}/${objectClass}`;
    const cached = this.handles.get(cacheKey);
    if (cached) return cached;
    const [handle] = this.findAll(session, [
      { type: pkcs11js.CKA_ID, value: Buffer.from(id, 'hex') },
      { type: pkcs11js.CKA_CLASS, value: objectClass },
      { type: pkcs11js.CKA_TOKEN, value: true },
    ]);
    if (!handle) throw new Pkcs11KeyMissing(`PKCS#11 key ${id} is not in token "${this.label}" (deleted outside the emulator?)`);
    this.handles.set(cacheKey, handle);
    return handle;
  }

  remember(id: string, objectClass: number, handle: Handle): void {
    this.handles.set(`${id}/${objectClass}`, handle);
  }

  /** Every token object with this CKA_ID (any class), for deletion; forgets their cached handles. */
  findEvery(session: Handle, id: string): Handle[] {
    for (const k of [...this.handles.keys()]) if (k.startsWith(`${id}/`)) this.handles.delete(k);
    return this.findAll(session, [
      { type: pkcs11js.CKA_ID, value: Buffer.from(id, 'hex') },
      { type: pkcs11js.CKA_TOKEN, value: true },
    ]);
  }

  /** Closes this connection's sessions; the last connection in the process finalises the library. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.epoch === this.lib.epoch) for (const s of [...this.idle.map((i) => i.handle), this.anchor]) if (s) this.closeQuietly(s);
    this.idle = [];
    this.lib.release();
  }

  private findAll(session: Handle, template: pkcs11js.Template): Handle[] {
    this.p11.C_FindObjectsInit(session, template);
    try {
      return this.p11.C_FindObjects(session, 16);
    } finally {
      this.p11.C_FindObjectsFinal(session);
    }
  }

  private async acquire(): Promise<Session> {
    for (;;) {
      if (this.closed) throw new Error(`PKCS#11 token "${this.label}": backend closed`);
      await this.lib.ready();
      if (this.lib.isRecovering) continue;
      // From here to enter() nothing awaits, so a re-initialisation cannot start in between.
      if (this.epoch !== this.lib.epoch) this.connect();
      const session = this.idle.pop() ?? (this.opened < (this.options.sessions ?? 4) ? this.openSession() : undefined);
      if (session) {
        this.lib.enter();
        return session;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private release(session: Session, healthy: boolean): void {
    this.lib.leave();
    if (session.epoch === this.epoch) {
      if (healthy) this.idle.push(session);
      else {
        this.closeQuietly(session.handle);
        this.opened--;
      }
    }
    this.waiters.shift()?.();
  }

  private openSession(): Session {
    const handle = this.p11.C_OpenSession(this.slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    this.opened++;
    return { handle, epoch: this.epoch };
  }

  private closeQuietly(session: Handle): void {
    try {
      this.p11.C_CloseSession(session);
    } catch {
      // already invalid: closing is only tidying up
    }
  }

  /** (Re)connects for the library's current epoch: slot by label, anchor session, login; empties pool and cache. */
  private connect(): void {
    this.idle = [];
    this.opened = 0;
    this.handles.clear();
    this.anchor = undefined;
    this.slot = this.findSlot();
    const anchor = this.p11.C_OpenSession(this.slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    this.login(anchor);
    this.anchor = anchor;
    this.epoch = this.lib.epoch;
  }

  private findSlot(): Handle {
    for (let attempt = 0; ; attempt++) {
      const labels: string[] = [];
      for (const slot of this.p11.C_GetSlotList(true)) {
        let label: string;
        try {
          label = this.p11.C_GetTokenInfo(slot).label.trim();
        } catch {
          continue; // an uninitialised or failing slot
        }
        if (label === this.label) return slot;
        labels.push(label);
      }
      // A token created after C_Initialize is invisible until re-initialisation; only safe when no one else uses it.
      if (attempt === 0 && this.lib.userCount === 1) {
        this.lib.reinitialize();
        continue;
      }
      const present = labels.filter((l) => l !== '').map((l) => `"${l}"`);
      throw new Pkcs11StartupError(
        `PKCS#11 token "${this.label}" not found in module ${this.options.module} (tokens present: ${present.join(', ') || 'none'}); ` +
          'check --pkcs11-token / ALIKMS_PKCS11_TOKEN' +
          (process.env.SOFTHSM2_CONF ? ` and SOFTHSM2_CONF=${process.env.SOFTHSM2_CONF}` : ''),
      );
    }
  }

  private login(anchor: Handle): void {
    const { pin } = this.options;
    try {
      this.p11.C_Login(anchor, pkcs11js.CKU_USER, pin);
      this.lib.logins.set(this.label, pin);
    } catch (err) {
      const ckr = ckrOf(err);
      const known = this.lib.logins.get(this.label);
      if (ckr === 'CKR_USER_ALREADY_LOGGED_IN' && (known === undefined || known === pin)) return;
      this.closeQuietly(anchor);
      if (ckr === 'CKR_PIN_INCORRECT' || ckr === 'CKR_USER_ALREADY_LOGGED_IN')
        throw new Pkcs11StartupError(
          `PKCS#11 login to token "${this.label}" failed: wrong PIN (CKR_PIN_INCORRECT); check --pkcs11-pin / ALIKMS_PKCS11_PIN. ` +
            'Not retried: a real HSM locks the PIN after a few wrong tries.',
        );
      if (ckr === 'CKR_PIN_LOCKED') throw new Pkcs11StartupError(`PKCS#11 token "${this.label}": the user PIN is locked (CKR_PIN_LOCKED)`);
      throw new Pkcs11StartupError(`PKCS#11 login to token "${this.label}" failed: ${describe(err)}`);
    }
  }
}
