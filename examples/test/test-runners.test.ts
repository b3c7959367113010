/**
 * The test-runner examples run as users run them, against the built package (`npm run build`; in this repository
 * `alikms` is the workspace package): the jest globalSetup pair in its own jest run, and vitest. (node's runner:
 * node-test-runner.test.ts; the jest helper: testing-key-rotation/rotation.test.ts, run by this suite directly.)
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');
const run = (args: string[]) =>
  new Promise<{ code: number; out: string }>((resolve) =>
    execFile(
      process.execPath,
      args,
      { cwd: REPO, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    ),
  );

test('examples/testing-jest-global: one emulator for the run, two test files reach it through the environment', async () => {
  const dir = join(REPO, 'examples', 'testing-jest-global');
  const { code, out } = await run([
    join(REPO, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--ci',
    '--config',
    join(dir, 'jest.config.js'),
    '--rootDir',
    dir,
  ]);
  expect(out).toMatch(/Tests: +2 passed, 2 total/);
  expect(code).toBe(0);
});

test('examples/testing-vitest passes under `vitest run`', async () => {
  const { code, out } = await run([
    join(REPO, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--root',
    join(REPO, 'examples', 'testing-vitest'),
  ]);
  expect(out).toMatch(/Tests +1 passed \(1\)/);
  expect(code).toBe(0);
});
