/** Reading a request body, bounded: past `limit` bytes it is Request.TooLarge, and the rest is drained, not kept. */
import type { IncomingMessage } from 'node:http';
import { KmsError } from '../domain/errors';

/** A client that went away mid-request: nobody to answer, and nothing worth more than one log line. */
export class ClientGone extends Error {}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new KmsError('Request.TooLarge', String(limit)));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', (err: NodeJS.ErrnoException) => reject(new ClientGone(err.code ?? err.message)));
    req.on('aborted', () => reject(new ClientGone('aborted')));
  });
}
