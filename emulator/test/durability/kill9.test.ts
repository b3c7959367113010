/**
 * Every acknowledged write survives a kill -9. The real CLI runs as a child process (dist/ must be built: `make test`
 * does it, or `npm run build`); writes stream at it, it is killed mid-stream, a new process starts on the
 * same state file, and everything the first one answered 200 to must be there. Writes in flight at the kill may or
 * may not have landed, but the file must still load.
 */
import * as $Kms from '@alicloud/kms20160120';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { kmsClient } from '../support/clients';
import { removeDir } from '../support/emulator';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'emulator/bin/alikms.js');

interface Serving {
  child: ChildProcess;
  endpoint: string;
}

/** Starts `alikms serve` on a free port and resolves once it prints its address. */
function serve(dataFile: string): Promise<Serving> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ALIKMS_')));
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', dataFile], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolveServing, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /alikms listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolveServing({ child, endpoint: m[1] });
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code, signal) => reject(new Error(`alikms exited (${code ?? signal}) before listening:\n${out}\n${err}`)));
  });
}

const killHard = (child: ChildProcess) =>
  new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });

let dir: string;
const children: ChildProcess[] = [];
beforeAll(() => {
  if (!existsSync(join(ROOT, 'emulator/dist/cli.js'))) throw new Error('emulator/dist is not built: run `npm run build` (make test does)');
  dir = mkdtempSync(join(tmpdir(), 'alikms-kill9-'));
});
afterAll(async () => {
  for (const c of children) await killHard(c);
  removeDir(dir);
});

interface Acked {
  keyId: string;
  alias?: string;
  tag?: string;
  disabled?: boolean;
}

test('acknowledged writes survive kill -9', async () => {
  const dataFile = join(dir, 'state.json');
  const first = await serve(dataFile);
  children.push(first.child);
  const kms = kmsClient({ endpoint: first.endpoint });

  // Independent write chains; each records a step only once the server has answered it.
  const acked: Acked[] = [];
  let stop = false;
  const chain = async (n: number) => {
    while (!stop) {
      const keyId = (await kms.createKey(new $Kms.CreateKeyRequest({ description: `chain ${n}` }))).keyMetadata.keyId;
      const entry: Acked = { keyId };
      acked.push(entry);
      const alias = `alias/k9-${keyId}`;
      await kms.createAlias(new $Kms.CreateAliasRequest({ aliasName: alias, keyId }));
      entry.alias = alias;
      await kms.tagResource(new $Kms.TagResourceRequest({ keyId, tags: JSON.stringify([{ TagKey: 'n', TagValue: String(n) }]) }));
      entry.tag = String(n);
      await kms.disableKey(new $Kms.DisableKeyRequest({ keyId }));
      entry.disabled = true;
    }
  };
  const running = Array.from({ length: 8 }, (_, n) => chain(n).catch(() => undefined));
  // Kill once a good number of writes are acknowledged, with the others still in flight.
  while (acked.filter((a) => a.disabled).length < 25) await new Promise((r) => setTimeout(r, 5));
  await killHard(first.child);
  stop = true;
  await Promise.all(running);
  const snapshot = acked.map((a) => ({ ...a }));

  const second = await serve(dataFile);
  children.push(second.child);
  const kms2 = kmsClient({ endpoint: second.endpoint });
  for (const a of snapshot) {
    const meta = (await kms2.describeKey(new $Kms.DescribeKeyRequest({ keyId: a.keyId }))).keyMetadata;
    if (a.disabled) expect(meta.keyState).toBe('Disabled');
    if (a.alias) expect((await kms2.describeKey(new $Kms.DescribeKeyRequest({ keyId: a.alias }))).keyMetadata.keyId).toBe(a.keyId);
    if (a.tag) {
      const tags = (await kms2.listResourceTags(new $Kms.ListResourceTagsRequest({ keyId: a.keyId }))).tags.tag;
      expect(tags).toEqual([{ keyId: a.keyId, tagKey: 'n', tagValue: a.tag }]);
    }
  }
  expect(snapshot.length).toBeGreaterThanOrEqual(25);
  // The restarted process still takes writes, and the root key file it made is private.
  await kms2.createKey(new $Kms.CreateKeyRequest({}));
  expect(statSync(join(dir, 'root.key')).mode & 0o777).toBe(0o600);
  await killHard(second.child);
});
