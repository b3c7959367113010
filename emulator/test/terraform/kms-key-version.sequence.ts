/**
 * alicloud_kms_key_version, replayed call for call.
 *
 * Source: aliyun/terraform-provider-alicloud alicloud/resource_alicloud_kms_key_version.go @
 * 0612d7569dc6c40e76b6758f08452274361dc863 (conn.DoRequest POST, body only).
 * Create: CreateKeyVersion(KeyId) - no RegionId -, id `<KeyId>:<KeyVersionId>` from the answer. Read: DescribeKeyVersion
 * with RegionId, KeyId and KeyVersionId from the id; key_id and key_version_id come from the id itself.
 * Delete: nothing ("Cannot destroy resourceAlicloudKmsKeyVersion", the version stays).
 */
import { describeKmsKeyVersion } from './kms-service';
import { notFoundError } from './support/go-wire';
import type { ResourceData } from './support/sdk';
import type { Provider, ResourceType } from './support/terraform';

async function read(d: ResourceData, p: Provider) {
  try {
    await describeKmsKeyVersion(p, d.id);
  } catch (e) {
    if (notFoundError(e)) return d.setId('');
    throw e;
  }
  const [keyId, keyVersionId] = d.id.split(':');
  d.set('key_id', keyId);
  d.set('key_version_id', keyVersionId);
}

export const kmsKeyVersion: ResourceType = {
  name: 'alicloud_kms_key_version',
  sources: [{ file: 'alicloud/resource_alicloud_kms_key_version.go', commit: '0612d7569dc6c40e76b6758f08452274361dc863' }],
  schema: {
    key_id: { type: 'string', required: true, forceNew: true },
    key_version_id: { type: 'string', computed: true },
  },
  async create(d, p) {
    const response = await p.kms('CreateKeyVersion', { KeyId: d.get('key_id') });
    d.setId(`${response.KeyVersion.KeyId}:${response.KeyVersion.KeyVersionId}`);
    await read(d, p);
  },
  read,
  async delete() {
    // [WARN] Cannot destroy resourceAlicloudKmsKeyVersion. Terraform will remove this resource from the state file.
  },
};
