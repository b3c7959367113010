/**
 * The README as pasted: every code snippet is (part of) a file in the repository that a test runs, the snippets that
 * call the emulator run here against one, every `alikms` command is written `npx alikms …` with a subcommand and options
 * the CLI has, and the options table is the one the CLI's definitions render.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { cli } from '../../emulator/src/cli';
import { serveOptionsTable } from '../../emulator/src/cli/options';
import { Accounts } from '../../emulator/src/wire/accounts';
import { startTestEmulator, stopTestEmulator, type TestEmulator } from '../../emulator/test/support/emulator';

const REPO = join(__dirname, '..', '..');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const blocks = [...README.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));
const FILE_MARKER = /^(?:\/\/|#) file: (\S+)\n/;

test('every JavaScript/TypeScript snippet names its file and is that file or a verbatim part of it', () => {
  const code = blocks.filter((b) => ['js', 'ts', 'mjs'].includes(b.lang));
  expect(code.length).toBeGreaterThanOrEqual(7);
  for (const b of code) {
    const marker = FILE_MARKER.exec(b.text);
    expect([b.text.split('\n')[0], marker?.[1]]).toEqual([b.text.split('\n')[0], expect.stringMatching(/^examples\//)]);
    const body = b.text.slice(marker![0].length);
    expect([marker![1], readFileSync(join(REPO, marker![1]), 'utf8').includes(body)]).toEqual([marker![1], true]);
  }
});

test('the options table is the one the CLI definitions render', () => {
  expect(README).toContain(serveOptionsTable());
});

/** The README's accounts file, written where an emulator can read it. */
function readmeAccounts(): Accounts {
  const json = blocks.find((b) => b.lang === 'json')!.text;
  const file = join(require('node:os').tmpdir(), `alikms-readme-accounts-${process.pid}.json`);
  require('node:fs').writeFileSync(file, json);
  return Accounts.fromFile(file);
}

test('the accounts file example is an accounts file, its RAM identities included', () => {
  const accounts = readmeAccounts();
  expect(accounts.all().map((k) => k.id)).toEqual(['test', 'sts-key', 'team-b', 'team-b-app', 'team-b-intern']);
  expect(accounts.callerOf(accounts.find('sts-key')!).principal).toBe('acs:ram::1234567890123456:role/deployer');
  expect(accounts.callerOf(accounts.find('team-b-app')!)).toMatchObject({
    principal: 'acs:ram::2222222222222222:user/app',
    identityPolicies: [expect.anything()],
  });
  expect(accounts.callerOf(accounts.find('team-b-intern')!).identityPolicies).toBeUndefined();
});

describe('commands', () => {
  const lines = blocks
    .filter((b) => b.lang === 'sh')
    .flatMap((b) => b.text.split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim());

  test('every alikms command is `npx alikms …` (a bare `alikms` is not on a PATH)', () => {
    expect(lines.filter((l) => /(^|[;&|(]\s*)alikms\s/.test(l))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('npx alikms')).length).toBeGreaterThanOrEqual(6);
  });

  test('each names a subcommand and options the CLI has', () => {
    const program = cli();
    const known = (cmd: Command) => new Set([...cmd.options.flatMap((o) => [o.long, o.short]), '--help', '-h']);
    for (const line of lines.filter((l) => l.startsWith('npx alikms'))) {
      const words = line
        .replace(/<\([^)]*\)/g, 'FILE')
        .split(/\s+/)
        .slice(2); // <(…): a file argument
      if (words[0] === '--version') continue;
      const sub = program.commands.find((c) => c.name() === words[0]);
      expect([line, sub?.name()]).toEqual([line, words[0]]);
      const flags = words.filter((w) => w.startsWith('-'));
      const options = known(sub!);
      expect([line, flags.filter((f) => !options.has(f.split('=')[0]))]).toEqual([line, []]);
    }
  });
});

describe('snippets that call the emulator run as pasted (with its port)', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ schedulerIntervalMs: 0 });
  });
  afterAll(() => stopTestEmulator(emu));

  /** An ES module snippet, its 127.0.0.1:4599 pointed at an emulator (this test's); node resolves its imports from the repo. */
  const runModule = (file: string, port = emu.port) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const code = readFileSync(join(REPO, file), 'utf8').replaceAll('127.0.0.1:4599', `127.0.0.1:${port}`);
      execFile(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });

  test('examples/readme/first-call.mjs creates a key and round-trips a plaintext', async () => {
    expect(await runModule('examples/readme/first-call.mjs')).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^key-\S+ hello\n$/),
    });
  });

  test('examples/readme/buy-instance.mjs buys an instance through BssOpenApi', async () => {
    expect(await runModule('examples/readme/buy-instance.mjs')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^kst-\S+\n$/) });
  });

  test("examples/readme/share-key.mjs shares a key with another account's user, against the README's accounts file", async () => {
    const shared = await startTestEmulator({ schedulerIntervalMs: 0, accounts: readmeAccounts() });
    try {
      expect(await runModule('examples/readme/share-key.mjs', shared.port)).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/^acs:kms:cn-hangzhou:1234567890123456:key\/key-\S+ shared across accounts\n$/),
      });
    } finally {
      await stopTestEmulator(shared);
    }
  });
});
