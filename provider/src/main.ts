#!/usr/bin/env node
/**
 * pulumi-resource-alikms: started by the engine as `pulumi-resource-alikms [--logtostderr] [-v=N] [--tracing X] <engine>`.
 * The first stdout line is the port and the only thing ever written to stdout.
 */
import { EngineLogger } from './log';
import { Provider } from './provider';
import { serve } from './server';

/** The engine address is the first argument that is not a flag (flags may carry a separate value: --tracing X). */
export function engineAddress(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--tracing' || a === '--root') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

export async function run(): Promise<void> {
  // Anything else writing to stdout would corrupt the port handshake; route stray console output to stderr.
  console.log = console.info = (...a: unknown[]) => process.stderr.write(a.map(String).join(' ') + '\n');
  const logger = new EngineLogger();
  logger.connect(engineAddress(process.argv.slice(2)));
  const provider = new Provider(logger);
  const { server, port } = await serve(provider, logger);
  process.stdout.write(`${port}\n`);
  const stop = () => server.tryShutdown(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function runOrDie(): void {
  run().catch((e) => {
    process.stderr.write(`alikms: fatal: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}

if (require.main === module) runOrDie();
