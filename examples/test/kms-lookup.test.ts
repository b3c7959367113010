/**
 * examples/kms-lookup under pulumi.runtime.setMocks: the lookups it makes through the generated SDK (tokens, arguments
 * wired from earlier answers) and what it exports. kms-lookup.plugin.test.ts runs the same program against the plugin.
 */
import { join } from 'node:path';
import { runUnderMocks, type Invocation, type Props, type Registration } from './support/program';

const ANSWERS: Record<string, Props> = {
  'alikms:index:getInstances': { ids: ['kst-hzz1'], instances: [] },
  'alikms:index:getKeys': { ids: ['key-rsa-1'], keys: [] },
  'alikms:index:getAliases': { names: ['alias/orders'], aliases: [{ name: 'alias/orders', aliasArn: 'arn', keyId: 'key-aes-1' }] },
  'alikms:index:getKeyVersions': { keyId: 'key-aes-1', primaryKeyVersion: 'v2', ids: ['v1', 'v2'], versions: [] },
  'alikms:index:getPublicKey': { keyId: 'key-rsa-1', keyVersionId: 'v9', publicKey: '-----BEGIN PUBLIC KEY-----\n…' },
};
let run: { registrations: Registration[]; outputs: Props; invocations: Invocation[] };

beforeAll(async () => {
  run = await runUnderMocks(join(__dirname, '..', 'kms-lookup'), { call: (token) => ANSWERS[token] });
});

it('looks up instances, keys of the first instance, aliases by prefix, versions and a public key, each wired to the last', () => {
  const args = (token: string) => run.invocations.find((i) => i.token === token)!.args;
  expect(run.invocations.map((i) => i.token).sort()).toEqual(Object.keys(ANSWERS).sort());
  expect(args('alikms:index:getInstances')).toEqual({ productVersion: '3' });
  expect(args('alikms:index:getKeys')).toEqual({
    filters: [
      { key: 'DKMSInstanceId', values: ['kst-hzz1'] },
      { key: 'KeySpec', values: ['RSA_2048'] },
      { key: 'KeyState', values: ['Enabled'] },
    ],
  });
  expect(args('alikms:index:getAliases')).toEqual({ namePrefix: 'alias/orders' });
  expect(args('alikms:index:getKeyVersions')).toEqual({ keyId: 'key-aes-1' });
  expect(args('alikms:index:getPublicKey')).toEqual({ keyId: 'key-rsa-1' });
});

it('exports the answers and points an alias at the signing key found', () => {
  expect(run.outputs).toEqual({
    instanceIds: ['kst-hzz1'],
    signingKeyIds: ['key-rsa-1'],
    orderAliases: ['alias/orders'],
    ordersKeyVersions: ['v1', 'v2'],
    signingPublicKey: '-----BEGIN PUBLIC KEY-----\n…',
  });
  expect(run.registrations).toEqual([
    { type: 'alikms:index:Alias', name: 'release-signing', inputs: { name: 'alias/release-signing', keyId: 'key-rsa-1' } },
  ]);
});
