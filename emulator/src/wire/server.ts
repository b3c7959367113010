/**
 * The KMS endpoint: one path, dispatched by action with no router on the hot path.
 *   read body -> decode params -> route (version, action) -> verify signature -> scope -> validate -> handle -> reply
 * Every failure becomes Alibaba's error envelope here and nowhere else; an unexpected exception is logged and answered
 * as InternalFailure, and never takes the process down.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Action } from '../api/action';
import { REGISTRY } from '../api/registry';
import { KmsError, missing } from '../domain/errors';
import { newRequestId } from '../domain/ids';
import type { Kms } from '../domain/kms';
import { LIMITS } from '../domain/limits';
import type { Authenticator } from './auth';
import { sendError, sendJson } from './envelope';
import { decodeInto, emptyRecord, nest, type Params } from './params';
import { validationError } from './validate';

export interface WireOptions {
  kms: Kms;
  auth: Authenticator;
  defaultRegion: string;
  /** Requests under /_alikms/ (admin endpoints) go here. */
  admin?: RequestListener;
  log?: (message: string) => void;
}

const HOST_REGION = /^kms(?:-vpc)?\.([a-z0-9-]+)\.aliyuncs\.com(?::\d+)?$/;
const SIGNING_PARAMS = new Set([
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'SignatureType',
  'Timestamp',
  'AccessKeyId',
  'SecurityToken',
  'Format',
  'Version',
  'Action',
]);

export function kmsRequestListener(opts: WireOptions): RequestListener {
  return (req, res) => {
    // Admin requests read their own (JSON) body, so they leave before ours is consumed.
    if (opts.admin && req.url?.startsWith('/_alikms/')) return opts.admin(req, res);
    const requestId = newRequestId();
    readBody(req, LIMITS.requestBodyBytes)
      .then((body) => handle(opts, req, res, body, requestId))
      .catch((err: unknown) => {
        if (res.headersSent) return;
        const known = err instanceof KmsError;
        if (!known) opts.log?.(`request ${requestId} failed: ${err instanceof Error ? err.stack : String(err)}`);
        sendError(res, known ? err : new KmsError('InternalFailure'), requestId, opts.defaultRegion);
      });
  };
}

async function handle(opts: WireOptions, req: IncomingMessage, res: ServerResponse, body: Buffer, requestId: string) {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path !== '/') throw new KmsError('InvalidApi.NotFound');
  if (req.method !== 'GET' && req.method !== 'POST') throw new KmsError('UnsupportedHTTPMethod');

  const query = emptyRecord<string>();
  decodeInto(query, q < 0 ? '' : url.slice(q + 1));
  const params = Object.assign(emptyRecord<string>(), query);
  if (body.length > 0 && (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded'))
    decodeInto(params, body.toString('utf8'));

  const action = routeOf(params, req);
  const accessKey = opts.auth.verify({ method: req.method, path, headers: req.headers, query, params, body });
  const regionId = regionOf(params, req, opts.defaultRegion);
  if (!opts.kms.regions.includes(regionId)) throw new KmsError('InvalidParameter', 'RegionId');

  const input = nest(businessParams(params));
  const dryRun = action.check !== undefined && /^true$/i.test(params.DryRun ?? '');
  const parsed = action.input.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, input, dryRun);
  const ctx = { kms: opts.kms, scope: { accountId: accessKey.accountId, regionId }, requestId };
  if (dryRun) {
    await action.check!(parsed.data, ctx);
    throw new KmsError('DryRunOperationError');
  }
  const result = await action.handle(parsed.data, ctx);
  sendJson(res, 200, { RequestId: requestId, ...result }, requestId);
}

function routeOf(params: Params, req: IncomingMessage): Action {
  const name = params.Action ?? header(req, 'x-acs-action');
  const version = params.Version ?? header(req, 'x-acs-version');
  if (!name) throw missing('Action');
  if (!version) throw missing('Version');
  const actions = REGISTRY.get(version);
  if (!actions) throw new KmsError('InvalidVersion');
  const action = actions.get(name);
  if (!action) throw new KmsError('InvalidApi.NotFound');
  return action;
}

function regionOf(params: Params, req: IncomingMessage, fallback: string): string {
  if (params.RegionId) return params.RegionId;
  const m = HOST_REGION.exec(req.headers.host ?? '');
  return m ? m[1] : fallback;
}

/** Parameters an action sees: not the signing ones, and an empty value counts as absent (as the SDKs mean it). */
function businessParams(params: Params): Params {
  const out = emptyRecord<string>();
  for (const k in params) if (params[k] !== '' && !SIGNING_PARAMS.has(k)) out[k] = params[k];
  return out;
}

const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return typeof v === 'string' && v ? v : undefined;
};

/** The whole body, or Request.TooLarge once it passes `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
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
    req.on('error', reject);
  });
}
