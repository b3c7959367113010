/**
 * data "alicloud_kms_key_versions", replayed call for call.
 *
 * Source: aliyun/terraform-provider-alicloud alicloud/data_source_alicloud_kms_key_versions.go @
 * 0612d7569dc6c40e76b6758f08452274361dc863 (conn.DoRequest POST, body only, no RegionId).
 * ListKeyVersions(KeyId) 50 a page until a short page, filtered by `ids` (version ids);
 * create_time <- CreationDate.
 */
import { sprint } from './support/go-wire';
import { dataResourceIdHash, type DataSourceType } from './support/terraform';

const PAGE_SIZE_LARGE = 50;
const out = { type: 'string', computed: true } as const;

export const kmsKeyVersionsData: DataSourceType = {
  name: 'alicloud_kms_key_versions',
  sources: [{ file: 'alicloud/data_source_alicloud_kms_key_versions.go', commit: '0612d7569dc6c40e76b6758f08452274361dc863' }],
  schema: {
    key_id: { type: 'string', required: true, forceNew: true },
    ids: { type: 'list', optional: true, forceNew: true, computed: true },
    output_file: { type: 'string', optional: true },
    versions: { type: 'list', computed: true, elem: { create_time: out, key_id: out, id: out, key_version_id: out } },
  },
  async read(d, p) {
    const wanted = new Set<string>(d.get('ids'));
    const request = { KeyId: d.get('key_id'), PageSize: PAGE_SIZE_LARGE, PageNumber: 1 };
    const objects: Record<string, unknown>[] = [];
    for (;;) {
      const result: Record<string, unknown>[] = (await p.kms('ListKeyVersions', request)).KeyVersions.KeyVersion ?? [];
      objects.push(...result.filter((v) => wanted.size === 0 || wanted.has(sprint(v.KeyVersionId))));
      if (result.length < PAGE_SIZE_LARGE) break;
      request.PageNumber++;
    }
    const rows = objects.map((o) => ({
      create_time: o.CreationDate,
      key_id: o.KeyId,
      id: sprint(o.KeyVersionId),
      key_version_id: sprint(o.KeyVersionId),
    }));
    d.setId(dataResourceIdHash(rows.map((r) => r.id)));
    d.set(
      'ids',
      rows.map((r) => r.id),
    );
    d.set('versions', rows);
  },
};
