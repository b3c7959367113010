/**
 * A provider configured with a region other than the emulator's `--region`. Most of the provider's calls name no
 * region (CreateKey, DescribeKey, CreateAlias, GetKmsInstance, the BSS calls), so they need a route to it:
 * - `--region-port cn-shanghai=<port>` (here `regionPorts`): point `endpoints { kms, bssopenapi }` at that port;
 * - a Host of `kms.cn-shanghai.aliyuncs.com` (an /etc/hosts entry for 127.0.0.1 - here a dns.lookup stub);
 * - a signed `x-acs-region-id` header, for ACS3 clients (the Go provider's RPC v1 calls cannot send one);
 * - the RegionId parameter, which some of the provider's calls carry anyway.
 */
import dns from 'node:dns';
import { acs3Client } from '../support/clients';
import { startTestEmulator, stopTestEmulator, type TestEmulator } from '../support/emulator';
import { kmsAlias } from './kms-alias.sequence';
import { kmsInstance } from './kms-instance.sequence';
import { kmsKey } from './kms-key.sequence';
import { kmsKeyVersion } from './kms-key-version.sequence';
import { kmsKeysData } from './kms-keys.data';
import { converge, destroyAndVerify, importAndVerify, type Provider, providerFor, readDataSource } from './support/terraform';

const REGION = 'cn-shanghai';
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ schedulerIntervalMs: 0, kms: { connectDelayMs: 200 }, regionPorts: { [REGION]: 0 } });
});
afterAll(() => stopTestEmulator(emu));

const network = {
  vpc_id: 'vpc-uf6tf000000000000001',
  zone_ids: ['cn-shanghai-e', 'cn-shanghai-f'],
  vswitch_ids: ['vsw-uf6tf000000000000001'],
};

/** The whole sequence of every resource in `p`'s region; returns the key for the caller to look at. */
async function everyResource(p: Provider) {
  const instance = await converge(p, kmsInstance, {
    ...network,
    vpc_num: 1,
    key_num: 1000,
    secret_num: 0,
    spec: 1000,
    product_version: '3',
  });
  const plain = await converge(p, kmsKey, { pending_window_in_days: 7, description: 'shanghai' });
  const key = await converge(p, kmsKey, { dkms_instance_id: instance.id, pending_window_in_days: 7, tags: { region: REGION } });
  const alias = await converge(p, kmsAlias, { alias_name: 'alias/tf-shanghai', key_id: key.id });
  const version = await converge(p, kmsKeyVersion, { key_id: key.id });
  for (const [r, inst] of [
    [kmsInstance, instance],
    [kmsKey, key],
    [kmsAlias, alias],
    [kmsKeyVersion, version],
  ] as const)
    await importAndVerify(p, r, inst);
  expect((await readDataSource(p, kmsKeysData, { description_regex: '^shanghai$', status: 'Enabled' })).ids).toEqual([plain.id]);
  await destroyAndVerify(p, kmsAlias, alias);
  for (const k of [key, plain]) await destroyAndVerify(p, kmsKey, k);
  await destroyAndVerify(p, kmsInstance, instance);
  return plain;
}

test('--region-port: every resource through the region`s own port', async () => {
  const p = providerFor(emu, { region: REGION, endpoint: emu.regionEndpoints[REGION] });
  const key = await everyResource(p);
  expect(key.attrs.arn).toMatch(/^acs:kms:cn-shanghai:/);
  expect(p.wire.calls.filter((c) => c.action === 'CreateInstance')[0].params).toMatchObject({ 'Parameter.1.Value': REGION });
});

test('a Host of kms.cn-shanghai.aliyuncs.com (an /etc/hosts entry) on the main port', async () => {
  const host = `kms.${REGION}.aliyuncs.com`;
  const lookup = dns.lookup;
  const stub = ((name: string, options: unknown, callback: unknown) => {
    const [opts, cb] = typeof options === 'function' ? [{}, options] : [options as { all?: boolean }, callback];
    if (name !== host) return (lookup as any)(name, opts, cb);
    return (opts as { all?: boolean }).all ? (cb as any)(null, [{ address: '127.0.0.1', family: 4 }]) : (cb as any)(null, '127.0.0.1', 4);
  }) as typeof dns.lookup;
  dns.lookup = stub;
  try {
    const p = providerFor(emu, { region: REGION, endpoint: `http://${host}:${emu.port}` });
    expect((await everyResource(p)).attrs.arn).toMatch(/^acs:kms:cn-shanghai:/);
  } finally {
    dns.lookup = lookup;
  }
});

test('without a route, the calls that name no region land in --region', async () => {
  const p = providerFor(emu, { region: REGION });
  const created = await p.kms('CreateKey', {});
  expect(created.KeyMetadata.Arn).toMatch(new RegExp(`^acs:kms:${emu.region}:`));
  // ...while the provider's tag read names cn-shanghai, where that key is not: the apply fails.
  await expect(converge(p, kmsKey, { pending_window_in_days: 7 })).rejects.toMatchObject({ code: 'Forbidden.KeyNotFound' });
  // The RegionId the older data sources send does reach cn-shanghai on the main port.
  const viaPort = providerFor(emu, { region: REGION, endpoint: emu.regionEndpoints[REGION] });
  const shanghai = await converge(viaPort, kmsKey, { pending_window_in_days: 7, description: 'via the port' });
  const listed = await readDataSource(p, kmsKeysData, { description_regex: '^via the port$' });
  expect(listed.ids).toEqual([shanghai.id]);
  await destroyAndVerify(viaPort, kmsKey, shanghai);
});

test('a signed x-acs-region-id header (ACS3 clients such as the generated SDKs)', async () => {
  const [key] = emu.accounts.all();
  const call = acs3Client({ endpoint: emu.endpoint, accessKeyId: key.id, accessKeySecret: key.secret });
  const regional = { 'x-acs-region-id': REGION };
  const created = (await call('CreateKey', {}, regional)).KeyMetadata;
  expect(created.Arn).toMatch(/^acs:kms:cn-shanghai:/);
  expect((await call('DescribeKey', { KeyId: created.KeyId }, regional)).KeyMetadata.KeyId).toBe(created.KeyId);
  await expect(call('DescribeKey', { KeyId: created.KeyId })).rejects.toMatchObject({ code: 'Forbidden.KeyNotFound' });
});
