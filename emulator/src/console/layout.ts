/** The page around every console view: header, tabs, region and account selectors, the flash message. */
import { html, options, type Fragment, type Html } from './html';
import type { Flash } from './sessions';
import type { View } from './view';

export type Tab = 'keys' | 'default-keys' | 'instances' | 'time' | 'audit';

const TABS: readonly { id: Tab; label: string; path: string; shown: (v: View) => boolean }[] = [
  { id: 'keys', label: 'Keys', path: '/console/keys', shown: () => true },
  { id: 'default-keys', label: 'Default Keys', path: '/console/default-keys', shown: () => true },
  { id: 'instances', label: 'Instances', path: '/console/instances', shown: () => true },
  { id: 'time', label: 'Time', path: '/console/time', shown: (v) => v.identity.admin },
  { id: 'audit', label: 'Audit', path: '/console/audit', shown: (v) => v.o.auditLog !== undefined },
];

export const tabShown = (v: View, tab: Tab) => TABS.find((t) => t.id === tab)!.shown(v);

/** A whole HTML document: the shell every page shares. */
export function documentOf(title: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · alikms console</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml" />
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body>
        ${body}
      </body>
    </html>`;
}

export function flashOf(flash: Flash | undefined): Fragment {
  return flash && html`<p class="flash ${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}">${flash.text}</p>`;
}

/** A signed-in page: `tab` is highlighted, `body` is the view. */
export function page(v: View, tab: Tab, title: string, body: Fragment): Html {
  const who = v.identity.accessKeyId ? `AccessKey ${v.identity.accessKeyId}` : 'admin token';
  const tabs = TABS.filter((t) => t.shown(v)).map(
    (t) =>
      html`<a href="${v.href(t.path)}" class="${t.id === tab ? 'tab active' : 'tab'}" ${t.id === tab ? html`aria-current="page"` : ''}
        >${t.label}</a
      >`,
  );
  const accounts = v.accountChoices();
  return documentOf(
    title,
    html`<header class="top">
        <a class="brand" href="${v.href('/console/keys')}">alikms <span>KMS console</span></a>
        <form class="scope" method="get" action="${v.path}">
          <label
            >Region
            <select name="region" data-autosubmit>
              ${options(v.kms.regions, v.scope.regionId)}
            </select></label
          >
          ${
            v.identity.admin
              ? html`<label
                    >Account <input name="account" list="accounts" value="${v.scope.accountId}" size="17" pattern="[0-9]{16}" /></label
                  ><datalist id="accounts">${options(accounts, undefined)}</datalist>`
              : html`<span class="account">Account ${v.scope.accountId}</span>`
          }
          <button type="submit">Go</button>
        </form>
        <form class="signout" method="post" action="/console/sign-out">
          <input type="hidden" name="_csrf" value="${v.session.csrf}" />
          <span class="who">${who}${v.identity.admin ? ' (admin)' : ''}</span>
          <button type="submit">Sign out</button>
        </form>
      </header>
      <nav class="tabs">${tabs}</nav>
      <main>${flashOf(v.flash)}${body}</main>`,
  );
}

/** A key ID as a link to its page (in the account and region given, or the view's). */
export function keyLink(v: View, keyId: string, scope = v.scope): Html {
  const path = `/console/keys/${encodeURIComponent(keyId)}`;
  const params = { region: scope.regionId, account: v.identity.admin ? scope.accountId : undefined };
  return html`<a class="key-id" href="${v.href(path, params)}">${keyId}</a>`;
}
