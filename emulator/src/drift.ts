/**
 * `alikms drift` runs the Pulumi provider's own Read and Diff, so it loads the provider's compiled module
 * (provider/dist/drift) at run time instead of importing provider/src: the provider is compiled by its own tsconfig
 * (into provider/dist, the JS the plugin tarball ships), and importing its sources here would compile a second copy
 * into dist/ whose relative paths (package.json, schema.json) do not resolve.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The contract of provider/src/drift/index.ts. */
export interface DriftModule {
  runDrift(o: { stackExport: string; endpoint?: string; json?: boolean; verbose?: boolean }): Promise<number>;
}

/** provider/ beside emulator/ in the repository: two levels up from emulator/src, three from dist/emulator/src. */
const CANDIDATES = [join(__dirname, '..', '..', 'provider'), join(__dirname, '..', '..', '..', 'provider')];

export function loadDrift(): DriftModule {
  const dir = CANDIDATES.find((d) => existsSync(join(d, 'dist', 'drift', 'index.js')));
  if (!dir) throw new Error('alikms drift needs the compiled provider: run `npx tsc -p provider/tsconfig.json` in the repository');
  return require(join(dir, 'dist', 'drift', 'index.js')) as DriftModule;
}
