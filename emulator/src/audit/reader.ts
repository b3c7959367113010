/**
 * Reading the audit log back (the console's Audit tab, tests): the last lines that match a key, a principal and an
 * account, read from the end of the file in blocks, so a long log costs what the answer needs rather than the whole
 * file (and at most `scanBytes` of it).
 */
import { open } from 'node:fs/promises';
import type { AuditLine } from './writer';

export interface AuditQuery {
  /** A key ID or key ARN: lines whose `keys` name it. */
  keyId?: string;
  /** A principal ARN (acs:ram::<account>:user/<name>, …) or its last part (`user/<name>`): lines of calls it made. */
  principal?: string;
  /** Lines of this account's calls only (a tenant's view). */
  accountId?: string;
  /** At most this many lines (the last ones). */
  limit: number;
  /** Read at most this many bytes back from the end (a filter matching nothing must not read a huge log whole). */
  scanBytes?: number;
}

const BLOCK = 64 * 1024;

/**
 * The last `limit` lines of `file` matching `query`, oldest first; none when the file does not exist yet. A line that is
 * not JSON (a torn write) is skipped.
 */
export async function readAudit(file: string, query: AuditQuery): Promise<AuditLine[]> {
  const found: AuditLine[] = [];
  if (query.limit <= 0) return found;
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!handle) return found;
  try {
    let end = (await handle.stat()).size;
    const stop = Math.max(0, end - (query.scanBytes ?? Infinity));
    let carry = Buffer.alloc(0); // the start of a line whose beginning lies in the next block back
    while (end > stop && found.length < query.limit) {
      const start = Math.max(stop, end - BLOCK);
      const block = Buffer.alloc(end - start);
      await handle.read(block, 0, block.length, start);
      const bytes = Buffer.concat([block, carry]);
      // Unless the scan's start was reached, the bytes before the first newline may be part of a line that began in the
      // block before: they are kept for the next round (a newline byte never occurs inside a UTF-8 character).
      const cut = start > stop ? bytes.indexOf(0x0a) : -1;
      if (start > stop && cut < 0) {
        carry = bytes;
        end = start;
        continue;
      }
      carry = cut < 0 ? Buffer.alloc(0) : bytes.subarray(0, cut);
      const lines = bytes
        .subarray(cut + 1)
        .toString('utf8')
        .split('\n');
      for (let n = lines.length - 1; n >= 0 && found.length < query.limit; n--) {
        const line = parse(lines[n]);
        if (line && matches(line, query)) found.push(line);
      }
      end = start;
    }
  } finally {
    await handle.close();
  }
  return found.reverse();
}

function parse(text: string): AuditLine | undefined {
  if (!text.trim()) return undefined;
  try {
    const value = JSON.parse(text) as AuditLine;
    return typeof value === 'object' && value !== null && Array.isArray(value.keys) ? value : undefined;
  } catch {
    return undefined;
  }
}

function matches(line: AuditLine, { keyId, principal, accountId }: AuditQuery): boolean {
  if (accountId !== undefined && line.accountId !== accountId) return false;
  if (principal && line.principal !== principal && !line.principal?.endsWith(`:${principal}`)) return false;
  if (keyId && !line.keys.some((arn) => arn === keyId || arn.endsWith(`:key/${keyId}`))) return false;
  return true;
}
