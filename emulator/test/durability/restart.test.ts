/**
 * State survives a clean restart (support/restart-state.ts, the scenario the PostgreSQL store runs too), and the
 * root key file is reused. The state files hold wrapped material only, and root.key is private to its owner.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RootKey } from '../../src/crypto/root-key';
import { startTestEmulator, stopTestEmulator, type TestEmulator } from '../support/emulator';
import { diskRecords, diskText } from '../support/disk';
import { expectState, writeState } from '../support/restart-state';

let emu: TestEmulator;
afterAll(() => stopTestEmulator(emu));

/** Every piece of material the state files hold, unwrapped with the root key (so the test knows the plaintext bytes). */
function unwrapAll(dir: string): { text: string; plain: Buffer[] } {
  const dataFile = join(dir, 'state.json');
  const root = RootKey.fromBase64(readFileSync(join(dir, 'root.key'), 'utf8').trim());
  const plain = [...diskRecords(dataFile).keys.values()].flatMap((k) =>
    k.versions.flatMap((v) => (typeof v.material?.wrapped === 'string' ? [root.unwrap(v.material.wrapped)] : [])),
  );
  return { text: diskText(dataFile), plain };
}

test('keys, versions, aliases, tags, policies and the moved clock come back after a restart', async () => {
  emu = await startTestEmulator();
  const before = await writeState(emu);
  const rootKey = readFileSync(join(emu.dir, 'root.key'), 'utf8');
  const materialBefore = unwrapAll(emu.dir).plain;

  await emu.stop();
  emu = await startTestEmulator({ dir: emu.dir });
  expect(readFileSync(join(emu.dir, 'root.key'), 'utf8')).toBe(rootKey);
  // The same root key still unwraps the same material.
  expect(unwrapAll(emu.dir).plain).toEqual(materialBefore);
  await expectState(emu, before);
});

test('the state file holds no plaintext key material, and root.key is 0600', async () => {
  const { text, plain } = unwrapAll(emu.dir);
  expect(plain.length).toBeGreaterThanOrEqual(4);
  for (const bytes of plain) {
    for (const encoding of ['base64', 'hex', 'base64url'] as const) expect(text).not.toContain(bytes.toString(encoding));
    // Nor any 16-byte run of it, in case material were stored in pieces.
    expect(text).not.toContain(bytes.subarray(0, 16).toString('base64').slice(0, 20));
  }
  expect(text).not.toMatch(/PRIVATE KEY/);
  expect(statSync(join(emu.dir, 'root.key')).mode & 0o777).toBe(0o600);
});
