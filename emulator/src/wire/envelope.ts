/**
 * The JSON bodies every reply uses. Success: the action's fields plus RequestId. Error: Alibaba's envelope
 * (RequestId, HostId, Code, Message, Recommend) with the code's HTTP status; all three SDK families read Code,
 * Message and RequestId from it (kms-openapi.md §2.7).
 */
import type { ServerResponse } from 'node:http';
import type { KmsError } from '../domain/errors';
import { headersOf, statusOf } from './status';

const JSON_TYPE = 'application/json;charset=utf-8';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-acs-request-id': requestId,
    ...headers,
  });
  res.end(text);
}

export function errorBody(err: KmsError, requestId: string, regionId: string) {
  return {
    RequestId: requestId,
    HostId: `kms.${regionId}.aliyuncs.com`,
    Code: err.code,
    Message: err.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(err.code)}&product=Kms`,
  };
}

export function sendError(res: ServerResponse, err: KmsError, requestId: string, regionId: string): void {
  sendJson(res, statusOf(err), errorBody(err, requestId, regionId), requestId, headersOf(err));
}
