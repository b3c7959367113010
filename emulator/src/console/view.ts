/**
 * What one console request sees and acts on: the signed-in identity and the account and region in view. The account
 * and region travel in every link and form (`?region=&account=`), so a page is what its URL says, and sessions hold
 * only who signed in. A tenant sees its own account; naming another is refused. Admins (the accounts file's admin
 * accounts, the default account when there is none, the admin token) may view any account, as on the admin endpoints.
 */
import { authorizeAccount, ownerAccess, type Access } from '../domain/authorization';
import type { Kms } from '../domain/kms';
import { KmsError, invalid } from '../domain/errors';
import type { Scope } from '../domain/model';
import type { Accounts } from '../wire/accounts';
import type { RequestRecord } from '../wire/server';
import { html, url, type Html } from './html';
import type { Flash, Identity, Session } from './sessions';

export interface ConsoleOptions {
  kms: Kms;
  accounts: Accounts;
  defaultRegion: string;
  adminToken?: string;
  /** The audit log (JSON lines) the Audit tab reads; no tab without it. */
  auditLog?: string;
  /** Each action the console performs is reported as one answered request, like an API call (metrics, request log). */
  observe?: (record: RequestRecord) => void;
  log?: (message: string) => void;
}

const ACCOUNT_ID = /^\d{16}$/;

export class View {
  constructor(
    readonly o: ConsoleOptions,
    readonly session: Session,
    readonly scope: Scope,
    /** The page's path and query, where forms return to. */
    readonly path: string,
    readonly query: URLSearchParams,
    /** The outcome of the action that led here, shown once. */
    readonly flash?: Flash,
  ) {}

  get kms(): Kms {
    return this.o.kms;
  }

  get identity(): Identity {
    return this.session.identity;
  }

  /**
   * `action` as the domain authorizes it: the signed-in access key's identity (a RAM user's policies hold in the
   * console as in the API); the admin token, or an admin viewing another account, acts as that account's owner.
   */
  access(action: string, touched?: (keyArn: string) => void): Access {
    const key = this.identity.accessKeyId === undefined ? undefined : this.o.accounts.find(this.identity.accessKeyId);
    const own = key !== undefined && key.accountId === this.scope.accountId;
    const access = own ? { scope: this.scope, caller: this.o.accounts.callerOf(key), action } : ownerAccess(this.scope, action);
    return touched ? { ...access, touched } : access;
  }

  /** Refuses what names no key (ListKeys, ListKmsInstances, CreateKey) when the caller's identity policies do. */
  authorize(action: string): void {
    authorizeAccount(this.access(action));
  }

  /** Accounts an admin may pick from: those with access keys (any other may be typed). */
  accountChoices(): string[] {
    return [...new Set(this.o.accounts.all().map((k) => k.accountId))];
  }

  /** A console link that keeps the region (and, for admins, the account) in view. */
  href(path: string, params: Readonly<Record<string, string | number | undefined>> = {}): string {
    return url(path, { region: this.scope.regionId, account: this.identity.admin ? this.scope.accountId : undefined, ...params });
  }

  /** The hidden fields that keep a form in the view's region (and, for admins, account). */
  scopeFields(): Html {
    return html`<input type="hidden" name="region" value="${this.scope.regionId}" />
      ${this.identity.admin ? html`<input type="hidden" name="account" value="${this.scope.accountId}" />` : ''}`;
  }

  /** The hidden fields every action form carries: the CSRF token, the scope, and the page to come back to. */
  formFields(back = this.path): Html {
    return html`<input type="hidden" name="_csrf" value="${this.session.csrf}" />
      ${this.scopeFields()}
      <input type="hidden" name="back" value="${back}" />`;
  }
}

/** The account and region `params` name, checked against who is asking. */
export function scopeOf(o: ConsoleOptions, identity: Identity, params: URLSearchParams): Scope {
  const regionId = params.get('region') || o.defaultRegion;
  if (!o.kms.regions.includes(regionId)) throw invalid('region');
  const named = params.get('account') || undefined;
  const accountId = named ?? identity.accountId ?? o.accounts.all()[0].accountId;
  if (!ACCOUNT_ID.test(accountId)) throw invalid('account');
  if (accountId !== identity.accountId && !identity.admin)
    throw new KmsError('Forbidden.NoPermission', `viewing account ${accountId} needs admin rights.`);
  return { accountId, regionId };
}
