/** Starts a real emulator (HTTP on 127.0.0.1, a free port) for one test file, with its own temporary state directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator';

export interface TestEmulator extends RunningEmulator {
  readonly dir: string;
  readonly dataFile: string;
}

export async function startTestEmulator(opts: EmulatorOptions & { dir?: string } = {}): Promise<TestEmulator> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'alikms-test-'));
  const dataFile = opts.dataFile ?? join(dir, 'state.json');
  const emulator = await startEmulator({ port: 0, ...opts, dataFile });
  return { ...emulator, dir, dataFile, endpoint: emulator.endpoint, stop: emulator.stop };
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });
