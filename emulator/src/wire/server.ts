/**
 * The KMS endpoint: one path, dispatched by action with no router on the hot path.
 *   read body -> decode params -> route (version, action) -> verify signature -> scope -> validate -> handle -> reply
 * Every failure becomes Alibaba's error envelope here and nowhere else; an unexpected exception is logged and answered
 * as InternalFailure, and never takes the process down. Each answered request is reported once to `observe` (the
 * request log, and whatever else watches the API), with nothing secret in it.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Action } from '../api/action';
import { REGISTRY } from '../api/registry';
import { KmsError, missing } from '../domain/errors';
import { newRequestId } from '../domain/ids';
import type { Kms } from '../domain/kms';
import { LIMITS } from '../domain/limits';
import { schemeOf, type Authenticator } from './auth';
import { ClientGone, readBody } from './body';
import { sendError, sendJson } from './envelope';
import { statusOf } from './status';
import { decodeInto, emptyRecord, nest, type Params } from './params';
import { validationError } from './validate';

export interface WireOptions {
  kms: Kms;
  auth: Authenticator;
  defaultRegion: string;
  /** Requests under /_alikms/ (admin endpoints) go here. */
  admin?: RequestListener;
  /** Requests for /console and under /console/ (the web console) go here. */
  console?: RequestListener;
  log?: (message: string) => void;
  /** Called once per answered request. */
  observe?: (record: RequestRecord) => void;
}

/** One KMS API request, as the request log (and audit and metrics) see it: never a parameter value or a secret. */
export interface RequestRecord {
  readonly time: number;
  readonly requestId: string;
  readonly sourceIp: string;
  action?: string;
  accountId?: string;
  /** The caller's ARN: the account (acs:ram::<account>:root), or one of its RAM users or roles. */
  principal?: string;
  accessKeyId?: string;
  regionId?: string;
  /** The ARNs of the keys the call named (another account's too), whether it was allowed or not. */
  keys?: string[];
  /** Set when the request failed: the error code. */
  code?: string;
  status: number;
  latencyMs: number;
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
    // Node's parser takes up to 8x our header limit, so that this check, which knows the method (a HEAD answer has
    // no body), refuses almost every oversized request rather than the parser's error path, which does not.
    if (headerBytes(req) > LIMITS.requestHeaderBytes) {
      req.resume();
      res.shouldKeepAlive = false;
      return sendError(res, new KmsError('Request.HeaderTooLarge'), newRequestId(), opts.defaultRegion);
    }
    // Admin requests read their own (JSON) body, so they leave before ours is consumed.
    if (opts.admin && req.url?.startsWith('/_alikms/')) return opts.admin(req, res);
    if (opts.console && isConsolePath(req.url)) return opts.console(req, res);
    const started = performance.now();
    const record: RequestRecord = {
      time: Date.now(),
      requestId: newRequestId(),
      sourceIp: req.socket.remoteAddress ?? '',
      status: 200,
      latencyMs: 0,
    };
    const done = () => {
      record.latencyMs = performance.now() - started;
      opts.observe?.(record);
    };
    readBody(req, LIMITS.requestBodyBytes)
      .then((body) => handle(opts, req, res, body, record))
      .then(done, (err: unknown) => {
        if (err instanceof ClientGone) return void opts.log?.(`request ${record.requestId}: the client went away (${err.message})`);
        if (res.headersSent) return;
        const known = err instanceof KmsError;
        if (!known) opts.log?.(`request ${record.requestId} failed: ${err instanceof Error ? err.stack : String(err)}`);
        const answer = known ? err : new KmsError('InternalFailure');
        record.code = answer.code;
        record.status = statusOf(answer);
        sendError(res, answer, record.requestId, record.regionId ?? opts.defaultRegion);
        done();
      });
  };
}

async function handle(opts: WireOptions, req: IncomingMessage, res: ServerResponse, body: Buffer, record: RequestRecord) {
  const requestId = record.requestId;
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
  record.action = action.name;
  const accessKey = await opts.auth.verify({ method: req.method, path, headers: req.headers, query, params, body });
  const caller = opts.auth.callerOf(accessKey);
  record.accountId = accessKey.accountId;
  record.principal = caller.principal;
  record.accessKeyId = accessKey.id;
  const regionId = regionOf(params, req, opts.defaultRegion);
  if (!opts.kms.regions.includes(regionId)) throw new KmsError('InvalidParameter', 'RegionId');
  record.regionId = regionId;

  const input = nest(businessParams(params));
  const dryRun = action.check !== undefined && /^true$/i.test(params.DryRun ?? '');
  const parsed = action.input.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, input, dryRun);
  const scope = { accountId: accessKey.accountId, regionId };
  const touched = (arn: string) => void ((record.keys ??= []).includes(arn) || record.keys.push(arn));
  const ctx = { kms: opts.kms, scope, access: { scope, caller, action: action.name, touched }, requestId };
  if (dryRun) {
    await action.check!(parsed.data, ctx);
    throw new KmsError('DryRunOperationError');
  }
  const result = await action.handle(parsed.data, ctx);
  sendJson(res, 200, { RequestId: requestId, ...result }, requestId);
}

/**
 * The action a request names, from what its scheme signs: RPC v1 signs the parameters, ACS3 the x-acs-* headers.
 * A copy in the other place (which that scheme does not sign) must say the same, or the request is refused.
 */
function routeOf(params: Params, req: IncomingMessage): Action {
  const inHeaders = { name: header(req, 'x-acs-action'), version: header(req, 'x-acs-version') };
  const inParams = { name: params.Action, version: params.Version };
  const scheme = schemeOf(req.headers, params);
  const [signed, copy] = scheme === 'acs3' ? [inHeaders, inParams] : [inParams, inHeaders];
  // An unsigned request is refused for its signature next; until then it may name its action either way.
  const name = scheme ? signed.name : (signed.name ?? copy.name);
  const version = scheme ? signed.version : (signed.version ?? copy.version);
  if (copy.name !== undefined && copy.name !== name) throw new KmsError('InvalidParameter', scheme === 'acs3' ? 'Action' : 'x-acs-action');
  if (copy.version !== undefined && copy.version !== version)
    throw new KmsError('InvalidParameter', scheme === 'acs3' ? 'Version' : 'x-acs-version');
  if (!name) throw missing('Action');
  if (!version) throw missing('Version');
  const actions = REGISTRY.get(version);
  if (!actions) throw new KmsError('InvalidVersion');
  const action = actions.get(name);
  if (!action) throw new KmsError('InvalidApi.NotFound');
  return action;
}

/**
 * The region a request is for: its RegionId parameter; else an `x-acs-region-id` header, which ACS3 signs (an RPC v1
 * request signs only parameters, so there the header is not read); else a `kms.<region>.aliyuncs.com` Host; else the
 * region of the port it came in on (`--region-port`), or `--region`.
 */
function regionOf(params: Params, req: IncomingMessage, fallback: string): string {
  if (params.RegionId) return params.RegionId;
  const signedRegion = schemeOf(req.headers, params) === 'acs3' ? header(req, 'x-acs-region-id') : undefined;
  if (signedRegion) return signedRegion;
  const m = HOST_REGION.exec(req.headers.host ?? '');
  return m ? m[1] : fallback;
}

/** Parameters an action sees: not the signing ones, and an empty value counts as absent (as the SDKs mean it). */
function businessParams(params: Params): Params {
  const out = emptyRecord<string>();
  for (const k in params) if (params[k] !== '' && !SIGNING_PARAMS.has(k)) out[k] = params[k];
  return out;
}

/** The request line and header block's size, near enough: the URL and every header name and value. */
function headerBytes(req: IncomingMessage): number {
  let n = req.url?.length ?? 0;
  for (const h of req.rawHeaders) n += h.length + 2;
  return n;
}

/** `/console`, `/console/…` or `/console?…`: the web console's, not the API's (whose one path is `/`). */
const isConsolePath = (url = '') => url.startsWith('/console') && (url.length === 8 || url[8] === '/' || url[8] === '?');

const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return typeof v === 'string' && v ? v : undefined;
};
