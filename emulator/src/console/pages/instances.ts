/** The Instances tab: each KMS instance's kind, spec, state, VPC binding and quota use, drawn as bars. */
import type { Instance } from '../../domain/model';
import { html, when, type Html } from '../html';
import { page } from '../layout';
import type { View } from '../view';
import { instanceKeysUrl } from './keys';

/** The bar turns to the meter's "high" colour from this share of the quota. */
const HIGH = 0.8;

export async function instancesPage(v: View): Promise<Html> {
  v.authorize('ListKmsInstances');
  const instances = await v.kms.instances.list(v.scope);
  const cards = await Promise.all(instances.map((i) => card(v, i)));
  const body = html`<h1>Instances <small>${instances.length} in ${v.scope.regionId}</small></h1>
    ${cards}${instances.length === 0 ? html`<p class="empty">No KMS instances: buy one through BssOpenApi CreateInstance.</p>` : ''}`;
  return page(v, 'instances', 'Instances', body);
}

async function card(v: View, i: Instance): Promise<Html> {
  const quota = await v.kms.instances.quota(i);
  const status = v.kms.instances.status(i);
  const bars = quota
    .filter((q) => q.ResourceType !== 'qps')
    .map(
      (q) =>
        html`<div class="quota" data-resource="${q.ResourceType}">
          <span class="label">${q.ResourceType === 'key' ? 'Keys' : q.ResourceType === 'vpc' ? 'VPCs' : 'Secrets'}</span>
          <meter min="0" max="${q.ResourceQuota}" value="${q.UsedQuantity}" high="${q.ResourceQuota * HIGH}">
            ${q.UsedQuantity} of ${q.ResourceQuota}
          </meter>
          <span class="used">${q.UsedQuantity} / ${q.ResourceQuota}</span>
        </div>`,
    );
  const vpcs = [
    ...(i.connection ? [`${i.connection.vpcId} (${i.connection.vswitchIds.join(', ')}; zones ${i.connection.zoneIds.join(', ')})`] : []),
    ...i.bindVpcs.map((b) => `${b.vpcId} (${b.vswitchId}, ${b.regionId}, owner ${b.vpcOwnerId})`),
  ];
  return html`<section class="panel instance" data-instance-id="${i.instanceId}">
    <h2>
      ${i.instanceName !== i.instanceId ? `${i.instanceName} ` : ''}<code>${i.instanceId}</code>
      <span class="state ${status}">${status}</span>
    </h2>
    <dl class="meta">
      <dt>Kind</dt>
      <dd>${i.kind}${i.kind === 'hardware' ? ` (HSM: ${v.kms.hsm})` : ''}</dd>
      <dt>Spec</dt>
      <dd>${i.spec} QPS</dd>
      <dt>Charge</dt>
      <dd>${i.chargeType === 'PREPAY' ? `subscription, ends ${when(i.endsAt)}` : 'pay-as-you-go'}</dd>
      <dt>VPC binding</dt>
      <dd>${vpcs.length ? vpcs.join('; ') : 'not connected'}</dd>
    </dl>
    <div class="quotas">${bars}</div>
    <p><a href="${instanceKeysUrl(v, i.instanceId)}">Keys of this instance →</a></p>
  </section>`;
}
