/** The testing helper under node's own test runner, as a user runs it (needs the compiled CLI: `npm run build`). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = join(__dirname, '..', '..');

test('examples/testing-key-rotation/rotation.node-test.js passes under `node --test`', async () => {
  const { stdout } = await run(process.execPath, ['--test', '--test-reporter=tap', 'examples/testing-key-rotation/rotation.node-test.js'], {
    cwd: REPO,
  });
  expect(stdout).toMatch(/^# pass 1$/m);
  expect(stdout).toMatch(/^# fail 0$/m);
});
