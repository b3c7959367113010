/**
 * Where used request nonces outlive the process: without it a signed request refused as SignatureNonceUsed would be
 * accepted again after a restart, or by another emulator sharing the database. The ledger keeps what the signature
 * check needs for its timestamp window (15 minutes, LIMITS.signatureSkewSeconds): older nonces cannot be replayed
 * anyway, as their timestamps are out of the window by then, so they are pruned.
 *
 * A nonce is recorded as the 64-bit fingerprint the in-memory window uses (wire/nonces.ts), with the second it was
 * claimed. The embedded store appends them to two files beside the state file (`nonces.current`, `nonces.previous`,
 * rotated with the in-memory tables); PostgreSQL keeps them in `alikms_nonces`, where a claim is one INSERT, so two
 * emulators cannot both accept one nonce.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_FILE_MODE } from './files';

export interface NonceLedger {
  /** The fingerprints claimed since `sinceSeconds` (epoch seconds), loaded at start into the in-memory window. */
  load(sinceSeconds: number): Promise<Array<readonly [number, number]>>;
  /**
   * Records a claim; resolves once it is durable (as durable as the store's writes). False when another process
   * sharing the ledger has claimed the same fingerprint within the window.
   */
  record(hi: number, lo: number, atSeconds: number): Promise<boolean>;
  /** The in-memory window started a new table: older claims may go. */
  rotate(): void;
  close(): Promise<void>;
}

const ENTRY = 12; // hi u32, lo u32, at u32 (epoch seconds)

/**
 * Append-only files for one process. Claims are batched: all of one event-loop turn are written with one write
 * before any of them resolves, so under load a request pays a share of one small write.
 */
export class FileNonceLedger implements NonceLedger {
  private fd: number;
  private pending: Buffer[] = [];
  private waiting: Array<() => void> = [];
  private flushing = false;

  constructor(private readonly dir: string) {
    this.fd = openSync(this.file('current'), 'a', SECRET_FILE_MODE);
  }

  private file(which: 'current' | 'previous') {
    return join(this.dir, `nonces.${which}`);
  }

  async load(sinceSeconds: number) {
    const out: Array<readonly [number, number]> = [];
    for (const which of ['previous', 'current'] as const) {
      if (!existsSync(this.file(which))) continue;
      const data = readFileSync(this.file(which));
      // A crash mid-append can leave a partial last entry: whole entries only.
      for (let at = 0; at + ENTRY <= data.length; at += ENTRY)
        if (data.readUInt32LE(at + 8) >= sinceSeconds) out.push([data.readUInt32LE(at), data.readUInt32LE(at + 4)]);
    }
    return out;
  }

  record(hi: number, lo: number, atSeconds: number): Promise<boolean> {
    const entry = Buffer.allocUnsafe(ENTRY);
    entry.writeUInt32LE(hi, 0);
    entry.writeUInt32LE(lo, 4);
    entry.writeUInt32LE(atSeconds >>> 0, 8);
    this.pending.push(entry);
    const done = new Promise<boolean>((resolve) => this.waiting.push(() => resolve(true)));
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
    return done;
  }

  private flush(): void {
    const batch = Buffer.concat(this.pending);
    const waiting = this.waiting;
    this.pending = [];
    this.waiting = [];
    this.flushing = false;
    // Synchronous on purpose: a few hundred bytes into the page cache, and a reply must not leave before its nonce is
    // written (what survives a kill -9 is what reached the kernel).
    writeSync(this.fd, batch);
    for (const resolve of waiting) resolve();
  }

  rotate(): void {
    if (this.pending.length > 0) this.flush();
    closeSync(this.fd);
    renameSync(this.file('current'), this.file('previous'));
    this.fd = openSync(this.file('current'), 'a', SECRET_FILE_MODE);
  }

  async close(): Promise<void> {
    if (this.pending.length > 0) this.flush();
    closeSync(this.fd);
  }
}
