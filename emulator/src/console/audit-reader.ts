/**
 * Reading the audit log (`--audit-log`, written by the API layer: one JSON object per line) for the Audit tab: the
 * latest entries first, filtered by key and principal. The file is read backwards from its end in chunks, so a long
 * log costs what the page shows, up to a bound on how far back one look goes.
 *
 * A local reader against the log's documented fields; the writer's own `readAudit` replaces it when both are merged.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface AuditEntry {
  readonly time: string;
  readonly requestId: string;
  readonly accountId?: string;
  readonly principal?: string;
  readonly accessKeyId?: string;
  readonly sourceIp?: string;
  readonly action?: string;
  /** ARNs of the keys the call touched. */
  readonly keys?: readonly string[];
  /** Absent on success. */
  readonly code?: string;
  readonly status: number;
  readonly latencyMs: number;
}

export interface AuditQuery {
  /** A key ID (or ARN) among the entry's keys. */
  readonly keyId?: string;
  /** Part of the principal's ARN (`user/intern`, or the whole ARN). */
  readonly principal?: string;
  /** Entries of this account only. */
  readonly accountId?: string;
  readonly limit: number;
}

const CHUNK_BYTES = 64 * 1024;
/** How far back one look reads at most. */
const MAX_SCAN_BYTES = 16 * 1024 * 1024;

/** The latest entries matching `query`, newest first; none when the file does not exist yet. */
export async function readAudit(file: string, query: AuditQuery): Promise<AuditEntry[]> {
  let fd: FileHandle;
  try {
    fd = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const out: AuditEntry[] = [];
    let end = (await fd.stat()).size;
    const stop = Math.max(0, end - MAX_SCAN_BYTES);
    let carry = Buffer.alloc(0);
    while (end > stop && out.length < query.limit) {
      const start = Math.max(stop, end - CHUNK_BYTES);
      const chunk = Buffer.alloc(end - start);
      await fd.read(chunk, 0, chunk.length, start);
      const text = Buffer.concat([chunk, carry]);
      end = start;
      // The chunk's first line may have begun in the one before it: it waits for that one (split as bytes, not text).
      const cut = start > stop ? text.indexOf(0x0a) + 1 : 0;
      if (start > stop && cut === 0) {
        carry = text;
        continue;
      }
      carry = text.subarray(0, Math.max(0, cut - 1));
      const lines = text.subarray(cut).toString('utf8').split('\n');
      for (let i = lines.length - 1; i >= 0 && out.length < query.limit; i--) {
        const entry = parse(lines[i]);
        if (entry && matches(entry, query)) out.push(entry);
      }
    }
    return out;
  } finally {
    await fd.close();
  }
}

function parse(line: string): AuditEntry | undefined {
  if (!line.trim()) return undefined;
  try {
    const value = JSON.parse(line) as AuditEntry;
    return typeof value === 'object' && value !== null && typeof value.time === 'string' ? value : undefined;
  } catch {
    return undefined; // a line cut off by a crash, or not ours
  }
}

function matches(e: AuditEntry, q: AuditQuery): boolean {
  if (q.accountId !== undefined && e.accountId !== q.accountId) return false;
  if (q.principal && !(e.principal ?? '').includes(q.principal)) return false;
  if (q.keyId && !(e.keys ?? []).some((arn) => arn === q.keyId || arn.endsWith(`:key/${q.keyId}`))) return false;
  return true;
}
