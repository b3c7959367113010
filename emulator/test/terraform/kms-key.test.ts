/**
 * alicloud_kms_key against the emulator, as terraform-provider-alicloud drives it (./kms-key.sequence.ts):
 * create -> refresh -> plan -> update -> refresh -> plan -> import -> destroy -> refresh, with no perpetual diff.
 */
import { readyInstance } from '../support/instances';
import { kmsKey } from './kms-key.sequence';
import { SdkError } from './support/go-wire';
import { plan } from './support/sdk';
import { converge, describe as describeDiffs, destroy, destroyAndVerify, importAndVerify, useTerraform } from './support/terraform';

const tf = useTerraform();
beforeEach(() => tf.p.wire.take());

const POLICY = JSON.stringify({
  Version: '1',
  Statement: [{ Sid: 'owner', Effect: 'Allow', Principal: { RAM: ['acs:ram::1234567890123456:*'] }, Action: ['kms:*'], Resource: ['*'] }],
});

test('a plain alicloud_kms_key {} on a fresh account, then automatic rotation, then destroy', async () => {
  const plain = { pending_window_in_days: 7 };
  const key = await converge(tf.p, kmsKey, plain);
  expect(key.attrs).toMatchObject({
    key_spec: 'Aliyun_AES_256',
    protection_level: 'SOFTWARE',
    status: 'Enabled',
    automatic_rotation: 'Disabled',
  });
  // CreateKey, DescribeKey and GetKeyPolicy name no region; the tag calls send client.RegionId.
  expect(tf.p.wire.take()).toEqual([
    'Kms CreateKey',
    'Kms DescribeKey',
    `Kms ListTagResources RegionId=${tf.emu.region}`,
    'Kms DescribeKey',
    `Kms ListTagResources RegionId=${tf.emu.region}`,
  ]);

  const rotating = { ...plain, automatic_rotation: 'Enabled', rotation_interval: '31536000s' };
  const rotated = await converge(tf.p, kmsKey, rotating, key);
  expect(rotated.attrs).toMatchObject({ automatic_rotation: 'Enabled', rotation_interval: '31536000s' });
  expect(tf.p.wire.take()).toContain('Kms UpdateRotationPolicy');
  // The cloud's own behaviour, kept: DescribeKey answers seconds, so "365d" in the config is a diff on every plan.
  expect(describeDiffs(plan(kmsKey.schema, { ...rotating, rotation_interval: '365d' }, rotated.attrs))).toBe(
    'rotation_interval: "31536000s" -> "365d"',
  );

  await importAndVerify(tf.p, kmsKey, rotated);
  await destroyAndVerify(tf.p, kmsKey, rotated);
  expect(tf.p.wire.take()).toContain('Kms ScheduleKeyDeletion');
});

test('destroy without pending_window_in_days is the provider refusing, before any call', async () => {
  const key = await converge(tf.p, kmsKey, { pending_window_in_days: 7 });
  tf.p.wire.take();
  await expect(destroy(tf.p, kmsKey, { ...key, attrs: { ...key.attrs, pending_window_in_days: undefined } })).rejects.toThrow(
    /pending_window_in_days.*must be set/,
  );
  expect(tf.p.wire.take()).toEqual([]);
  await destroyAndVerify(tf.p, kmsKey, key);
});

test('a key in a software instance: policy, tags, description and rotation, changed and imported', async () => {
  const instance = await readyInstance(tf.emu, { productVersion: '3' });
  const config = {
    dkms_instance_id: instance,
    key_spec: 'Aliyun_AES_256',
    description: 'orders',
    policy: POLICY,
    tags: { env: 'dev', team: 'kms' },
    automatic_rotation: 'Enabled',
    rotation_interval: '604800s',
    pending_window_in_days: 7,
  };
  const key = await converge(tf.p, kmsKey, config);
  expect(key.attrs).toMatchObject({ dkms_instance_id: instance, protection_level: 'SOFTWARE', tags: config.tags, policy: POLICY });
  // The wire: no RegionId, the boolean as a string, the tags as one JSON parameter (json.Marshal: keys sorted).
  expect(tf.p.wire.calls.find((c) => c.action === 'CreateKey')!.params).toEqual({
    Description: 'orders',
    ProtectionLevel: 'SOFTWARE',
    RotationInterval: '604800s',
    KeySpec: 'Aliyun_AES_256',
    Policy: POLICY,
    EnableAutomaticRotation: 'true',
    DKMSInstanceId: instance,
    Tags: '[{"TagKey":"env","TagValue":"dev"},{"TagKey":"team","TagValue":"kms"}]',
  });

  // The same policy with its keys in another order is no change (compareJsonTemplateAreEquivalent).
  const reordered = JSON.stringify({ Statement: JSON.parse(POLICY).Statement, Version: '1' });
  expect(plan(kmsKey.schema, { ...config, policy: reordered }, key.attrs)).toEqual([]);

  const policy2 = JSON.stringify({ Version: '1', Statement: [] });
  const changed = { ...config, description: 'orders v2', policy: policy2, tags: { env: 'prod' }, rotation_interval: '2592000s' };
  const updated = await converge(tf.p, kmsKey, changed, key);
  expect(updated.attrs).toMatchObject({ description: 'orders v2', tags: { env: 'prod' }, rotation_interval: '2592000s' });
  expect(tf.p.wire.take()).toEqual(
    expect.arrayContaining([
      'Kms UpdateKeyDescription',
      'Kms UpdateRotationPolicy',
      'Kms SetKeyPolicy',
      `Kms UntagResources RegionId=${tf.emu.region}`,
      `Kms TagResources RegionId=${tf.emu.region}`,
    ]),
  );

  await importAndVerify(tf.p, kmsKey, updated);
  await destroyAndVerify(tf.p, kmsKey, updated);
});

test('status changes and deletion protection', async () => {
  const instance = await readyInstance(tf.emu, { productVersion: '3' });
  const base = { dkms_instance_id: instance, pending_window_in_days: 7 };
  const protectedKey = { ...base, status: 'Disabled', deletion_protection: 'Enabled', deletion_protection_description: 'in use' };
  const key = await converge(tf.p, kmsKey, protectedKey);
  expect(key.attrs).toMatchObject({
    status: 'Disabled',
    is_enabled: false,
    deletion_protection: 'Enabled',
    deletion_protection_description: 'in use',
  });
  expect(tf.p.wire.calls.find((c) => c.action === 'SetDeletionProtection')!.params).toEqual({
    KeyId: key.id,
    DeletionProtectionDescription: 'in use',
    EnableDeletionProtection: 'true',
  });

  // A protected key cannot be destroyed: the provider passes the cloud's refusal on.
  await expect(destroy(tf.p, kmsKey, key)).rejects.toBeInstanceOf(SdkError);

  const enabled = await converge(tf.p, kmsKey, { ...base, status: 'Enabled', deletion_protection: 'Disabled' }, key);
  expect(enabled.attrs).toMatchObject({ status: 'Enabled', deletion_protection: 'Disabled', deletion_protection_description: '' });
  await importAndVerify(tf.p, kmsKey, enabled);
  await destroyAndVerify(tf.p, kmsKey, enabled);
});

test('a key in a hardware instance: protection_level "HSM" in the config, else a replacement on every plan', async () => {
  const instance = await readyInstance(tf.emu, { productVersion: '5' });
  const config = {
    dkms_instance_id: instance,
    protection_level: 'HSM',
    key_spec: 'Aliyun_AES_256',
    description: 'hsm',
    pending_window_in_days: 7,
  };
  const key = await converge(tf.p, kmsKey, config);
  expect(key.attrs).toMatchObject({ protection_level: 'HSM', dkms_instance_id: instance });
  const config2 = { ...config, description: 'hsm v2' };
  const updated = await converge(tf.p, kmsKey, config2, key);
  await importAndVerify(tf.p, kmsKey, updated);

  // The cloud's own trap, documented: without protection_level the provider's default SOFTWARE forces a new key.
  const { protection_level: _, ...withoutLevel } = config2;
  expect(describeDiffs(plan(kmsKey.schema, withoutLevel, updated.attrs))).toBe(
    'protection_level: "HSM" -> "SOFTWARE" (forces replacement)',
  );
  await destroyAndVerify(tf.p, kmsKey, updated);
});

test('asymmetric keys in a software instance', async () => {
  const instance = await readyInstance(tf.emu, { productVersion: '3' });
  for (const [key_spec, key_usage] of [
    ['RSA_2048', 'SIGN/VERIFY'],
    ['EC_P256', 'SIGN/VERIFY'],
    ['RSA_3072', 'ENCRYPT/DECRYPT'],
  ]) {
    const key = await converge(tf.p, kmsKey, { dkms_instance_id: instance, key_spec, key_usage, pending_window_in_days: 7 });
    expect(key.attrs).toMatchObject({ key_spec, key_usage });
    await destroyAndVerify(tf.p, kmsKey, key);
  }
});
