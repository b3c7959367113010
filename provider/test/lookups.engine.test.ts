/**
 * Issue 15 (5): the read-only lookups (Pulumi invokes) through the plugin process, as the engine forwards a program's
 * `alikms.getKeys(...)`: answers match what the official SDK sees, and bad arguments come back as failures.
 */
import { advanceClock, startHarness, type Harness } from './support/harness';
import { CheckFailed } from './support/engine';

let h: Harness;
let aes: string;
let rsa: string;

beforeAll(async () => {
  h = await startHarness();
  const key = async (q: Record<string, unknown>) => (await h.cloud('CreateKey', { DKMSInstanceId: h.instanceId, ...q })).KeyMetadata.KeyId;
  aes = await key({ Description: 'orders data' });
  rsa = await key({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN/VERIFY', Description: 'release signing' });
  await h.cloud('CreateAlias', { AliasName: 'alias/orders', KeyId: aes });
  await h.cloud('CreateAlias', { AliasName: 'alias/orders-old', KeyId: aes });
  await h.cloud('CreateAlias', { AliasName: 'alias/signing', KeyId: rsa });
  // A key gets at most one new version every 7 days.
  await advanceClock(h.emulator.endpoint, '8d');
  await h.cloud('CreateKeyVersion', { KeyId: rsa });
});
afterAll(async () => {
  await h?.close();
});

it('getKeys filters as ListKeys does and describes each key', async () => {
  const all = await h.sim.invoke('alikms:index:getKeys', {});
  expect(all.ids).toEqual([aes, rsa]);
  const signing = await h.sim.invoke('alikms:index:getKeys', { filters: [{ key: 'KeySpec', values: ['RSA_2048', 'EC_P256'] }] });
  expect(signing).toMatchObject({
    ids: [rsa],
    keys: [
      {
        keyId: rsa,
        keySpec: 'RSA_2048',
        keyUsage: 'SIGN/VERIFY',
        instanceId: h.instanceId,
        protectionLevel: 'SOFTWARE',
        defaultKey: false,
      },
    ],
  });
  const described = await h.sim.invoke('alikms:index:getKeys', {
    filters: [{ key: 'DKMSInstanceId', values: [h.instanceId] }],
    descriptionRegex: '^orders',
  });
  expect(described.ids).toEqual([aes]);
});

it('getAliases lists every alias, one key’s, or those under a prefix', async () => {
  expect((await h.sim.invoke('alikms:index:getAliases', {})).names).toEqual(['alias/orders', 'alias/orders-old', 'alias/signing']);
  expect(await h.sim.invoke('alikms:index:getAliases', { keyId: rsa })).toMatchObject({
    names: ['alias/signing'],
    aliases: [{ name: 'alias/signing', keyId: rsa, aliasArn: expect.stringMatching(/:alias\/signing$/) }],
  });
  expect((await h.sim.invoke('alikms:index:getAliases', { namePrefix: 'alias/orders' })).names).toEqual([
    'alias/orders',
    'alias/orders-old',
  ]);
});

it('getInstances describes the instances, filtered by product version, payment type or VPC', async () => {
  const all = await h.sim.invoke('alikms:index:getInstances', {});
  expect(all).toMatchObject({
    ids: [h.instanceId],
    instances: [{ instanceId: h.instanceId, productVersion: '3', paymentType: 'PayAsYouGo', status: 'Connected', vpcId: 'vpc-test' }],
  });
  expect((await h.sim.invoke('alikms:index:getInstances', { productVersion: '5' })).ids).toEqual([]);
  expect((await h.sim.invoke('alikms:index:getInstances', { vpcId: 'vpc-test', ids: [h.instanceId] })).ids).toEqual([h.instanceId]);
});

it('getKeyVersions lists the versions (by alias too) and names the primary one', async () => {
  const v = await h.sim.invoke('alikms:index:getKeyVersions', { keyId: 'alias/signing' });
  const live = (await h.cloud('DescribeKey', { KeyId: rsa })).KeyMetadata;
  expect(v).toMatchObject({ keyId: rsa, primaryKeyVersion: live.PrimaryKeyVersion });
  expect(v.ids).toHaveLength(2);
  expect(v.ids).toContain(live.PrimaryKeyVersion);
});

it('getPublicKey returns the PEM of the primary (newest) version, the same GetPublicKey gives', async () => {
  const pk = await h.sim.invoke('alikms:index:getPublicKey', { keyId: 'alias/signing' });
  const version = (await h.cloud('DescribeKey', { KeyId: rsa })).KeyMetadata.PrimaryKeyVersion;
  const live = await h.cloud('GetPublicKey', { KeyId: rsa, KeyVersionId: version });
  expect(pk).toEqual({ keyId: rsa, keyVersionId: version, publicKey: live.PublicKey });
  expect(pk.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
});

it('bad arguments are failures naming the argument; API errors name the function and the code', async () => {
  const err: CheckFailed = await h.sim.invoke('alikms:index:getKeyVersions', { keyID: 'x' }).catch((e) => e);
  expect(err.failures.map((f) => f.property).sort()).toEqual(['keyID', 'keyId']);
  const bad: CheckFailed = await h.sim.invoke('alikms:index:getInstances', { productVersion: '4' }).catch((e) => e);
  expect(bad.failures).toEqual([{ property: 'productVersion', reason: "productVersion must be one of 3, 5; got '4'" }]);
  await expect(h.sim.invoke('alikms:index:getPublicKey', { keyId: aes })).rejects.toThrow(
    /alikms:index:getPublicKey: GetPublicKey failed: /,
  );
  await expect(h.sim.invoke('alikms:index:getKeyVersions', { keyId: 'alias/none' })).rejects.toThrow(/Forbidden\.AliasNotFound/);
  await expect(h.sim.invoke('alikms:index:getNothing', {})).rejects.toThrow(/does not know function/);
});
