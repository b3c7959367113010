/**
 * What the embedded store has on disk (store/journal.ts): the snapshot file and its journals. Tests that look beneath
 * the API (no plaintext material at rest, token references only) read every byte of it, or the records it comes to.
 */
import { existsSync, readFileSync } from 'node:fs';
import { journalPath, journals, readSnapshot, replay } from '../../src/store/journal';
import type { Records } from '../../src/store/memory-index';

/** Every file of the state, concatenated as text. */
export function diskText(dataFile: string): string {
  const files = [dataFile, ...journals(dataFile).map((n) => journalPath(dataFile, n))].filter((f) => existsSync(f));
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** The records the files hold, as the store would load them. */
export function diskRecords(dataFile: string): Records {
  const snapshot = readSnapshot(dataFile);
  for (const n of journals(dataFile).filter((g) => g >= snapshot.journal))
    replay(snapshot.records, readFileSync(journalPath(dataFile, n), 'utf8'));
  return snapshot.records;
}
