/**
 * Admin endpoints, outside the KMS API, under /_alikms/. Express is fine here: these are not on the hot path.
 *   GET  /_alikms/health               -> { status: "ok" }
 *   GET  /_alikms/clock                -> the emulator clock
 *   POST /_alikms/clock {"advance":"30d"} or {"set":"2030-01-01T00:00:00Z"}
 *        -> moves the clock forward and answers once every rotation/deletion/expiry that became due has happened
 *   GET  /_alikms/state?accountId=…&regionId=…&material=true
 *        -> that account and region in the seed format (material: software-held key material too)
 *   POST /_alikms/service-keys {"product":"oss","regionId":"cn-hangzhou","accountId":"…"}
 *        -> provisions `alias/acs/<product>` ahead of its first use (account: the caller's, region: the default)
 * Authenticated by HTTP Basic with any configured AccessKeyId:AccessKeySecret, or `Authorization: Bearer <token>`
 * when an admin token is configured. An access key speaks for its own account only (naming another one is
 * Forbidden.NoPermission, as key material can be exported here); the admin token may name any account.
 */
import type { Express, NextFunction, Request, Response } from 'express';
import type { RequestListener } from 'node:http';
import { keyMetadata } from '../api/views';
import { isoDate } from '../domain/clock';
import { KmsError } from '../domain/errors';
import { LIMITS } from '../domain/limits';
import type { DueEvent } from '../domain/lifecycle';
import type { Kms } from '../domain/kms';
import type { Scope } from '../domain/model';
import { parseInterval } from '../domain/rotation';
import type { Accounts } from './accounts';
import { sameSignature } from './signature';
import { statusOf } from './status';

export interface AdminOptions {
  kms: Kms;
  accounts: Accounts;
  defaultRegion: string;
  adminToken?: string;
  /** The state of one account and region in the seed format. */
  exportState: (scope: Scope, material: boolean) => Promise<unknown>;
}

/** `30d`, `12h`, `90m`, `3600s` or a number of milliseconds. */
function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') return undefined;
  const seconds = parseInterval(value);
  return seconds === undefined ? undefined : seconds * 1000;
}

/** The admin endpoints as a request listener. Express (~70 ms to load) is loaded on the first admin request, not at start. */
export function adminListener(options: AdminOptions): RequestListener {
  let app: Express | undefined;
  return (req, res) => (app ??= adminApp(options))(req, res);
}

function adminApp({ kms, accounts, defaultRegion, adminToken, exportState }: AdminOptions): Express {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const express = require('express') as typeof import('express');
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));

  app.use((req: Request, res: Response, next: NextFunction) => {
    const who = authorized(req.headers.authorization ?? '', accounts, adminToken);
    res.locals.accountId = typeof who === 'string' ? who : undefined;
    if (who) return next();
    res
      .status(401)
      .set('www-authenticate', 'Basic realm="alikms"')
      .json({ Code: 'Forbidden.NoPermission', Message: 'admin credentials required' });
  });

  const clockView = (events: DueEvent[] = []) => ({
    now: isoDate(kms.clock.now()),
    epochMs: kms.clock.now(),
    events: events.map((e) => ({ ...e, at: isoDate(e.at) })),
  });

  app.get('/_alikms/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/_alikms/clock', (_req, res) => {
    res.json(clockView());
  });

  app.post('/_alikms/clock', async (req, res) => {
    const body = (req.body ?? {}) as { advance?: unknown; set?: unknown };
    if (body.advance !== undefined) {
      const ms = durationMs(body.advance);
      if (ms === undefined || kms.clock.now() + ms > LIMITS.latestClockMs)
        return void res.status(400).json({ Code: 'InvalidParameter', Message: 'advance: expected e.g. "30d", "12h" or milliseconds' });
      return void res.json(clockView(await kms.lifecycle.advance(ms)));
    }
    if (body.set !== undefined) {
      const at = typeof body.set === 'string' ? Date.parse(body.set) : Number.NaN;
      if (Number.isNaN(at) || at < kms.clock.now() || at > LIMITS.latestClockMs)
        return void res
          .status(400)
          .json({ Code: 'InvalidParameter', Message: 'set: expected an ISO-8601 time between the current emulator time and 9999' });
      return void res.json(clockView(await kms.lifecycle.setTime(at)));
    }
    res.status(400).json({ Code: 'MissingParameter', Message: 'expected {"advance": …} or {"set": …}' });
  });

  app.get('/_alikms/state', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const accountId = typeof q.accountId === 'string' ? q.accountId : res.locals.accountId;
    const regionId = typeof q.regionId === 'string' ? q.regionId : defaultRegion;
    if (!accountId || !kms.regions.includes(regionId))
      return void res.status(400).json({ Code: 'InvalidParameter', Message: 'accountId and regionId' });
    if (!mayActFor(res, accountId)) return void forbidden(res, accountId);
    res.json(await exportState({ accountId, regionId }, q.material === 'true'));
  });

  app.post('/_alikms/service-keys', async (req, res) => {
    const body = (req.body ?? {}) as { product?: unknown; regionId?: unknown; accountId?: unknown };
    const accountId = typeof body.accountId === 'string' ? body.accountId : res.locals.accountId;
    const regionId = typeof body.regionId === 'string' ? body.regionId : defaultRegion;
    if (typeof body.product !== 'string' || !accountId || !kms.regions.includes(regionId))
      return void res
        .status(400)
        .json({ Code: 'InvalidParameter', Message: 'expected {"product": "oss", "regionId"?: …, "accountId"?: …}' });
    if (!mayActFor(res, accountId)) return void forbidden(res, accountId);
    try {
      const key = await kms.keys.serviceKey({ accountId, regionId }, body.product);
      res.json({ KeyMetadata: keyMetadata(key), AliasName: `alias/acs/${body.product}` });
    } catch (err) {
      if (!(err instanceof KmsError)) throw err;
      res.status(statusOf(err)).json({ Code: err.code, Message: err.message });
    }
  });

  app.use((_req, res) => {
    res.status(404).json({ Code: 'InvalidApi.NotFound', Message: 'Specified api is not found, please check your url and method.' });
  });
  app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res
      .status(err.status && err.status < 500 ? err.status : 500)
      .json({ Code: err.status === 400 ? 'InvalidParameter' : 'InternalFailure', Message: err.message });
  });
  return app;
}

/** The admin token may act for any account; an access key (Basic auth) for its own account only. */
const mayActFor = (res: Response, accountId: string) => res.locals.accountId === undefined || res.locals.accountId === accountId;

const forbidden = (res: Response, accountId: string) =>
  res.status(403).json({ Code: 'Forbidden.NoPermission', Message: `this access key does not belong to account ${accountId}` });

/** The caller's account id (Basic auth), true (admin token), or false. */
function authorized(header: string, accounts: Accounts, adminToken: string | undefined): string | boolean {
  if (adminToken && header.startsWith('Bearer ')) return sameSignature(header.slice(7), adminToken);
  if (!header.startsWith('Basic ')) return false;
  const [id, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  const key = accounts.find(id);
  return key !== undefined && sameSignature(rest.join(':'), key.secret) ? key.accountId : false;
}
