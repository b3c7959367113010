/**
 * data "alicloud_kms_instances", replayed call for call.
 *
 * Source: aliyun/terraform-provider-alicloud alicloud/data_source_alicloud_kms_instances.go @
 * 224c72a7a78820448ae0c5df3b20ba1ed4ec20ad (client.RpcPost, no RegionId).
 * ListKmsInstances 5 a page (PageSize, PageNumber in the body) until a short page, filtered by `ids`;
 * the only output per instance is its id.
 */
import { dataResourceIdHash, type DataSourceType } from './support/terraform';

export const kmsInstancesData: DataSourceType = {
  name: 'alicloud_kms_instances',
  sources: [{ file: 'alicloud/data_source_alicloud_kms_instances.go', commit: '224c72a7a78820448ae0c5df3b20ba1ed4ec20ad' }],
  schema: {
    ids: { type: 'list', optional: true, forceNew: true, computed: true },
    page_number: { type: 'int', optional: true, forceNew: true },
    page_size: { type: 'int', optional: true, forceNew: true },
    instances: { type: 'list', computed: true, elem: { instance_id: { type: 'string', computed: true } } },
    output_file: { type: 'string', optional: true, forceNew: true },
  },
  async read(d, p) {
    const wanted = new Set<string>(d.get('ids'));
    const request = { PageSize: 5, PageNumber: 1 };
    const objects: { KmsInstanceId: string }[] = [];
    for (;;) {
      const result: { KmsInstanceId: string }[] = (await p.kms('ListKmsInstances', request)).KmsInstances?.KmsInstance ?? [];
      objects.push(...result.filter((i) => wanted.size === 0 || wanted.has(String(i.KmsInstanceId))));
      if (result.length < 5) break;
      request.PageNumber++;
    }
    const ids = objects.map((o) => String(o.KmsInstanceId));
    d.setId(dataResourceIdHash(ids));
    d.set('ids', ids);
    d.set(
      'instances',
      objects.map((o) => ({ instance_id: o.KmsInstanceId })),
    );
  },
};
