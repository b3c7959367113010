/**
 * Console sessions, in memory: a sign-in makes one, identified by a random id in an HttpOnly, SameSite=Strict cookie
 * scoped to /console that expires with it. They live in this process only, so a restart signs everyone out and
 * emulators sharing a PostgreSQL store do not share sessions (our choice: a console session is not state worth
 * keeping). A session holds who signed in (never the secret they signed in with) and a CSRF token that every form
 * carries. Times are real time, not the emulator clock, which tests move by days.
 *
 * The cookie has no `Secure` attribute: the emulator speaks plain HTTP (loopback or a trusted network).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { sameSignature } from '../wire/signature';

/** Who signed in: an access key of an account, or the admin token (no account). */
export interface Identity {
  readonly accountId?: string;
  readonly accessKeyId?: string;
  readonly admin: boolean;
}

export interface Flash {
  readonly kind: 'ok' | 'error';
  readonly text: string;
}

export interface Session {
  readonly id: string;
  readonly csrf: string;
  readonly identity: Identity;
  readonly expiresAt: number;
  /** A message for the next page shown (the outcome of an action, after its redirect). */
  flash?: Flash;
}

export const COOKIE = 'alikms_console';
/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 60 * 60 * 1000;
/** Past this many live sessions the oldest go first, so sign-ins cannot grow memory without bound. */
const MAX_SESSIONS = 10_000;

const token = () => randomBytes(32).toString('base64url');

export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(
    private readonly ttlMs = SESSION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  create(identity: Identity): Session {
    const now = this.now();
    for (const [id, s] of this.byId) if (s.expiresAt <= now) this.byId.delete(id);
    while (this.byId.size >= MAX_SESSIONS) this.byId.delete(this.byId.keys().next().value!);
    const session: Session = { id: token(), csrf: token(), identity, expiresAt: now + this.ttlMs };
    this.byId.set(session.id, session);
    return session;
  }

  /** The live session the request's cookie names, if any. */
  of(req: IncomingMessage): Session | undefined {
    const id = cookieValue(req.headers.cookie, COOKIE);
    const session = id === undefined ? undefined : this.byId.get(id);
    if (!session) return undefined;
    if (session.expiresAt > this.now()) return session;
    this.byId.delete(session.id);
    return undefined;
  }

  end(session: Session): void {
    this.byId.delete(session.id);
  }

  /** The Set-Cookie header for `session`, or one that removes the cookie. */
  cookie(session?: Session): string {
    const attributes = 'Path=/console; HttpOnly; SameSite=Strict';
    if (!session) return `${COOKIE}=; ${attributes}; Max-Age=0`;
    return `${COOKIE}=${session.id}; ${attributes}; Max-Age=${Math.ceil((session.expiresAt - this.now()) / 1000)}`;
  }
}

/** Whether a submitted form carries the session's CSRF token (compared in constant time). */
export const validCsrf = (session: Session, given: string | null): boolean => given !== null && sameSignature(given, session.csrf);

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
