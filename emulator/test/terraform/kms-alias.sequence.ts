/**
 * alicloud_kms_alias, replayed call for call.
 *
 * Source: aliyun/terraform-provider-alicloud alicloud/resource_alicloud_kms_alias.go @
 * 0612d7569dc6c40e76b6758f08452274361dc863 (conn.DoRequest POST, all parameters in the body, no RegionId).
 * Create: CreateAlias(AliasName, KeyId), id = the alias name. Read: DescribeKmsAlias pages ListAliases (with RegionId)
 * until the name matches; not found clears the id. Update: UpdateAlias(AliasName, KeyId). Delete: DeleteAlias.
 * key_id is read back as the bare key id: a config naming the key by ARN or alias diffs forever (as in the cloud).
 */
import { describeKmsAlias } from './kms-service';
import { notFoundError } from './support/go-wire';
import type { ResourceData } from './support/sdk';
import type { Provider, ResourceType } from './support/terraform';

async function read(d: ResourceData, p: Provider) {
  let object;
  try {
    object = await describeKmsAlias(p, d.id);
  } catch (e) {
    if (notFoundError(e)) return d.setId('');
    throw e;
  }
  d.set('alias_name', d.id);
  d.set('key_id', object.KeyId);
}

export const kmsAlias: ResourceType = {
  name: 'alicloud_kms_alias',
  sources: [{ file: 'alicloud/resource_alicloud_kms_alias.go', commit: '0612d7569dc6c40e76b6758f08452274361dc863' }],
  schema: {
    alias_name: { type: 'string', required: true, forceNew: true },
    key_id: { type: 'string', required: true },
  },
  async create(d, p) {
    const request = { AliasName: d.get('alias_name'), KeyId: d.get('key_id') };
    await p.kms('CreateAlias', request);
    d.setId(request.AliasName);
    await read(d, p);
  },
  read,
  async update(d, p) {
    if (d.hasChange('key_id')) await p.kms('UpdateAlias', { AliasName: d.id, KeyId: d.get('key_id') });
    await read(d, p);
  },
  async delete(d, p) {
    await p.kms('DeleteAlias', { AliasName: d.id });
  },
};
