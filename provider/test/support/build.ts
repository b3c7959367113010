/**
 * Compiles the plugin (provider/src → provider/dist) once per change, serialised across jest workers by a lock
 * directory, so every test spawns the same JS the tarball ships.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..', '..');
export const PROVIDER_DIR = join(REPO, 'provider');
export const LAUNCHER = join(PROVIDER_DIR, 'bin', 'pulumi-resource-alikms');

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function buildProvider(): void {
  const lock = join(PROVIDER_DIR, '.build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker builds; a lock older than two minutes was left by a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch {
        /* gone already */
      }
      sleep(200);
    }
  }
  try {
    // Incremental: a no-op build takes about a second.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(PROVIDER_DIR, 'tsconfig.json')], { stdio: 'pipe' });
  } finally {
    rmdirSync(lock);
  }
}
