/** alicloud_kms_key_version against the emulator, as terraform-provider-alicloud drives it (./kms-key-version.sequence.ts). */
import { type TestEmulator, useEmulator } from '../support/emulator';
import { readyInstance } from '../support/instances';
import { kmsKey } from './kms-key.sequence';
import { kmsKeyVersion } from './kms-key-version.sequence';
import { apply, converge, destroy, destroyAndVerify, importAndVerify, type Provider, providerFor, refresh } from './support/terraform';

let emu: TestEmulator;
let p: Provider;
useEmulator(
  (e) => {
    emu = e;
    p = providerFor(e);
  },
  { schedulerIntervalMs: 0, kms: { connectDelayMs: 200 } },
);

const DAY_MS = 86_400_000;

test('a key and its version in one apply; the next version waits 7 days; destroy leaves the version', async () => {
  const instance = await readyInstance(emu, { productVersion: '3' });
  const key = await converge(p, kmsKey, { dkms_instance_id: instance, key_spec: 'Aliyun_AES_256', pending_window_in_days: 7 });
  p.wire.take();
  const version = await converge(p, kmsKeyVersion, { key_id: key.id });
  expect(version.id).toMatch(new RegExp(`^${key.id}:`));
  expect(version.attrs).toEqual({ key_id: key.id, key_version_id: version.id.split(':')[1] });
  expect(p.wire.take()).toEqual([
    'Kms CreateKeyVersion',
    `Kms DescribeKeyVersion RegionId=${emu.region}`,
    `Kms DescribeKeyVersion RegionId=${emu.region}`,
  ]);
  // The new version is the key's primary version now.
  expect((await refresh(p, kmsKey, key))!.attrs.primary_key_version).toBe(version.attrs.key_version_id);
  await importAndVerify(p, kmsKeyVersion, version);

  // The cloud's rule: one CreateKeyVersion per key every 7 days.
  await expect(apply(p, kmsKeyVersion, { key_id: key.id })).rejects.toMatchObject({ code: 'Rejected.LimitExceeded' });
  await emu.clock.advance(7 * DAY_MS);
  const next = await converge(p, kmsKeyVersion, { key_id: key.id });
  expect(next.id).not.toBe(version.id);

  await destroy(p, kmsKeyVersion, next);
  expect(await refresh(p, kmsKeyVersion, next)).toEqual(next);
  await destroyAndVerify(p, kmsKey, key);
});

test('a version of an asymmetric key', async () => {
  const instance = await readyInstance(emu, { productVersion: '3' });
  const key = await converge(p, kmsKey, {
    dkms_instance_id: instance,
    key_spec: 'RSA_2048',
    key_usage: 'SIGN/VERIFY',
    pending_window_in_days: 7,
  });
  const version = await converge(p, kmsKeyVersion, { key_id: key.id });
  await importAndVerify(p, kmsKeyVersion, version);
  await destroyAndVerify(p, kmsKey, key);
});

test('a version of a key that does not exist reads as gone (DescribeKeyVersion answers 404)', async () => {
  expect(await refresh(p, kmsKeyVersion, { id: 'key-nope:v-nope', attrs: {} })).toBeNull();
});
