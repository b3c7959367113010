/** alicloud_kms_alias against the emulator, as terraform-provider-alicloud drives it (./kms-alias.sequence.ts). */
import { type TestEmulator, useEmulator } from '../support/emulator';
import { readyInstance } from '../support/instances';
import { kmsAlias } from './kms-alias.sequence';
import { kmsKey } from './kms-key.sequence';
import { plan } from './support/sdk';
import { converge, describe as describeDiffs, destroyAndVerify, importAndVerify, type Provider, providerFor } from './support/terraform';

let emu: TestEmulator;
let p: Provider;
useEmulator(
  (e) => {
    emu = e;
    p = providerFor(e);
  },
  { schedulerIntervalMs: 0, kms: { connectDelayMs: 200 } },
);

test('an alias moved from one key to another, imported, destroyed', async () => {
  const instance = await readyInstance(emu, { productVersion: '3' });
  const keyA = await converge(p, kmsKey, { dkms_instance_id: instance, pending_window_in_days: 7 });
  const keyB = await converge(p, kmsKey, { dkms_instance_id: instance, pending_window_in_days: 7 });
  p.wire.take();

  const config = { alias_name: 'alias/tf-orders', key_id: keyA.id };
  const alias = await converge(p, kmsAlias, config);
  expect(alias).toEqual({ id: 'alias/tf-orders', attrs: config });
  expect(p.wire.take()).toEqual(['Kms CreateAlias', `Kms ListAliases RegionId=${emu.region}`, `Kms ListAliases RegionId=${emu.region}`]);

  const moved = await converge(p, kmsAlias, { ...config, key_id: keyB.id }, alias);
  expect(moved.attrs.key_id).toBe(keyB.id);
  await importAndVerify(p, kmsAlias, moved);

  // The cloud's behaviour, kept: the key named by ARN reads back as its id, a diff on every plan.
  expect(describeDiffs(plan(kmsAlias.schema, { ...config, key_id: keyB.attrs.arn as string }, moved.attrs))).toBe(
    `key_id: "${keyB.id}" -> "${keyB.attrs.arn as string}"`,
  );

  await destroyAndVerify(p, kmsAlias, moved);
  for (const key of [keyA, keyB]) await destroyAndVerify(p, kmsKey, key);
});

test('aliases past the first ListAliases page are found', async () => {
  const key = await converge(p, kmsKey, { pending_window_in_days: 7, description: 'many aliases' });
  const aliases = [];
  for (let i = 0; i < 23; i++) aliases.push(await converge(p, kmsAlias, { alias_name: `alias/tf-page-${i}`, key_id: key.id }));
  for (const a of aliases) await destroyAndVerify(p, kmsAlias, a);
  await destroyAndVerify(p, kmsKey, key);
});
