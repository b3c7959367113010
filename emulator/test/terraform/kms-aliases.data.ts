/**
 * data "alicloud_kms_aliases", replayed call for call.
 *
 * Source: aliyun/terraform-provider-alicloud alicloud/data_source_alicloud_kms_aliases.go @
 * 051e248f27d108ffe4535e8b40b70b1fe43f7eac (alibaba-cloud-sdk-go: RegionId in every call).
 * ListAliases 50 a page until a short page, filtered by name_regex and `ids` (alias names).
 */
import { dataResourceIdHash, type DataSourceType } from './support/terraform';

const PAGE_SIZE_LARGE = 50;
const out = { type: 'string', computed: true } as const;

export const kmsAliasesData: DataSourceType = {
  name: 'alicloud_kms_aliases',
  sources: [{ file: 'alicloud/data_source_alicloud_kms_aliases.go', commit: '051e248f27d108ffe4535e8b40b70b1fe43f7eac' }],
  schema: {
    name_regex: { type: 'string', optional: true, forceNew: true },
    names: { type: 'list', computed: true },
    ids: { type: 'list', optional: true, computed: true },
    output_file: { type: 'string', optional: true },
    aliases: { type: 'list', computed: true, elem: { id: out, alias_name: out, key_id: out } },
  },
  async read(d, p) {
    const [regex, hasRegex] = d.getOk('name_regex');
    const wanted = new Set<string>(d.get('ids'));
    const objects: { AliasName: string; KeyId: string }[] = [];
    for (let page = 1; ; page++) {
      const aliases = (await p.classic('ListAliases', { PageSize: PAGE_SIZE_LARGE, PageNumber: page })).Aliases.Alias;
      for (const a of aliases) {
        if (hasRegex && !new RegExp(regex).test(a.AliasName)) continue;
        if (wanted.size > 0 && !wanted.has(a.AliasName)) continue;
        objects.push(a);
      }
      if (aliases.length < PAGE_SIZE_LARGE) break;
    }
    const ids = objects.map((o) => o.AliasName);
    d.setId(dataResourceIdHash(ids));
    d.set('ids', ids);
    d.set('names', ids);
    d.set(
      'aliases',
      objects.map((o) => ({ id: o.AliasName, alias_name: o.AliasName, key_id: o.KeyId })),
    );
  },
};
