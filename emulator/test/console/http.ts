/**
 * The console over plain HTTP, for the tests that check what a browser would never show: status codes, headers,
 * forged forms. Redirects are not followed, so each answer is seen as sent.
 */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export class ConsoleHttp {
  cookie = '';

  constructor(readonly endpoint: string) {}

  async get(path: string): Promise<Answer> {
    return this.answer(await fetch(this.endpoint + path, { redirect: 'manual', headers: this.cookie ? { cookie: this.cookie } : {} }));
  }

  /** A form post; `origin` is what the browser would send (this console's own, unless a test forges another). */
  async post(path: string, form: Record<string, string>, origin: string | null = this.endpoint): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (this.cookie) headers.cookie = this.cookie;
    if (origin !== null) headers.origin = origin;
    return this.answer(await fetch(this.endpoint + path, { method: 'POST', redirect: 'manual', headers, body: new URLSearchParams(form) }));
  }

  /** Signs in and keeps the session cookie; returns the sign-in answer. */
  async signIn(form: Record<string, string>): Promise<Answer> {
    const answer = await this.post('/console/sign-in', form);
    const cookie = answer.headers.get('set-cookie');
    if (cookie) this.cookie = cookie.split(';')[0];
    return answer;
  }

  /** The CSRF token the session's pages carry in their forms. */
  async csrf(): Promise<string> {
    const page = await this.get('/console/keys');
    const m = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!m) throw new Error(`no CSRF token on /console/keys (HTTP ${page.status})`);
    return m[1];
  }

  /** Posts an action form as the page would (token, scope, page to return to) and follows its redirect once. */
  async act(action: string, fields: Record<string, string>, scope: { region?: string; account?: string } = {}): Promise<Answer> {
    const form = { _csrf: await this.csrf(), back: '/console/keys', ...scope, ...fields };
    const posted = await this.post(`/console/do/${action}`, form);
    if (posted.status !== 303) return posted;
    return this.get(
      new URL(posted.headers.get('location')!, this.endpoint).pathname + new URL(posted.headers.get('location')!, this.endpoint).search,
    );
  }

  private async answer(res: Response): Promise<Answer> {
    return { status: res.status, headers: res.headers, text: await res.text() };
  }
}

/** The text of the page's flash message, if it has one. */
export const flashOf = (page: string) => /<p class="flash (ok|error)"[^>]*>([^<]*)<\/p>/.exec(page)?.slice(1, 3);
