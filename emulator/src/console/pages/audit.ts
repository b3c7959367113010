/** The Audit tab (with --audit-log): the latest calls of the account in view, filterable by key and principal. */
import { parseKeyArn } from '../../domain/ids';
import { readAudit } from '../../audit/reader';
import { html, type Html } from '../html';
import { keyLink, page } from '../layout';
import type { View } from '../view';

const SHOWN = 100;
/** How far back one look at the log reads at most. */
const SCAN_BYTES = 16 * 1024 * 1024;

export async function auditPage(v: View): Promise<Html> {
  const keyId = v.query.get('keyId')?.trim() ?? '';
  const principal = v.query.get('principal')?.trim() ?? '';
  // Newest first on the page.
  const entries = (
    await readAudit(v.o.auditLog!, { keyId, principal, accountId: v.scope.accountId, limit: SHOWN, scanBytes: SCAN_BYTES })
  ).reverse();
  const keyCell = (arn: string) => {
    const parsed = parseKeyArn(arn);
    return parsed ? keyLink(v, parsed.keyId, { accountId: parsed.account, regionId: parsed.region }) : arn;
  };
  const body = html`<h1>Audit <small>latest ${entries.length} calls of account ${v.scope.accountId}</small></h1>
    <form method="get" action="/console/audit" class="filters">
      ${v.scopeFields()}
      <label>Key <input name="keyId" value="${keyId}" placeholder="key ID or ARN" /></label>
      <label>Principal <input name="principal" value="${principal}" placeholder="user/name or ARN" /></label>
      <button type="submit">Filter</button>
    </form>
    <table class="list" id="audit">
      <thead>
        <tr>
          <th>Time</th>
          <th>Action</th>
          <th>Result</th>
          <th>Principal</th>
          <th>AccessKeyId</th>
          <th>Keys</th>
          <th>Source IP</th>
          <th>Latency</th>
          <th>RequestId</th>
        </tr>
      </thead>
      <tbody>
        ${entries.map(
          (e) =>
            html`<tr class="${e.code ? 'failed' : ''}">
              <td>${e.time}</td>
              <td>${e.action ?? '—'}</td>
              <td>${e.code ? `${e.code} (${e.status})` : `OK (${e.status})`}</td>
              <td>${e.principal ?? ''}</td>
              <td>${e.accessKeyId ?? ''}</td>
              <td>${(e.keys ?? []).map((arn, i) => html`${i ? ', ' : ''}${keyCell(arn)}`)}</td>
              <td>${e.sourceIp ?? ''}</td>
              <td>${typeof e.latencyMs === 'number' ? `${e.latencyMs.toFixed(1)} ms` : ''}</td>
              <td><code>${e.requestId}</code></td>
            </tr>`,
        )}
        ${
          entries.length === 0
            ? html`<tr>
                <td colspan="9" class="empty">No calls recorded${keyId || principal ? ' match' : ''}.</td>
              </tr>`
            : ''
        }
      </tbody>
    </table>`;
  return page(v, 'audit', 'Audit', body);
}
