/**
 * A key's page: its metadata as DescribeKey shows it, versions, aliases, tags, key policy, rotation and deletion
 * protection, and the actions on it. Each action form posts to the API action of the same name (console/actions.ts).
 */
import { keyMetadata } from '../../api/views';
import { LIMITS } from '../../domain/limits';
import type { Key } from '../../domain/model';
import { defaultKeyPolicy } from '../../domain/policy';
import { html, when, type Html } from '../html';
import { page } from '../layout';
import type { View } from '../view';

export async function keyPage(v: View, keyId: string): Promise<Html> {
  const key = await v.kms.keys.resolve(v.access('DescribeKey'), keyId);
  const aliases = (await v.kms.aliases.page(v.scope, key, 0, 100)).items;
  const meta = keyMetadata(key);
  const service = key.creatorType === 'Service';
  const body = html`<h1>
      ${key.keyId} <span class="state ${key.keyState}" id="key-state">${key.keyState}</span>
      ${key.defaultKey ? html`<span class="badge">default CMK</span>` : ''}
    </h1>
    <p><a href="${v.href('/console/keys')}">← All keys</a></p>
    ${service ? html`<p class="note">A service key, managed by ${key.creator}: it cannot be changed through KMS.</p>` : ''}
    <div class="columns">
      <section class="panel">
        <h2>Metadata</h2>
        <dl class="meta" id="metadata">
          ${Object.entries(meta).map(
            ([name, value]) =>
              html`<dt>${name}</dt>
                <dd>${String(value)}</dd>`,
          )}
        </dl>
      </section>
      <div>
        ${service ? '' : actions(v, key)}
        <section class="panel">
          <h2>Rotation</h2>
          <p id="rotation">
            ${
              key.rotation.enabled
                ? html`Automatic, every ${(key.rotation.intervalSeconds ?? 0) / 86400} days; next ${when(key.rotation.nextRotationAt)}
                  ${key.keyState === 'Enabled' ? '' : '(suspended while the key is not Enabled)'}`
                : 'Not rotated automatically.'
            }
            Last rotated ${when(key.rotation.lastRotatedAt ?? key.createdAt)}.
          </p>
          <h2>Deletion protection</h2>
          <p>${key.deletionProtection ? `On: ${key.deletionProtection.description || '(no description)'}` : 'Off.'}</p>
        </section>
      </div>
    </div>
    <section class="panel">
      <h2>Versions <small>${key.versions.length}</small></h2>
      <table class="list" id="versions">
        <thead>
          <tr>
            <th>Version ID</th>
            <th>Created</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${[...key.versions].reverse().map(
            (ver) =>
              html`<tr>
                <td>${ver.keyVersionId}</td>
                <td>${when(ver.createdAt)}</td>
                <td>${ver.keyVersionId === key.primaryKeyVersionId ? html`<span class="badge">primary</span>` : ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <div class="columns">
      <section class="panel">
        <h2>Aliases</h2>
        <ul id="aliases">
          ${aliases.map((a) => html`<li>${a.aliasName}</li>`)}
        </ul>
        ${aliases.length === 0 ? html`<p class="empty">No aliases.</p>` : ''}
        ${
          service
            ? ''
            : html`<form method="post" action="/console/do/CreateAlias" class="inline">
                ${v.formFields()}<input type="hidden" name="KeyId" value="${key.keyId}" />
                <label>Alias <input name="AliasName" placeholder="alias/my-key" required maxlength="${LIMITS.aliasNameMaxLength}" /></label>
                <button type="submit">Create alias</button>
              </form>`
        }
      </section>
      <section class="panel">
        <h2>Tags</h2>
        <table class="list" id="tags">
          <tbody>
            ${Object.entries(key.tags).map(
              ([k, value]) =>
                html`<tr>
                  <th>${k}</th>
                  <td>${value}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${Object.keys(key.tags).length === 0 ? html`<p class="empty">No tags.</p>` : ''}
        <form method="post" action="/console/do/TagResource" class="inline">
          ${v.formFields()}<input type="hidden" name="KeyId" value="${key.keyId}" />
          <label>Key <input name="TagKey" required maxlength="${LIMITS.tagLength}" /></label>
          <label>Value <input name="TagValue" maxlength="${LIMITS.tagLength}" /></label>
          <button type="submit">Tag</button>
        </form>
      </section>
    </div>
    <section class="panel">
      <h2>Key policy ${key.policy ? '' : html`<small>the default policy</small>`}</h2>
      <pre id="policy">${prettyJson(key.policy ?? defaultKeyPolicy(key.accountId))}</pre>
    </section>`;
  return page(v, 'keys', key.keyId, body);
}

/** The state changes the key's state allows (the domain refuses the rest anyway, with the API's answer). */
function actions(v: View, key: Key): Html {
  const form = (action: string, label: string, extra: Html | string = '', confirm?: string) =>
    html`<form method="post" action="/console/do/${action}" class="inline" ${confirm ? html`data-confirm="${confirm}"` : ''}>
      ${v.formFields()}<input type="hidden" name="KeyId" value="${key.keyId}" />${extra}
      <button type="submit" name="do" value="${action}" class="${confirm || action === 'DisableKey' ? 'danger' : ''}">${label}</button>
    </form>`;
  const { min, max } = LIMITS.pendingWindowDays;
  const forms: Html[] = [];
  if (key.keyState === 'Enabled') forms.push(form('DisableKey', 'Disable'));
  if (key.keyState === 'Disabled') forms.push(form('EnableKey', 'Enable'));
  if (key.keyState === 'PendingDeletion') forms.push(form('CancelKeyDeletion', 'Cancel deletion'));
  else
    forms.push(
      form(
        'ScheduleKeyDeletion',
        'Schedule deletion',
        html`<label class="row"
          >in <input name="PendingWindowInDays" type="number" min="${min}" max="${max}" value="30" required /> days</label
        >`,
        `Delete ${key.keyId} at the end of the window?`,
      ),
    );
  return html`<section class="panel" id="actions">
    <h2>Actions</h2>
    ${forms}${key.deleteAt !== undefined ? html`<p>Deleted at ${when(key.deleteAt)} unless cancelled.</p>` : ''}
  </section>`;
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
