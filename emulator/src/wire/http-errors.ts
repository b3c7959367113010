/**
 * Requests Node's HTTP parser refuses before any listener sees them (a garbled request line or header, a header block
 * over the limit, a method token it does not know, a body after `Connection: close`, headers that arrive too slowly)
 * and CONNECT requests would otherwise get Node's bare, body-less `400` or a closed socket. The SDKs read the error from
 * a JSON body (kms-openapi.md §2.7), so these get the same error envelope as every other failure, then the connection
 * closes. On a pipelined connection the requests before the bad one are answered first, in order; a HEAD gets no body.
 */
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { KmsError } from '../domain/errors';
import { newRequestId } from '../domain/ids';
import { errorBody } from './envelope';
import { statusOf } from './status';

/** Responses a connection still owes, its latest request, and who waits for the responses to be sent. */
interface Owed {
  count: number;
  latest?: IncomingMessage;
  then: Array<() => void>;
}

export function answerUnparsableRequests(server: Server, regionId: string, log?: (message: string) => void): void {
  const owed = new WeakMap<Duplex, Owed>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const o = owed.get(socket) ?? { count: 0, then: [] };
    owed.set(socket, o);
    o.count++;
    o.latest = req;
    res.once('close', () => {
      if (--o.count === 0) for (const next of o.then.splice(0)) next();
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    // The client is gone (or we already answered); there is no one to tell.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      if (err.code === 'ECONNRESET') log?.('a client went away mid-request (ECONNRESET)');
      return void socket.destroy();
    }
    const answer = () => writeError(socket, errorFor(err.code), regionId, err.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ');
    // A request whose body is still arriving is the one the error is about: it is answered now. Otherwise the error is
    // about a request after those in flight, which are answered first.
    const o = owed.get(socket);
    if (o && o.count > 0 && o.latest?.complete !== false) o.then.push(answer);
    else answer();
  });
  // KMS has no tunnels; without this listener Node would just drop the connection.
  server.on('connect', (_req, socket: Duplex) => writeError(socket, new KmsError('UnsupportedHTTPMethod'), regionId, false));
}

function errorFor(parserCode: string | undefined): KmsError {
  switch (parserCode) {
    case 'HPE_HEADER_OVERFLOW':
      return new KmsError('Request.HeaderTooLarge');
    case 'HPE_INVALID_METHOD':
      return new KmsError('UnsupportedHTTPMethod');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new KmsError('Request.Timeout');
    default:
      return new KmsError('ParseRequestParameterException');
  }
}

/** A whole HTTP/1.1 response written straight to the socket (there is no ServerResponse for an unparsed request). */
function writeError(socket: Duplex, err: KmsError, regionId: string, head: boolean): void {
  if (!socket.writable) return;
  const requestId = newRequestId();
  const body = JSON.stringify(errorBody(err, requestId, regionId));
  socket.end(
    `HTTP/1.1 ${statusOf(err)} ${STATUS_CODES[statusOf(err)] ?? 'Error'}\r\n` +
      'content-type: application/json;charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-acs-request-id: ${requestId}\r\n` +
      'connection: close\r\n\r\n' +
      (head ? '' : body),
  );
}
