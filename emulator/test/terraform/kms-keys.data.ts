/**
 * data "alicloud_kms_keys", replayed call for call.
 *
 * Source: aliyun/terraform-provider-alicloud alicloud/data_source_alicloud_kms_keys.go @
 * 0507d3adeeea1e7a978231a729f774cc27cddd3c (alibaba-cloud-sdk-go: RegionId in every call).
 * ListKeys 50 a page (PageSize, PageNumber) until a short page, keeping `ids` when given; then DescribeKey per key,
 * filtered by description_regex and status. Keys pending deletion are listed too (filter with status).
 */
import { dataResourceIdHash, type DataSourceType } from './support/terraform';

const PAGE_SIZE_LARGE = 50;
const out = { type: 'string', computed: true } as const;

export const kmsKeysData: DataSourceType = {
  name: 'alicloud_kms_keys',
  sources: [{ file: 'alicloud/data_source_alicloud_kms_keys.go', commit: '0507d3adeeea1e7a978231a729f774cc27cddd3c' }],
  schema: {
    ids: { type: 'list', optional: true, forceNew: true },
    description_regex: { type: 'string', optional: true, forceNew: true },
    status: { type: 'string', optional: true, forceNew: true },
    output_file: { type: 'string', optional: true },
    keys: {
      type: 'list',
      computed: true,
      elem: { id: out, arn: out, description: out, status: out, creation_date: out, delete_date: out, creator: out },
    },
  },
  async read(d, p) {
    const wanted = new Set<string>(d.get('ids'));
    const keyIds: string[] = [];
    for (let page = 1; ; page++) {
      const keys: { KeyId: string }[] = (await p.classic('ListKeys', { PageSize: PAGE_SIZE_LARGE, PageNumber: page })).Keys.Key;
      for (const k of keys) if (wanted.size === 0 || wanted.has(k.KeyId)) keyIds.push(k.KeyId);
      if (keys.length < PAGE_SIZE_LARGE) break;
    }
    const [regex, hasRegex] = d.getOk('description_regex');
    const [status, hasStatus] = d.getOk('status');
    const rows = [];
    for (const k of keyIds) {
      const m = (await p.classic('DescribeKey', { KeyId: k })).KeyMetadata;
      if (hasRegex && !new RegExp(regex).test(m.Description)) continue;
      if (hasStatus && status !== m.KeyState) continue;
      const { KeyId: id, Arn: arn, Description: description, KeyState, CreationDate, DeleteDate, Creator: creator } = m;
      rows.push({ id, arn, description, status: KeyState, creation_date: CreationDate, delete_date: DeleteDate, creator });
    }
    const ids = rows.map((r) => r.id);
    d.setId(dataResourceIdHash(ids));
    d.set('keys', rows);
    d.set('ids', ids);
  },
};
