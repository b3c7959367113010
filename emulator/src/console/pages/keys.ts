/** The Keys tab: the account's CMKs in the region, filtered (state, spec, instance, tag) and paged; a create form. */
import type { KeyFilter, KeyQuery } from '../../domain/ports/store';
import { KEY_SPECS, KEY_STATES, KEY_USAGES } from '../../domain/specs';
import { html, options, when, type Html } from '../html';
import { keyLink, page } from '../layout';
import type { View } from '../view';

const PAGE_SIZE = 20;
/** The instance filter's value for keys outside any instance (KMS 1.0 and default keys). */
export const NO_INSTANCE = '-';

export async function keysPage(v: View): Promise<Html> {
  const q = v.query;
  const state = pick(q.get('state'), KEY_STATES);
  const spec = pick(q.get('spec'), KEY_SPECS);
  const instance = q.get('instance') ?? '';
  const tag = q.get('tag') ?? '';
  const pageNumber = Math.max(1, Math.min(1_000_000, Number.parseInt(q.get('page') ?? '1', 10) || 1));
  v.authorize('ListKeys');
  const { items, total } = await v.kms.keys.page(v.scope, keyQuery(state, spec, instance, tag), (pageNumber - 1) * PAGE_SIZE, PAGE_SIZE);
  const instances = await v.kms.instances.list(v.scope);
  const aliases = await Promise.all(items.map((k) => v.kms.aliases.page(v.scope, k, 0, 3)));
  const filters = { state, spec, instance, tag };
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const instanceLabels = { '': 'any', [NO_INSTANCE]: 'none (KMS 1.0, default)' };
  const body = html`<h1>Keys <small>${total} in ${v.scope.regionId}</small></h1>
    <form class="filters" method="get" action="/console/keys">
      ${v.scopeFields()}
      <label
        >State
        <select name="state">
          ${options(['', ...KEY_STATES], state ?? '', { '': 'any' })}
        </select></label
      >
      <label
        >Spec
        <select name="spec">
          ${options(['', ...KEY_SPECS], spec ?? '', { '': 'any' })}
        </select></label
      >
      <label
        >Instance
        <select name="instance">
          ${options(['', NO_INSTANCE, ...instances.map((i) => i.instanceId)], instance, instanceLabels)}
        </select></label
      >
      <label>Tag <input name="tag" value="${tag}" placeholder="key or key=value" /></label>
      <button type="submit">Filter</button>
    </form>
    <div class="scroll">
      <table class="list" id="keys">
        <thead>
          <tr>
            <th>Key ID</th>
            <th>Aliases</th>
            <th>State</th>
            <th>Spec</th>
            <th>Usage</th>
            <th>Protection</th>
            <th>Instance</th>
            <th>Created</th>
            <th>Description</th>
          </tr>
        </thead>
        <tbody>
          ${items.map(
            (k, i) =>
              html`<tr data-key-id="${k.keyId}">
                <td class="key">${keyLink(v, k.keyId)}${k.defaultKey ? html` <span class="badge">default</span>` : ''}</td>
                <td>${aliases[i].items.map((a) => a.aliasName).join(', ')}${aliases[i].total > 3 ? ' …' : ''}</td>
                <td><span class="state ${k.keyState}">${k.keyState}</span></td>
                <td>${k.keySpec}</td>
                <td>${k.keyUsage}</td>
                <td>${k.protectionLevel}</td>
                <td class="instance">${k.dkmsInstanceId ?? '—'}</td>
                <td class="when">${when(k.createdAt)}</td>
                <td class="description">${k.description}</td>
              </tr>`,
          )}
          ${
            items.length === 0
              ? html`<tr>
                  <td colspan="9" class="empty">No keys match.</td>
                </tr>`
              : ''
          }
        </tbody>
      </table>
    </div>
    <nav class="pager">
      ${pageNumber > 1 ? html`<a href="${v.href('/console/keys', { ...filters, page: pageNumber - 1 })}">← Previous</a>` : ''}
      <span>Page ${pageNumber} of ${pages}</span>
      ${pageNumber < pages ? html`<a href="${v.href('/console/keys', { ...filters, page: pageNumber + 1 })}">Next →</a>` : ''}
    </nav>
    ${createForm(
      v,
      instances.map((i) => i.instanceId),
    )}`;
  return page(v, 'keys', 'Keys', body);
}

function createForm(v: View, instanceIds: string[]): Html {
  return html`<section class="panel">
    <h2>Create a key</h2>
    <form method="post" action="/console/do/CreateKey" class="inline" id="create-key">
      ${v.formFields()}
      <label
        >Spec
        <select name="KeySpec">
          ${options(KEY_SPECS, 'Aliyun_AES_256')}
        </select></label
      >
      <label
        >Usage
        <select name="KeyUsage">
          ${options(KEY_USAGES, 'ENCRYPT/DECRYPT')}
        </select></label
      >
      <label
        >Instance
        <select name="DKMSInstanceId">
          ${options(['', ...instanceIds], '', { '': 'none (KMS 1.0 key)' })}
        </select></label
      >
      <label>Description <input name="Description" maxlength="8192" /></label>
      <button type="submit">Create key</button>
    </form>
  </section>`;
}

/** The filter form's values as a store query (a tag is `key` or `key=value`). */
function keyQuery(state: string | undefined, spec: string | undefined, instance: string, tag: string): KeyQuery {
  const filters: KeyFilter[] = [];
  if (state) filters.push({ field: 'KeyState', values: [state] });
  if (spec) filters.push({ field: 'KeySpec', values: [spec] });
  if (instance === NO_INSTANCE) filters.push({ field: 'DKMSInstanceId', values: [''] });
  const eq = tag.indexOf('=');
  const tags = tag ? [eq < 0 ? { key: tag } : { key: tag.slice(0, eq), value: tag.slice(eq + 1) }] : undefined;
  return { filters, instanceId: instance && instance !== NO_INSTANCE ? instance : undefined, tags };
}

const pick = <T extends string>(value: string | null, allowed: readonly T[]): T | undefined =>
  allowed.includes(value as T) ? (value as T) : undefined;

/** The Keys tab filtered to one instance's keys. */
export const instanceKeysUrl = (v: View, instanceId: string) => v.href('/console/keys', { instance: instanceId });
