/**
 * Starts a real emulator (HTTP on 127.0.0.1, a free port) for one test file, with its own temporary state directory.
 * With `storeUrl` (support/postgres.ts) the state is in that database and the root key in `root.key` of the directory,
 * so emulators started with the same `dir` share it.
 */
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
  const rootKeyFile = opts.rootKeyFile ?? (opts.storeUrl ? join(dir, 'root.key') : undefined);
  const emulator = await startEmulator({ port: 0, ...opts, dataFile, rootKeyFile });
  return { ...emulator, dir, dataFile, endpoint: emulator.endpoint, stop: emulator.stop };
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** Stops an emulator started by startTestEmulator and removes its state directory. */
export async function stopTestEmulator(emulator: TestEmulator): Promise<void> {
  await emulator.stop();
  removeDir(emulator.dir);
}

/**
 * One emulator for a test file: started before its tests (then `setup` runs, e.g. to make clients) and stopped after.
 *   let emu: TestEmulator; let kms: KmsClient;
 *   useEmulator((e) => { emu = e; kms = kmsClient(e); });
 */
export function useEmulator(setup: (emulator: TestEmulator) => void | Promise<void>, opts?: Parameters<typeof startTestEmulator>[0]): void {
  let emulator: TestEmulator | undefined;
  beforeAll(async () => {
    emulator = await startTestEmulator(opts);
    await setup(emulator);
  });
  afterAll(async () => {
    if (emulator) await stopTestEmulator(emulator);
  });
}
