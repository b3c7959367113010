/**
 * The audit log (`alikms serve --audit-log <file>`): one JSON line per KMS API call, in the spirit of ActionTrail —
 * when, which request, which account and identity with which access key from where, which action on which keys, and
 * how it ended. It is built from the same per-request record as the request log (wire/server.ts RequestRecord), which
 * holds no parameter value, so no plaintext, secret, signature or key material can reach it.
 *
 * The file is created 0600 (and made 0600 if it existed). Lines are batched: one write per event-loop turn at most,
 * so a busy emulator pays one system call per turn rather than one per request. A failed write is reported once (until
 * a write works again) and its lines are dropped: auditing never stops or crashes the emulator.
 */
import { closeSync, fchmodSync, fstatSync, openSync, write, writeSync } from 'node:fs';
import type { RequestRecord } from '../wire/server';

/** One line of the audit log. */
export interface AuditLine {
  /** ISO 8601, milliseconds. */
  time: string;
  requestId: string;
  accountId?: string;
  /** acs:ram::<account>:root, or :user/<name> / :role/<name> for a RAM identity. */
  principal?: string;
  accessKeyId?: string;
  sourceIp: string;
  action?: string;
  /** ARNs of the keys the call named, whether it was allowed or not. */
  keys: string[];
  /** The error code; absent when the call succeeded. */
  code?: string;
  status: number;
  latencyMs: number;
}

export function auditLine(r: RequestRecord): AuditLine {
  return {
    time: new Date(r.time).toISOString(),
    requestId: r.requestId,
    ...(r.accountId !== undefined && { accountId: r.accountId }),
    ...(r.principal !== undefined && { principal: r.principal }),
    ...(r.accessKeyId !== undefined && { accessKeyId: r.accessKeyId }),
    sourceIp: r.sourceIp,
    ...(r.action !== undefined && { action: r.action }),
    keys: r.keys ?? [],
    ...(r.code !== undefined && { code: r.code }),
    status: r.status,
    latencyMs: Math.round(r.latencyMs * 10) / 10,
  };
}

export class AuditLog {
  private pending: string[] = [];
  private scheduled = false;
  private writing = false;
  private failing = false;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly fd: number,
    private readonly log: (message: string) => void,
  ) {}

  /** Opens `file` for appending (created 0600); throws, naming the file, when it cannot be opened. */
  static open(file: string, log: (message: string) => void = (m) => console.error(m)): AuditLog {
    try {
      const fd = openSync(file, 'a', 0o600);
      if (fstatSync(fd).isFile()) fchmodSync(fd, 0o600); // not a pipe or device someone pointed it at
      return new AuditLog(file, fd, log);
    } catch (err) {
      throw new Error(`audit log ${file}: ${(err as Error).message}`);
    }
  }

  /** The request observer: queues the call's line for this turn's write. */
  readonly record = (r: RequestRecord): void => {
    if (this.closed) return;
    this.pending.push(JSON.stringify(auditLine(r)) + '\n');
    if (!this.scheduled && !this.writing) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  };

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(''));
    this.pending = [];
    this.writing = true;
    this.writeAll(data, 0);
  };

  private writeAll(data: Buffer, offset: number): void {
    write(this.fd, data, offset, data.length - offset, null, (err, written) => {
      if (!err && offset + written < data.length) return this.writeAll(data, offset + written);
      this.writing = false;
      if (err && !this.failing) this.log(`audit log ${this.file}: write failed, lines dropped until writes work again (${err.message})`);
      this.failing = err !== null;
      if (this.pending.length > 0) this.flush();
    });
  }

  /** Writes what is queued (after any write in progress) and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.writing) await new Promise((resolve) => setImmediate(resolve));
    try {
      if (this.pending.length > 0) writeSync(this.fd, this.pending.join(''));
    } catch (err) {
      this.log(`audit log ${this.file}: write failed at close (${(err as Error).message})`);
    }
    this.pending = [];
    closeSync(this.fd);
  }
}
