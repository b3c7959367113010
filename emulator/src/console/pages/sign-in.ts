/**
 * The sign-in page: an AccessKey pair (and its STS token, for an STS key) or the admin token. The form posts its
 * secrets in the body, never the URL; a failed sign-in says only that it failed, and never shows what was typed.
 */
import { html, type Html } from '../html';
import { documentOf, flashOf } from '../layout';

export const SIGN_IN_FAILED = 'Sign-in failed: check the AccessKey ID and secret, or the admin token.';

export function signInPage(failed = false): Html {
  return documentOf(
    'Sign in',
    html`<main class="sign-in">
      <h1>alikms <span>KMS console</span></h1>
      ${flashOf(failed ? { kind: 'error', text: SIGN_IN_FAILED } : undefined)}
      <form method="post" action="/console/sign-in" id="sign-in" autocomplete="off">
        <label>AccessKey ID <input name="accessKeyId" autocomplete="username" autofocus /></label>
        <label>AccessKey secret <input name="accessKeySecret" type="password" autocomplete="current-password" /></label>
        <details>
          <summary>STS token or admin token</summary>
          <label>Security token (STS keys) <input name="securityToken" type="password" autocomplete="off" /></label>
          <label>Or the admin token (--admin-token) <input name="adminToken" type="password" autocomplete="off" /></label>
        </details>
        <button type="submit">Sign in</button>
      </form>
      <p class="hint">The emulator's default account signs in with <code>test</code> / <code>test</code>.</p>
    </main>`,
  );
}
