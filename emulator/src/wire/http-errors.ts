/**
 * Requests Node's HTTP parser refuses before any listener sees them (a garbled request line or header, a header block
 * over Node's 16 KiB limit, a method token it does not know, a body after `Connection: close`) and CONNECT requests
 * would otherwise get Node's bare, body-less `400` or a closed socket. The SDKs read the error from a JSON body
 * (kms-openapi.md §2.7), so these get the same error envelope as every other failure, then the connection closes.
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { KmsError } from '../domain/errors';
import { newRequestId } from '../domain/ids';
import { errorBody } from './envelope';
import { statusOf } from './status';

export function answerUnparsableRequests(server: Server, regionId: string): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // The client is gone (or we already answered); there is no one to tell.
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    writeError(socket, errorFor(err.code), regionId);
  });
  // KMS has no tunnels; without this listener Node would just drop the connection.
  server.on('connect', (_req, socket: Duplex) => writeError(socket, new KmsError('UnsupportedHTTPMethod'), regionId));
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
function writeError(socket: Duplex, err: KmsError, regionId: string): void {
  const requestId = newRequestId();
  const body = JSON.stringify(errorBody(err, requestId, regionId));
  socket.end(
    `HTTP/1.1 ${statusOf(err)} ${STATUS_CODES[statusOf(err)] ?? 'Error'}\r\n` +
      'content-type: application/json;charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-acs-request-id: ${requestId}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}
