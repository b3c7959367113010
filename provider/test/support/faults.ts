/**
 * A pass-through HTTP proxy in front of the emulator that makes chosen API calls fail, for tests of what the provider
 * does when the cloud refuses a step half way (a purchase that succeeded, then a connection that did not). Requests
 * are forwarded byte for byte (so signatures stay valid); a call named in `fail` gets the cloud's JSON error envelope
 * instead, as many times as asked.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultProxy {
  endpoint: string;
  /** The next `times` calls of `action` fail with `code` (HTTP 400 unless `status`). */
  fail(action: string, code: string, times?: number, status?: number): void;
  /** Actions seen, in order (the openapi client names them in x-acs-action). */
  readonly seen: string[];
  stop(): Promise<void>;
}

const actionOf = (req: IncomingMessage) => String(req.headers['x-acs-action'] ?? '');

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const faults = new Map<string, { code: string; times: number; status: number }>();
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    const action = actionOf(req);
    seen.push(action);
    const fault = faults.get(action);
    if (fault && fault.times > 0) {
      fault.times--;
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Code: fault.code, Message: `injected failure of ${action}`, RequestId: 'fault-injected' }));
      return;
    }
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    fail(action, code, times = 1, status = 400) {
      faults.set(action, { code, times, status });
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
