/**
 * The console's static files (stylesheet, script, icon), shipped in the package's `console/` folder (package.json
 * `files`) and read once when the console starts: from the sources that is emulator/console, from the bundle
 * (dist/alikms.js) the same folder of the installed package. A missing file stops the start with its path, rather
 * than serving pages without their style.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

/** The folder of the `alikms` package this code belongs to: the first above it whose package.json is alikms's. */
function packageDir(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'alikms') return dir;
  }
  throw new Error(`the console's files: no alikms package.json above ${from}`);
}

export function loadAssets(): ReadonlyMap<string, Asset> {
  const dir = join(packageDir(__dirname), 'console');
  return new Map(
    Object.entries(TYPES).map(([name, type]) => {
      const file = join(dir, name);
      if (!existsSync(file)) throw new Error(`the console's file ${file} is missing`);
      return [name, { type, body: readFileSync(file) }];
    }),
  );
}
