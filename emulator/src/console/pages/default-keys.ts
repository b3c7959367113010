/**
 * The Default Keys tab, as the cloud console has it: the region's default CMK ("provided by default … to use it,
 * simply enable it": its Enable action makes or enables it), the service keys cloud products made under
 * `alias/acs/<product>`, and the KMS 1.0 keys (user keys outside any instance).
 */
import { SERVICE_ALIAS_PREFIX } from '../../domain/keys';
import type { Key } from '../../domain/model';
import { html, when, type Html } from '../html';
import { keyLink, page } from '../layout';
import type { View } from '../view';

/** Listed per section; more are counted, and the Keys tab filters them all. */
const SHOWN = 100;

export async function defaultKeysPage(v: View): Promise<Html> {
  v.authorize('ListKeys');
  const { keys } = v.kms;
  const defaultKey = await keys.findDefaultKey(v.scope);
  const service = await keys.page(v.scope, { filters: [{ field: 'CreatorType', values: ['Service'] }] }, 0, SHOWN);
  const instanceLess = await keys.page(
    v.scope,
    {
      filters: [
        { field: 'DKMSInstanceId', values: [''] },
        { field: 'CreatorType', values: ['User'] },
      ],
    },
    0,
    SHOWN + 1,
  );
  const kms10 = instanceLess.items.filter((k) => !k.defaultKey).slice(0, SHOWN);
  const kms10Total = instanceLess.total - (defaultKey ? 1 : 0);
  const row = (k: Key, first: Html | string) =>
    html`<tr data-key-id="${k.keyId}">
      <td>${first}</td>
      <td>${keyLink(v, k.keyId)}</td>
      <td><span class="state ${k.keyState}">${k.keyState}</span></td>
      <td>${k.keySpec}</td>
      <td>${when(k.createdAt)}</td>
    </tr>`;
  const table = (id: string, first: string, rows: Html[], empty: string) =>
    html`<table class="list" id="${id}">
      <thead>
        <tr>
          <th>${first}</th>
          <th>Key ID</th>
          <th>State</th>
          <th>Spec</th>
          <th>Created</th>
        </tr>
      </thead>
      <tbody>
        ${rows}${
          rows.length === 0
            ? html`<tr>
                <td colspan="5" class="empty">${empty}</td>
              </tr>`
            : ''
        }
      </tbody>
    </table>`;
  const body = html`<h1>Default Keys <small>${v.scope.regionId}</small></h1>
    <section class="panel" id="default-cmk">
      <h2>Default CMK</h2>
      ${
        defaultKey
          ? table('default-cmk-table', 'Alias', [row(defaultKey, 'default CMK')], '')
          : html`<p class="empty">This region has no default CMK yet.</p>`
      }
      ${
        !defaultKey || defaultKey.keyState === 'Disabled'
          ? html`<form method="post" action="/console/do/EnableDefaultKey" class="inline">
              ${v.formFields()}
              <button type="submit">Enable the default CMK</button>
            </form>`
          : ''
      }
    </section>
    <section class="panel">
      <h2>Service keys <small>${service.total}</small></h2>
      <p class="hint">Made by cloud products on first use of <code>${SERVICE_ALIAS_PREFIX}&lt;product&gt;</code>.</p>
      ${table(
        'service-keys',
        'Product',
        service.items.map((k) => row(k, html`${k.creator} <code>${SERVICE_ALIAS_PREFIX}${k.creator}</code>`)),
        'No service keys.',
      )}
    </section>
    <section class="panel">
      <h2>KMS 1.0 keys <small>${kms10Total}</small></h2>
      <p class="hint">Keys outside any KMS instance.</p>
      ${table(
        'kms10-keys',
        'Description',
        kms10.map((k) => row(k, k.description)),
        'No KMS 1.0 keys.',
      )}
    </section>`;
  return page(v, 'default-keys', 'Default Keys', body);
}
