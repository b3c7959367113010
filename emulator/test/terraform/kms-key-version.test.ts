/** alicloud_kms_key_version against the emulator, as terraform-provider-alicloud drives it (./kms-key-version.sequence.ts). */
import { readyInstance } from '../support/instances';
import { kmsKey } from './kms-key.sequence';
import { kmsKeyVersion } from './kms-key-version.sequence';
import { apply, converge, destroy, destroyAndVerify, importAndVerify, useTerraform, refresh } from './support/terraform';

const tf = useTerraform();

const DAY_MS = 86_400_000;

test('a key and its version in one apply; the next version waits 7 days; destroy leaves the version', async () => {
  const instance = await readyInstance(tf.emu, { productVersion: '3' });
  const key = await converge(tf.p, kmsKey, { dkms_instance_id: instance, key_spec: 'Aliyun_AES_256', pending_window_in_days: 7 });
  tf.p.wire.take();
  const version = await converge(tf.p, kmsKeyVersion, { key_id: key.id });
  expect(version.id).toMatch(new RegExp(`^${key.id}:`));
  expect(version.attrs).toEqual({ key_id: key.id, key_version_id: version.id.split(':')[1] });
  expect(tf.p.wire.take()).toEqual([
    'Kms CreateKeyVersion',
    `Kms DescribeKeyVersion RegionId=${tf.emu.region}`,
    `Kms DescribeKeyVersion RegionId=${tf.emu.region}`,
  ]);
  // The new version is the key's primary version now.
  expect((await refresh(tf.p, kmsKey, key))!.attrs.primary_key_version).toBe(version.attrs.key_version_id);
  await importAndVerify(tf.p, kmsKeyVersion, version);

  // The cloud's rule: one CreateKeyVersion per key every 7 days.
  await expect(apply(tf.p, kmsKeyVersion, { key_id: key.id })).rejects.toMatchObject({ code: 'Rejected.LimitExceeded' });
  await tf.emu.clock.advance(7 * DAY_MS);
  const next = await converge(tf.p, kmsKeyVersion, { key_id: key.id });
  expect(next.id).not.toBe(version.id);

  await destroy(tf.p, kmsKeyVersion, next);
  expect(await refresh(tf.p, kmsKeyVersion, next)).toEqual(next);
  await destroyAndVerify(tf.p, kmsKey, key);
});

test('a version of an asymmetric key', async () => {
  const instance = await readyInstance(tf.emu, { productVersion: '3' });
  const key = await converge(tf.p, kmsKey, {
    dkms_instance_id: instance,
    key_spec: 'RSA_2048',
    key_usage: 'SIGN/VERIFY',
    pending_window_in_days: 7,
  });
  const version = await converge(tf.p, kmsKeyVersion, { key_id: key.id });
  await importAndVerify(tf.p, kmsKeyVersion, version);
  await destroyAndVerify(tf.p, kmsKey, key);
});

test('a version of a key that does not exist reads as gone (DescribeKeyVersion answers 404)', async () => {
  expect(await refresh(tf.p, kmsKeyVersion, { id: 'key-nope:v-nope', attrs: {} })).toBeNull();
});
