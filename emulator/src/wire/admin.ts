/**
 * The emulator's own endpoints, outside the KMS API, under /_alikms/:
 *   GET  /_alikms/health                  readiness probe; no credentials, reveals nothing but "ok"
 *   GET  /_alikms/clock                   the emulator clock
 *   POST /_alikms/clock {"advance":"30d"} or {"set":"2030-01-01T00:00:00Z"}          (admin)
 *        -> moves the clock forward and answers once every rotation/deletion/expiry that became due has happened
 *   GET  /_alikms/state?accountId=…&regionId=…&material=true
 *        -> that account and region in the seed format (another account, or material: admin)
 *   POST /_alikms/service-keys {"product":"oss","regionId":"…","accountId":"…"}
 *        -> provisions `alias/acs/<product>` ahead of its first use (another account: admin)
 *   POST /_alikms/default-key {"regionId":"…","accountId":"…"}
 *        -> the region's default CMK, made or enabled ("to use it, simply enable it"; another account: admin)
 *   POST /_alikms/reset {"accountId":"…","regionId":"…"}                              (admin)
 *        -> forgets every key, alias and instance of the account (in one region, or all), for shared emulators
 *   GET  /_alikms/metrics                 Prometheus text format (wire/metrics.ts)     (admin, or anyone with --metrics-open)
 *
 * Who may call: an access key by HTTP Basic `AccessKeyId:AccessKeySecret` (an STS key also sends its token in
 * `x-acs-security-token`), or `Authorization: Bearer <--admin-token>`. Tenant rights: an access key reads its own
 * account. Admin rights (the clock, key material, other accounts, reset): the admin token and accounts marked admin
 * (with no accounts file, the one default account). Credentials are checked before the body is read; every refusal
 * is the KMS error envelope with a RequestId. Bodies are JSON whatever their content type says.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { keyMetadata } from '../api/views';
import { isoDate } from '../domain/clock';
import { KmsError, invalid, missing } from '../domain/errors';
import { newRequestId } from '../domain/ids';
import type { DueEvent } from '../domain/lifecycle';
import type { Kms } from '../domain/kms';
import { LIMITS } from '../domain/limits';
import type { Scope } from '../domain/model';
import { parseInterval } from '../domain/rotation';
import type { Accounts, AdminCaller } from './accounts';
import { readBody } from './body';
import { accessKeyCaller, adminTokenCaller } from './credentials';
import { sendError, sendJson } from './envelope';
import type { Metrics } from './metrics';

export interface AdminOptions {
  kms: Kms;
  accounts: Accounts;
  defaultRegion: string;
  adminToken?: string;
  /** The state of one account and region in the seed format. */
  exportState: (scope: Scope, material: boolean) => Promise<unknown>;
  /** Served at /_alikms/metrics when given; `open`: without credentials. */
  metrics?: { readonly registry: Metrics; readonly open: boolean };
  log?: (message: string) => void;
}

type Body = Record<string, unknown>;

interface Call {
  readonly caller: AdminCaller;
  readonly query: URLSearchParams;
  readonly body: Body;
}

interface Route {
  readonly method: 'GET' | 'POST';
  /** 'none': anyone; 'caller': any valid credential (tenant rights); 'admin': admin rights; or decided by the options. */
  readonly who: 'none' | 'caller' | 'admin' | ((o: AdminOptions) => 'none' | 'admin');
  handle(call: Call, o: AdminOptions): Promise<unknown> | unknown;
}

/** The largest admin body we read (a clock move or a product name needs a few bytes). */
const ADMIN_BODY_BYTES = 64 * 1024;

const ROUTES: Readonly<Record<string, Route>> = {
  '/_alikms/health': { method: 'GET', who: 'none', handle: () => ({ status: 'ok' }) },
  '/_alikms/clock': { method: 'GET', who: 'caller', handle: (_c, { kms }) => clockView(kms) },
  'POST /_alikms/clock': { method: 'POST', who: 'admin', handle: moveClock },
  '/_alikms/state': {
    method: 'GET',
    who: 'caller',
    async handle({ caller, query }, o) {
      const material = query.get('material') === 'true';
      const scope = scopeFor(caller, query.get('accountId') ?? undefined, query.get('regionId') ?? undefined, o);
      if (material) requireAdmin(caller, 'exporting key material');
      return o.exportState(scope, material);
    },
  },
  'POST /_alikms/service-keys': {
    method: 'POST',
    who: 'caller',
    async handle({ caller, body }, o) {
      if (typeof body.product !== 'string') throw missing('product');
      const scope = scopeFor(caller, optionalString(body, 'accountId'), optionalString(body, 'regionId'), o);
      const key = await o.kms.keys.serviceKey(scope, body.product);
      return { KeyMetadata: keyMetadata(key), AliasName: `alias/acs/${body.product}` };
    },
  },
  'POST /_alikms/default-key': {
    method: 'POST',
    who: 'caller',
    async handle({ caller, body }, o) {
      const scope = scopeFor(caller, optionalString(body, 'accountId'), optionalString(body, 'regionId'), o);
      return { KeyMetadata: keyMetadata(await o.kms.keys.provideDefaultKey(scope)) };
    },
  },
  '/_alikms/metrics': {
    method: 'GET',
    // Without metrics there is nothing to guard: anyone is told it is not there.
    who: (o) => (!o.metrics || o.metrics.open ? 'none' : 'admin'),
    async handle(_c, o) {
      if (!o.metrics) throw new KmsError('InvalidApi.NotFound');
      const { contentType, text } = await o.metrics.registry.scrape();
      return new PlainText(contentType, text);
    },
  },
  'POST /_alikms/reset': {
    method: 'POST',
    who: 'admin',
    async handle({ caller, body }, o) {
      const accountId = optionalString(body, 'accountId') ?? caller.accountId;
      if (!accountId) throw missing('accountId');
      const regionId = optionalString(body, 'regionId');
      if (regionId !== undefined && !o.kms.regions.includes(regionId)) throw invalid('regionId');
      return { accountId, ...(await o.kms.reset(accountId, regionId)) };
    },
  },
};

/** The admin endpoints as a request listener. */
export function adminListener(options: AdminOptions): RequestListener {
  return (req, res) => {
    const requestId = newRequestId();
    serve(req, res, requestId, options).catch((err: unknown) => {
      if (res.headersSent) return;
      const known = err instanceof KmsError;
      if (!known) options.log?.(`admin request ${requestId} failed: ${err instanceof Error ? err.stack : String(err)}`);
      req.resume(); // an unread body must not stall the connection
      sendError(res, known ? err : new KmsError('InternalFailure'), requestId, options.defaultRegion);
    });
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, requestId: string, o: AdminOptions) {
  const url = new URL(req.url ?? '/', 'http://alikms');
  const route = ROUTES[req.method === 'POST' ? `POST ${url.pathname}` : url.pathname];
  if (!route || (req.method !== route.method && !(req.method === 'HEAD' && route.method === 'GET'))) {
    throw new KmsError(ROUTES[url.pathname] || ROUTES[`POST ${url.pathname}`] ? 'UnsupportedHTTPMethod' : 'InvalidApi.NotFound');
  }
  // Credentials first: nothing of an unauthenticated request's body is read.
  const who = typeof route.who === 'function' ? route.who(o) : route.who;
  const caller = who === 'none' ? { admin: false } : authenticate(req, o);
  if (who === 'admin') requireAdmin(caller, url.pathname);
  const body = route.method === 'POST' ? await jsonBody(req) : {};
  const result = await route.handle({ caller, query: url.searchParams, body }, o);
  if (!(result instanceof PlainText)) return sendJson(res, 200, result, requestId);
  res.writeHead(200, {
    'content-type': result.contentType,
    'content-length': Buffer.byteLength(result.text),
    'x-acs-request-id': requestId,
  });
  res.end(result.text);
}

/** An answer that is not JSON (the metrics exposition). */
class PlainText {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
}

/** The caller's rights, from HTTP Basic (an access key, with its STS token) or the admin token; Unauthenticated otherwise. */
function authenticate(req: IncomingMessage, { accounts, adminToken }: AdminOptions): AdminCaller {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) return adminTokenCaller(adminToken, header.slice(7));
  if (!header.startsWith('Basic ')) throw new KmsError('Unauthenticated');
  const [id, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  const token = req.headers['x-acs-security-token'];
  return accessKeyCaller(accounts, id, rest.join(':'), typeof token === 'string' ? token : '');
}

function requireAdmin(caller: AdminCaller, what: string): void {
  if (!caller.admin) throw new KmsError('Forbidden.NoPermission', `${what} needs admin rights (an admin account or the admin token).`);
}

/** The account and region a call acts on: the caller's own account unless it names another, which needs admin rights. */
function scopeFor(caller: AdminCaller, accountId: string | undefined, regionId: string | undefined, o: AdminOptions): Scope {
  const account = accountId ?? caller.accountId;
  if (!account) throw missing('accountId');
  if (account !== caller.accountId) requireAdmin(caller, `acting for account ${account}`);
  const region = regionId ?? o.defaultRegion;
  if (!o.kms.regions.includes(region)) throw invalid('regionId');
  return { accountId: account, regionId: region };
}

async function jsonBody(req: IncomingMessage): Promise<Body> {
  const raw = await readBody(req, ADMIN_BODY_BYTES);
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new KmsError('InvalidParameter', 'body (expected a JSON object)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new KmsError('InvalidParameter', 'body (expected a JSON object)');
  return value as Body;
}

function optionalString(body: Body, name: string): string | undefined {
  const v = body[name];
  if (v !== undefined && typeof v !== 'string') throw invalid(name);
  return v;
}

const clockView = (kms: Kms, events: DueEvent[] = []) => ({
  now: isoDate(kms.clock.now()),
  epochMs: kms.clock.now(),
  events: events.map((e) => ({ ...e, at: isoDate(e.at) })),
});

/** `30d`, `12h`, `90m`, `3600s`, or a number of milliseconds (as a number or a digit string). */
function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^\d{1,15}$/.test(value)) return Number(value);
  const seconds = parseInterval(value);
  return seconds === undefined ? undefined : seconds * 1000;
}

/** Moves the clock forward by `advance` and applies what fell due (here and in the console's Time tab). */
export async function advanceClock(kms: Kms, advance: unknown): Promise<DueEvent[]> {
  const ms = durationMs(advance);
  if (ms === undefined || kms.clock.now() + ms > LIMITS.latestClockMs)
    throw new KmsError('InvalidParameter', 'advance (expected e.g. "30d", "12h", "90m", "3600s" or milliseconds, up to year 9999)');
  return kms.lifecycle.advance(ms);
}

async function moveClock({ body }: Call, { kms }: AdminOptions) {
  if (body.advance !== undefined) return clockView(kms, await advanceClock(kms, body.advance));
  if (body.set !== undefined) {
    const at = typeof body.set === 'string' ? Date.parse(body.set) : Number.NaN;
    if (Number.isNaN(at) || at < kms.clock.now() || at > LIMITS.latestClockMs)
      throw new KmsError('InvalidParameter', 'set (expected an ISO-8601 time between the emulator time and year 9999)');
    return clockView(kms, await kms.lifecycle.setTime(at));
  }
  throw missing('advance or set');
}
