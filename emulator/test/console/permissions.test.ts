/**
 * The console decides as the API does: a RAM user signed in with its own access key is held to its identity policy
 * and the key policies, page by page and form by form (replays a RAM user that reached through the console what its
 * policy refuses through the API). Principals: test/support/principals.ts.
 */
import { acs3Client } from '../support/clients';
import { startTestEmulator, stopTestEmulator, type TestEmulator } from '../support/emulator';
import { as, B, PRINCIPALS } from '../support/principals';
import { ConsoleHttp, flashOf } from './http';

let emu: TestEmulator;
let keyId: string;

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: PRINCIPALS, schedulerIntervalMs: 0 });
  keyId = (await acs3Client(as(emu, 'b-root'))('CreateKey', { Description: 'B key' })).KeyMetadata.KeyId;
});
afterAll(() => stopTestEmulator(emu));

const signedIn = async (id: string, secret: string) => {
  const http = new ConsoleHttp(emu.endpoint);
  expect((await http.signIn({ accessKeyId: id, accessKeySecret: secret })).status).toBe(303);
  return http;
};

test('a RAM user allowed only DescribeKey sees a key, but not the key list, and cannot disable it', async () => {
  const limited = await signedIn('b-limited', 'limited-secret');
  const list = await limited.get('/console/keys');
  expect(list.status).toBe(403);
  expect(list.text).toContain('Forbidden.NoPermission');
  expect(list.text).not.toContain(keyId);
  expect((await limited.get('/console/instances')).status).toBe(403);

  const key = await limited.get(`/console/keys/${keyId}`);
  expect(key.status).toBe(200);
  expect(key.text).toContain(keyId);

  const form = /name="_csrf" value="([^"]+)"/.exec(key.text)![1];
  const posted = await limited.post('/console/do/DisableKey', { _csrf: form, KeyId: keyId, back: `/console/keys/${keyId}` });
  const after = await limited.get(new URL(posted.headers.get('location')!, emu.endpoint).pathname);
  expect(flashOf(after.text)?.[0]).toBe('error');
  expect(flashOf(after.text)?.[1]).toMatch(/^Forbidden\.NoPermission: /);
  expect((await acs3Client(as(emu, 'b-root'))('DescribeKey', { KeyId: keyId })).KeyMetadata.KeyState).toBe('Enabled');
});

test('the same forms work for the account itself and for a role allowed kms:*', async () => {
  const root = await signedIn('b-root', 'b-secret');
  expect((await root.get('/console/keys')).text).toContain(keyId);
  expect(flashOf((await root.act('DisableKey', { KeyId: keyId })).text)).toEqual(['ok', `Key ${keyId} is Disabled.`]);
  const ci = new ConsoleHttp(emu.endpoint);
  await ci.signIn({ accessKeyId: 'b-ci', accessKeySecret: 'ci-secret', securityToken: 'ci-token' });
  expect(flashOf((await ci.act('EnableKey', { KeyId: keyId })).text)).toEqual(['ok', `Key ${keyId} is Enabled.`]);
  expect(B).toBe((await acs3Client(as(emu, 'b-root'))('DescribeKey', { KeyId: keyId })).KeyMetadata.Creator);
});
