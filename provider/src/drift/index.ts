/**
 * `alikms drift --stack-export <file>`: the command's behaviour, separate from its argument parsing (emulator/src/cli.ts
 * loads this compiled module at run time, so the provider is compiled once, by its own tsconfig).
 */
import type { Level, Logger } from '../log';
import { checkDrift } from './check';
import { EXIT, exitCode, renderJson, renderTable } from './report';
import { readStackExport, StackExportError } from './stack-export';

export interface DriftCommandOptions {
  stackExport: string;
  endpoint?: string;
  json?: boolean;
  verbose?: boolean;
}

export interface DriftIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env?: NodeJS.ProcessEnv;
}

const processIo: DriftIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** Provider warnings (a key PendingDeletion, rotation Suspended) go to stderr, so stdout stays the report alone. */
function stderrLogger(io: DriftIo, verbose: boolean): Logger {
  return {
    log(level: Level, message: string, urn?: string) {
      if (level === 'debug' && !verbose) return;
      io.stderr(`${level}: ${message}${urn ? ` (${urn})` : ''}\n`);
    },
  };
}

/** Runs the command; resolves to the exit code (0 clean, 1 drift, 2 errors). */
export async function runDrift(o: DriftCommandOptions, io: DriftIo = processIo): Promise<number> {
  try {
    const parsed = readStackExport(o.stackExport);
    const reports = await checkDrift(parsed, { endpoint: o.endpoint, env: io.env, log: stderrLogger(io, o.verbose === true) });
    io.stdout(o.json ? renderJson(reports) : renderTable(reports));
    return exitCode(reports);
  } catch (e) {
    // Whatever went wrong, the answer is "could not check" (2): an escaped exception would exit 1, which reads as drift.
    io.stderr(`alikms drift: ${e instanceof StackExportError ? e.message : ((e as Error)?.stack ?? String(e))}\n`);
    return EXIT.error;
  }
}
