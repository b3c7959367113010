/**
 * examples/kms-lookup through the plugin process: the program runs under setMocks whose invoke handler forwards each
 * lookup to the plugin's Invoke RPC, as the engine does, against an emulator holding keys and aliases made with the
 * official SDK; its Alias registration is then replayed through the plugin.
 */
import { join } from 'node:path';
import { advanceClock, startHarness, type Harness } from '../../provider/test/support/harness';
import { replay, runUnderMocks, type Invocation, type Props, type Registration } from './support/program';

let h: Harness;
let rsa: string;
let aes: string;
let run: { registrations: Registration[]; outputs: Props; invocations: Invocation[] };

beforeAll(async () => {
  h = await startHarness();
  const key = async (q: Record<string, unknown>) => (await h.cloud('CreateKey', { DKMSInstanceId: h.instanceId, ...q })).KeyMetadata.KeyId;
  aes = await key({});
  rsa = await key({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN/VERIFY' });
  await key({ KeySpec: 'EC_P256', KeyUsage: 'SIGN/VERIFY' });
  await h.cloud('CreateAlias', { AliasName: 'alias/orders', KeyId: aes });
  await advanceClock(h.emulator.endpoint, '8d');
  await h.cloud('CreateKeyVersion', { KeyId: rsa });
  run = await runUnderMocks(join(__dirname, '..', 'kms-lookup'), { call: (token, args) => h.sim.invoke(token, args) });
});
afterAll(async () => {
  await h?.close();
});

it("every lookup is answered by the plugin with the emulator's real state", async () => {
  const versions = (await h.cloud('ListKeyVersions', { KeyId: aes })).KeyVersions.KeyVersion.map((v: any) => v.KeyVersionId);
  const primary = (await h.cloud('DescribeKey', { KeyId: rsa })).KeyMetadata.PrimaryKeyVersion;
  const pem = (await h.cloud('GetPublicKey', { KeyId: rsa, KeyVersionId: primary })).PublicKey;
  expect(run.outputs).toEqual({
    instanceIds: [h.instanceId],
    signingKeyIds: [rsa],
    orderAliases: ['alias/orders'],
    ordersKeyVersions: versions,
    signingPublicKey: pem,
  });
  expect(h.sim.calls.filter((c) => c === 'invoke')).toHaveLength(5);
});

it('the alias wired to the lookup is created through the plugin and points at the signing key', async () => {
  const { steps } = await replay(h.sim, run.registrations);
  expect(steps.map((s) => s.step)).toEqual(['create']);
  expect((await h.cloud('DescribeKey', { KeyId: 'alias/release-signing' })).KeyMetadata.KeyId).toBe(rsa);
});
