/** alicloud_kms_alias against the emulator, as terraform-provider-alicloud drives it (./kms-alias.sequence.ts). */
import { readyInstance } from '../support/instances';
import { kmsAlias } from './kms-alias.sequence';
import { kmsKey } from './kms-key.sequence';
import { plan } from './support/sdk';
import { converge, describe as describeDiffs, destroyAndVerify, importAndVerify, useTerraform } from './support/terraform';

const tf = useTerraform();

test('an alias moved from one key to another, imported, destroyed', async () => {
  const instance = await readyInstance(tf.emu, { productVersion: '3' });
  const keyA = await converge(tf.p, kmsKey, { dkms_instance_id: instance, pending_window_in_days: 7 });
  const keyB = await converge(tf.p, kmsKey, { dkms_instance_id: instance, pending_window_in_days: 7 });
  tf.p.wire.take();

  const config = { alias_name: 'alias/tf-orders', key_id: keyA.id };
  const alias = await converge(tf.p, kmsAlias, config);
  expect(alias).toEqual({ id: 'alias/tf-orders', attrs: config });
  expect(tf.p.wire.take()).toEqual([
    'Kms CreateAlias',
    `Kms ListAliases RegionId=${tf.emu.region}`,
    `Kms ListAliases RegionId=${tf.emu.region}`,
  ]);

  const moved = await converge(tf.p, kmsAlias, { ...config, key_id: keyB.id }, alias);
  expect(moved.attrs.key_id).toBe(keyB.id);
  await importAndVerify(tf.p, kmsAlias, moved);

  // The cloud's behaviour, kept: the key named by ARN reads back as its id, a diff on every plan.
  expect(describeDiffs(plan(kmsAlias.schema, { ...config, key_id: keyB.attrs.arn as string }, moved.attrs))).toBe(
    `key_id: "${keyB.id}" -> "${keyB.attrs.arn as string}"`,
  );

  await destroyAndVerify(tf.p, kmsAlias, moved);
  for (const key of [keyA, keyB]) await destroyAndVerify(tf.p, kmsKey, key);
});

test('aliases past the first ListAliases page are found', async () => {
  const key = await converge(tf.p, kmsKey, { pending_window_in_days: 7, description: 'many aliases' });
  const aliases = [];
  for (let i = 0; i < 23; i++) aliases.push(await converge(tf.p, kmsAlias, { alias_name: `alias/tf-page-${i}`, key_id: key.id }));
  for (const a of aliases) await destroyAndVerify(tf.p, kmsAlias, a);
  await destroyAndVerify(tf.p, kmsKey, key);
});
