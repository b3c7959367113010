/**
 * `alikms drift` runs the Pulumi provider's own Read and Diff, so it loads the provider package
 * (`pulumi-resource-alikms`, its `drift` entry) at run time: the emulator package does not depend on the provider and
 * its Pulumi/gRPC dependencies, which only this command needs. In this repository the provider is a workspace package
 * (built by `npm run build`); elsewhere it is installed next to alikms.
 */
import { join } from 'node:path';
import { createRequire } from 'node:module';

/** The contract of provider/src/drift/index.ts. */
export interface DriftModule {
  runDrift(o: { stackExport: string; endpoint?: string; json?: boolean; verbose?: boolean }): Promise<number>;
}

export const PROVIDER_PACKAGE = 'pulumi-resource-alikms';

/** The provider's drift module, found from the alikms package or from the current project; a clear error otherwise. */
export function loadDrift(cwd = process.cwd()): DriftModule {
  const tried: string[] = [];
  for (const from of [__filename, join(cwd, 'package.json')]) {
    const load = createRequire(from);
    let path: string;
    try {
      path = load.resolve(`${PROVIDER_PACKAGE}/drift`);
    } catch (err) {
      tried.push((err as Error).message.split('\n')[0]);
      continue;
    }
    return load(path) as DriftModule;
  }
  throw new Error(
    `alikms drift runs the Pulumi provider's Read and Diff, which come with the provider package: ` +
      `npm install --save-dev ${PROVIDER_PACKAGE} (in the alikms repository: npm run build). (${tried[0]})`,
  );
}
