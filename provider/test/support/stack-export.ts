/**
 * `pulumi stack export` documents (deployment version 3, as apitype.UntypedDeployment / DeploymentV3 writes them) made
 * from the harness's engine state, and the `alikms` CLI run as a child process against them.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineSim } from './engine';
import { REPO } from './build';
import { SECRET_SIG, SIG_KEY } from '../../src/values';

type Props = Record<string, unknown>;

const STACK_URN = 'urn:pulumi:dev::alikms-test::pulumi:pulumi:Stack::alikms-test-dev';
export const PROVIDER_URN = 'urn:pulumi:dev::alikms-test::pulumi:providers:alikms::default_0_1_0';
const PROVIDER_ID = '5b1e4c0e-8a4f-4b59-9d3e-0c6f1a2b3c4d';

/**
 * Secrets as the export writes them: `{sig, plaintext: <JSON text>}` with --show-secrets, `{sig, ciphertext}` without.
 * The harness holds `{sig, value}` wrappers (the gRPC form).
 */
function exported(v: unknown, showSecrets: boolean): unknown {
  if (typeof v === 'object' && v !== null && (v as Props)[SIG_KEY] === SECRET_SIG) {
    const value = (v as Props).value;
    return showSecrets
      ? { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(value) }
      : { [SIG_KEY]: SECRET_SIG, ciphertext: 'v1:AAAAAAAAAAAAAAAA:ZW5jcnlwdGVk' };
  }
  if (Array.isArray(v)) return v.map((x) => exported(x, showSecrets));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, exported(x, showSecrets)]));
  return v;
}

export interface ExportOptions {
  /** The default provider's config (its inputs in the export): endpoint, credentials, region. */
  provider: Props;
  /** false: secrets are ciphertext, as `pulumi stack export` without --show-secrets writes them. */
  showSecrets?: boolean;
}

export function stackExport(sim: EngineSim, o: ExportOptions): Props {
  const show = o.showSecrets !== false;
  const time = '2026-01-01T00:00:00.000Z';
  const providerProps = exported({ ...o.provider, version: '0.1.0' }, show);
  const resources: Props[] = [
    { urn: STACK_URN, custom: false, type: 'pulumi:pulumi:Stack', outputs: {}, created: time, modified: time },
    {
      urn: PROVIDER_URN,
      custom: true,
      id: PROVIDER_ID,
      type: 'pulumi:providers:alikms',
      inputs: providerProps,
      outputs: providerProps,
      created: time,
      modified: time,
    },
  ];
  for (const [urn, s] of sim.state)
    resources.push({
      urn,
      custom: true,
      id: s.id,
      type: s.type,
      inputs: exported(s.inputs, show),
      outputs: exported(s.outputs, show),
      parent: STACK_URN,
      provider: `${PROVIDER_URN}::${PROVIDER_ID}`,
      propertyDependencies: {},
      created: time,
      modified: time,
    });
  return {
    version: 3,
    deployment: {
      manifest: { time, magic: '0'.repeat(64), version: 'v3.200.0' },
      secrets_providers: { type: 'passphrase', state: { salt: 'v1:AAAA:BBBB' } },
      resources,
    },
  };
}

/** Writes a document to a fresh temporary file; returns its path. */
export function writeExport(doc: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'alikms-export-')), 'stack.json');
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

const CLI = join(REPO, 'emulator', 'bin', 'alikms.js');

/** The emulator's build (emulator/dist) must include the drift command: `make build` or `npm run build`. */
export function assertCliBuilt(): void {
  const compiled = join(REPO, 'emulator', 'dist', 'alikms.js');
  if (!existsSync(compiled) || !readFileSync(compiled, 'utf8').includes('command("drift")'))
    throw new Error('emulator/dist has no `alikms drift`: run `npm run build` (make test does)');
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `alikms <args>` as a child process, with only the given environment (no ALIBABA_* leaking in from the shell). */
export function runAlikms(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: REPO, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}
