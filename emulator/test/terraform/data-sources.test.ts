/**
 * The KMS data sources against the emulator, as terraform-provider-alicloud reads them: alicloud_kms_keys,
 * alicloud_kms_aliases, alicloud_kms_instances and alicloud_kms_key_versions (./kms-*.data.ts).
 */
import { kmsAlias } from './kms-alias.sequence';
import { kmsAliasesData } from './kms-aliases.data';
import { kmsInstance } from './kms-instance.sequence';
import { kmsInstancesData } from './kms-instances.data';
import { kmsKey } from './kms-key.sequence';
import { kmsKeyVersion } from './kms-key-version.sequence';
import { kmsKeyVersionsData } from './kms-key-versions.data';
import { kmsKeysData } from './kms-keys.data';
import { apply, converge, type Instance, useTerraform, readDataSource } from './support/terraform';

const tf = useTerraform();

let instance: Instance;
let keys: Instance[];
beforeAll(async () => {
  const network = {
    vpc_id: 'vpc-bp1tf000000000000001',
    zone_ids: ['cn-hangzhou-k', 'cn-hangzhou-j'],
    vswitch_ids: ['vsw-bp1tf000000000000001'],
  };
  // Setup only (the resources' own sequences are checked in their files): apply, without the plan check.
  instance = await apply(tf.p, kmsInstance, { ...network, vpc_num: 1, key_num: 1000, secret_num: 0, spec: 1000, product_version: '3' });
  const base = { dkms_instance_id: instance.id, pending_window_in_days: 7 };
  keys = [
    await converge(tf.p, kmsKey, { ...base, description: 'tf-data orders' }),
    await converge(tf.p, kmsKey, { ...base, description: 'tf-data payments', status: 'Disabled' }),
    await converge(tf.p, kmsKey, { ...base, description: 'unrelated' }),
  ];
  await converge(tf.p, kmsAlias, { alias_name: 'alias/tf-data-orders', key_id: keys[0].id });
  await converge(tf.p, kmsAlias, { alias_name: 'alias/tf-data-payments', key_id: keys[1].id });
});
beforeEach(() => tf.p.wire.take());

test('alicloud_kms_keys: description_regex, status and ids filters, every call with RegionId', async () => {
  const byDescription = await readDataSource(tf.p, kmsKeysData, { description_regex: '^tf-data' });
  expect(byDescription.ids).toEqual(expect.arrayContaining([keys[0].id, keys[1].id]));
  expect(byDescription.ids).toHaveLength(2);
  expect(byDescription.keys).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ id: keys[1].id, arn: keys[1].attrs.arn, description: 'tf-data payments', status: 'Disabled' }),
    ]),
  );
  expect(new Set(tf.p.wire.take().map((c) => c.replace(/ .*RegionId=/, ' RegionId=')))).toEqual(new Set([`Kms RegionId=${tf.emu.region}`]));

  expect((await readDataSource(tf.p, kmsKeysData, { description_regex: '^tf-data', status: 'Enabled' })).ids).toEqual([keys[0].id]);
  expect((await readDataSource(tf.p, kmsKeysData, { ids: [keys[2].id] })).keys).toEqual([
    expect.objectContaining({ id: keys[2].id, description: 'unrelated' }),
  ]);
});

test('alicloud_kms_aliases: name_regex and ids', async () => {
  const all = await readDataSource(tf.p, kmsAliasesData, { name_regex: '^alias/tf-data-' });
  expect(all.names).toEqual(expect.arrayContaining(['alias/tf-data-orders', 'alias/tf-data-payments']));
  const one = await readDataSource(tf.p, kmsAliasesData, { ids: ['alias/tf-data-payments'] });
  expect(one.aliases).toEqual([{ id: 'alias/tf-data-payments', alias_name: 'alias/tf-data-payments', key_id: keys[1].id }]);
});

test('alicloud_kms_instances: pages of 5, filtered by ids', async () => {
  expect((await readDataSource(tf.p, kmsInstancesData, {})).ids).toContain(instance.id);
  expect(await readDataSource(tf.p, kmsInstancesData, { ids: [instance.id] })).toMatchObject({
    ids: [instance.id],
    instances: [{ instance_id: instance.id }],
  });
  expect(tf.p.wire.take().every((c) => c === 'Kms ListKmsInstances')).toBe(true);
});

test('alicloud_kms_key_versions: the initial version, and one made by alicloud_kms_key_version', async () => {
  const initial = await readDataSource(tf.p, kmsKeyVersionsData, { key_id: keys[0].id });
  expect(initial.versions).toEqual([
    {
      create_time: expect.any(String),
      key_id: keys[0].id,
      id: keys[0].attrs.primary_key_version,
      key_version_id: keys[0].attrs.primary_key_version,
    },
  ]);
  const made = await converge(tf.p, kmsKeyVersion, { key_id: keys[0].id });
  const madeId = String(made.attrs.key_version_id);
  const both = await readDataSource(tf.p, kmsKeyVersionsData, { key_id: keys[0].id });
  expect(both.ids).toEqual(expect.arrayContaining([keys[0].attrs.primary_key_version, madeId]));
  expect((await readDataSource(tf.p, kmsKeyVersionsData, { key_id: keys[0].id, ids: [madeId] })).ids).toEqual([madeId]);
});
