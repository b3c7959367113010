/**
 * One listening HTTP server for the KMS endpoint, with the settings every port of the emulator shares: timeouts for
 * slow clients, the header size limit, and the error envelope for what Node's parser refuses.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LIMITS } from '../domain/limits';
import { answerUnparsableRequests } from './http-errors';

export interface HttpOptions {
  host: string;
  port: number;
  /** Region for the envelope of requests that never reach the listener. */
  region: string;
  timeouts?: { headersMs?: number; requestMs?: number };
  log?: (message: string) => void;
}

export interface Listening {
  readonly port: number;
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function listenHttp(listener: RequestListener, o: HttpOptions): Promise<Listening> {
  // requireHostHeader off: Node would answer an HTTP/1.1 request without Host itself, with a bare body-less 400;
  // ours gets the error envelope like any other bad request (and the default region, as there is no host to read).
  // maxHeaderSize: the SDKs put every parameter in the URL, so a 32 KiB key policy (percent-encoded, up to ~3x) or an
  // 8 KiB SM2 ciphertext must fit in the request line, past Node's 16 KiB default. Node's limit is 8x ours: the
  // request listener enforces ours (wire/server.ts), where it knows the method.
  const server = createServer(
    {
      keepAliveTimeout: 65_000,
      requireHostHeader: false,
      maxHeaderSize: 8 * LIMITS.requestHeaderBytes,
      connectionsCheckingInterval: 1000,
    },
    listener,
  );
  // Slow clients: the headers within 10 s, the whole request within 60 s, checked every second (Node checks every
  // 30 s by default, which would let a slow-header socket live for up to 40 s).
  server.headersTimeout = o.timeouts?.headersMs ?? 10_000;
  server.requestTimeout = o.timeouts?.requestMs ?? 60_000;
  answerUnparsableRequests(server, o.region, o.log);
  await listen(server, o.port, o.host);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    endpoint: `http://${o.host}:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
