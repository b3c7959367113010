/**
 * Files the emulator writes hold secrets (wrapped key material, nonces, the root key): each is created 0600, and a
 * folder the emulator creates for them is 0700. Whole-file writes go to a temporary file that is then renamed over
 * the old one, so a crash mid-write leaves the previous version, never half a file.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const SECRET_FILE_MODE = 0o600;
export const SECRET_DIR_MODE = 0o700;

/** Creates `file`'s folder (0700) when it does not exist; an existing folder keeps its mode. */
export function ensureFolderOf(file: string): void {
  const dir = dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: SECRET_DIR_MODE });
}

/**
 * A JSON file written whole, 0600, by write-and-rename. Writes that arrive while one is in flight are coalesced into
 * the next one; each caller resolves once a write holding its data (or later data) has landed. The lowdb adapter shape.
 */
export class PrivateJsonFile<T> {
  private latest?: T;
  private waiting: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private running = false;

  constructor(private readonly file: string) {}

  async read(): Promise<T | null> {
    if (!existsSync(this.file)) return null;
    return JSON.parse(await readFile(this.file, 'utf8')) as T;
  }

  write(data: T): Promise<void> {
    this.latest = data;
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    if (!this.running) void this.drain();
    return done;
  }

  /** One write at a time; every caller waiting when a write starts is answered by it (it holds their data). */
  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        const temp = `${this.file}.tmp`;
        await writeFile(temp, JSON.stringify(this.latest), { mode: SECRET_FILE_MODE });
        await rename(temp, this.file);
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.running = false;
  }
}
