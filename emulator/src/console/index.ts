/**
 * The web console, at /console/ on the emulator's own port (wire/server.ts hands it /console requests):
 * server-rendered pages over the same domain services the API uses, in the scope of whoever signed in.
 *
 *   GET  /console/sign-in, POST /console/sign-in    an AccessKey pair or the admin token -> a session cookie
 *   POST /console/sign-out
 *   GET  /console/keys[/<keyId>], /default-keys, /instances, /time (admins), /audit (with an audit log)
 *   POST /console/do/<Action>                       a form's action (console/actions.ts), then back to its page
 *   GET  /console/assets/<file>                     stylesheet, script, icon
 *
 * Every POST must come from a page of this console: its Origin (when the browser sends one) is this host, and its
 * form carries the session's CSRF token; the cookie is SameSite=Strict besides. Pages are sent with a strict
 * Content-Security-Policy (no inline script or style) and are never cached. Nothing here logs a request.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { KmsError } from '../domain/errors';
import type { AdminCaller } from '../wire/accounts';
import { ClientGone, readBody } from '../wire/body';
import { accessKeyCaller, adminTokenCaller } from '../wire/credentials';
import { statusOf } from '../wire/status';
import { isAction, perform } from './actions';
import { loadAssets, type Asset } from './assets';
import { html, url, type Html } from './html';
import { documentOf, page, tabShown, type Tab } from './layout';
import { auditPage } from './pages/audit';
import { defaultKeysPage } from './pages/default-keys';
import { instancesPage } from './pages/instances';
import { keyPage } from './pages/key';
import { keysPage } from './pages/keys';
import { signInPage } from './pages/sign-in';
import { timePage } from './pages/time';
import { Sessions, validCsrf, type Session } from './sessions';
import { scopeOf, View, type ConsoleOptions } from './view';

export type { ConsoleOptions };

const FORM_BYTES = 64 * 1024;
const HOME = '/console/keys';
const SIGN_IN = '/console/sign-in';

const PAGES: readonly { path: RegExp; tab: Tab; render: (v: View, arg: string) => Promise<Html> }[] = [
  { path: /^\/console\/keys$/, tab: 'keys', render: keysPage },
  { path: /^\/console\/keys\/([^/]+)$/, tab: 'keys', render: keyPage },
  { path: /^\/console\/default-keys$/, tab: 'default-keys', render: defaultKeysPage },
  { path: /^\/console\/instances$/, tab: 'instances', render: instancesPage },
  { path: /^\/console\/time$/, tab: 'time', render: timePage },
  { path: /^\/console\/audit$/, tab: 'audit', render: auditPage },
];

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Not no-referrer: with it Chromium sends `Origin: null` on form posts, which the origin check must refuse.
  'referrer-policy': 'same-origin',
};

export function consoleListener(o: ConsoleOptions): RequestListener {
  const sessions = new Sessions();
  const assets = loadAssets();
  return (req, res) => {
    serve(req, res, o, sessions, assets).catch((err: unknown) => {
      if (err instanceof ClientGone) return;
      if (!(err instanceof KmsError)) o.log?.(`console: ${err instanceof Error ? err.stack : String(err)}`);
      req.resume();
      if (!res.headersSent) sendError(res, err instanceof KmsError ? err : new KmsError('InternalFailure'));
    });
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, o: ConsoleOptions, sessions: Sessions, assets: ReadonlyMap<string, Asset>) {
  const requested = new URL(req.url ?? '/', 'http://console');
  const path = requested.pathname.replace(/\/+$/, '');
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  if (method !== 'GET' && method !== 'POST') {
    req.resume();
    return send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed', { allow: 'GET, HEAD, POST' });
  }
  if (method === 'GET' && path.startsWith('/console/assets/')) {
    const asset = assets.get(path.slice('/console/assets/'.length));
    if (!asset) return send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
    return send(res, 200, asset.type, asset.body, { 'cache-control': 'public, max-age=3600' });
  }
  const session = sessions.of(req);
  if (method === 'POST') {
    if (!sameOrigin(req)) throw new KmsError('Forbidden.NoPermission', 'the form did not come from this console.');
    const form = await formBody(req);
    if (path === SIGN_IN) return signIn(res, o, sessions, form, session);
    if (!session || !validCsrf(session, form.get('_csrf')))
      throw new KmsError('Forbidden.NoPermission', 'the form expired or did not come from this console: sign in and try again.');
    if (path === '/console/sign-out') {
      sessions.end(session);
      return redirect(res, SIGN_IN, sessions.cookie());
    }
    const action = /^\/console\/do\/(\w+)$/.exec(path)?.[1];
    if (!action || !isAction(action)) throw new KmsError('InvalidApi.NotFound');
    return act(req, res, o, session, action, form);
  }
  if (path === '/console') return redirect(res, session ? HOME : SIGN_IN);
  if (path === SIGN_IN) return sendPage(res, 200, signInPage());
  if (!session) return redirect(res, SIGN_IN);
  const route = PAGES.map((p) => ({ p, m: p.path.exec(path) })).find((r) => r.m);
  if (!route) throw new KmsError('InvalidApi.NotFound');
  const flash = session.flash;
  session.flash = undefined;
  const v = new View(o, session, scopeOf(o, session.identity, requested.searchParams), path, requested.searchParams, flash);
  if (!tabShown(v, route.p.tab))
    throw route.p.tab === 'time'
      ? new KmsError('Forbidden.NoPermission', 'the clock needs admin rights.')
      : new KmsError('InvalidApi.NotFound');
  try {
    sendPage(res, 200, await route.p.render(v, pathPart(route.m![1])));
  } catch (err) {
    if (!(err instanceof KmsError)) throw err;
    sendPage(res, statusOf(err), page(v, route.p.tab, err.code, errorBody(err)));
  }
}

/** A path segment as it was meant (`%2F` and all); a malformed one names nothing. */
function pathPart(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    throw new KmsError('InvalidApi.NotFound');
  }
}

/** A form's action, then back to its page (post/redirect/get) with the outcome as the next page's message. */
async function act(req: IncomingMessage, res: ServerResponse, o: ConsoleOptions, session: Session, action: string, form: URLSearchParams) {
  const back = /^\/console\/[\w\-/.%]*$/.test(form.get('back') ?? '') ? form.get('back')! : HOME;
  let next = back;
  try {
    const v = new View(o, session, scopeOf(o, session.identity, form), back, new URLSearchParams());
    const outcome = await perform(v, action, form, req.socket.remoteAddress ?? '');
    session.flash = { kind: 'ok', text: outcome.text };
    next = v.href(outcome.next ?? back);
  } catch (err) {
    if (!(err instanceof KmsError)) o.log?.(`console: ${action} failed: ${err instanceof Error ? err.stack : String(err)}`);
    const known = err instanceof KmsError ? err : new KmsError('InternalFailure');
    session.flash = { kind: 'error', text: `${known.code}: ${known.message}` };
    next = url(back, {
      region: form.get('region') ?? undefined,
      account: session.identity.admin ? (form.get('account') ?? undefined) : undefined,
    });
  }
  redirect(res, next);
}

/** Checks the credentials; any failure gets the same answer. A new sign-in replaces the session the browser had. */
function signIn(res: ServerResponse, o: ConsoleOptions, sessions: Sessions, form: URLSearchParams, old?: Session) {
  const adminToken = form.get('adminToken') ?? '';
  const accessKeyId = (form.get('accessKeyId') ?? '').trim();
  let caller: AdminCaller;
  try {
    caller = adminToken
      ? adminTokenCaller(o.adminToken, adminToken)
      : accessKeyCaller(o.accounts, accessKeyId, form.get('accessKeySecret') ?? '', form.get('securityToken') ?? '');
  } catch (err) {
    if (!(err instanceof KmsError)) throw err;
    return sendPage(res, 401, signInPage(true));
  }
  if (old) sessions.end(old);
  const session = sessions.create({ accountId: caller.accountId, accessKeyId: adminToken ? undefined : accessKeyId, admin: caller.admin });
  redirect(res, HOME, sessions.cookie(session));
}

/**
 * A POST from a page of ours: browsers send Origin with every form POST (and Sec-Fetch-Site); a request with neither
 * comes from a program, which the CSRF token still has to pass.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) return origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`;
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    req.resume();
    throw new KmsError('InvalidParameter', 'body (expected a form)');
  }
  return new URLSearchParams((await readBody(req, FORM_BYTES)).toString('utf8'));
}

const errorBody = (err: KmsError) =>
  html`<section class="panel error-page">
    <h1>${err.code}</h1>
    <p>${err.message}</p>
    <p><a href="${HOME}">Back to the keys</a></p>
  </section>`;

function sendError(res: ServerResponse, err: KmsError): void {
  sendPage(res, statusOf(err), documentOf(err.code, html`<main>${errorBody(err)}</main>`));
}

function sendPage(res: ServerResponse, status: number, body: Html): void {
  send(res, status, 'text/html; charset=utf-8', body.text, { 'cache-control': 'no-store' });
}

function redirect(res: ServerResponse, location: string, cookie?: string): void {
  send(res, 303, 'text/plain; charset=utf-8', '', { location, 'cache-control': 'no-store', ...(cookie && { 'set-cookie': cookie }) });
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
