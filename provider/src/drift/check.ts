/**
 * Drift of each alikms resource of a stack, decided by the provider itself: Read (as `pulumi refresh` does), then
 * Diff of the live outputs against the stack's inputs. Nothing here compares values; it only reports what Diff found.
 */
import { CONFIG_ENV, CONFIG_KEYS, type ConfigKey } from '../config';
import type { Logger } from '../log';
import { Provider } from '../provider';
import type { RetryPolicy } from '../retry';
import { decode, UNKNOWN, type Props } from '../values';
import type { DriftTarget, ParsedExport, ProviderConfig } from './stack-export';

export interface PropertyDrift {
  property: string;
  desired: unknown;
  actual: unknown;
  /** The repairing `up` replaces the resource rather than updating it. */
  replace: boolean;
  secret: boolean;
}

export interface ResourceReport {
  urn: string;
  type: string;
  name: string;
  id: string;
  /** ok: matches; drift: properties differ; gone: deleted out of band; error: could not be checked. */
  status: 'ok' | 'drift' | 'gone' | 'error';
  drift: PropertyDrift[];
  /** Properties encrypted in the export, so not compared. */
  notCompared: string[];
  error?: string;
}

export interface DriftOptions {
  /** Overrides the endpoint of every alikms provider in the stack (e.g. the emulator on another port in CI). */
  endpoint?: string;
  env?: NodeJS.ProcessEnv;
  log: Logger;
  retry?: Partial<RetryPolicy>;
}

/** A configured provider per provider reference, or the reason it could not be configured. */
function configure(cfg: ProviderConfig | undefined, o: DriftOptions): Provider | Error {
  const provider = new Provider(o.log, o.retry, o.env ?? process.env);
  const args: Props = {};
  for (const k of CONFIG_KEYS) if (cfg?.props[k] !== undefined) args[k] = cfg.props[k];
  if (o.endpoint) {
    // A BSS endpoint that was the old KMS endpoint (the emulator serves both) moves with it.
    if (args.bssEndpoint !== undefined && args.bssEndpoint === args.endpoint) args.bssEndpoint = o.endpoint;
    args.endpoint = o.endpoint;
  }
  try {
    provider.configure(args, {});
    return provider;
  } catch (e) {
    const encrypted = (cfg?.encrypted ?? []).filter((k): k is ConfigKey => (CONFIG_KEYS as readonly string[]).includes(k));
    const hint = encrypted.length
      ? ` (${encrypted.join(', ')} ${encrypted.length > 1 ? 'are' : 'is'} encrypted in the export: use \`pulumi stack export --show-secrets\` or set ${encrypted.map((k) => CONFIG_ENV[k][0]).join(', ')})`
      : '';
    return new Error(`provider ${cfg?.urn ?? '(default)'}: ${(e as Error).message}${hint}`);
  }
}

async function checkResource(provider: Provider, t: DriftTarget): Promise<ResourceReport> {
  const base = { urn: t.urn, type: t.type, name: t.name, id: t.id, notCompared: t.inputs.encrypted };
  const read = await provider.read(t.urn, t.type, t.id, t.outputs.props, t.inputs.props);
  if (!read.id || !read.outputs) return { ...base, status: 'gone', drift: [] };
  // As refresh does: the live outputs are the olds, the stack's inputs the news; encrypted inputs are left out.
  const diff = await provider.diff(t.urn, t.type, read.id, read.outputs, t.inputs.props, t.inputs.encrypted, read.inputs ?? t.inputs.props);
  const desired = decode(t.inputs.props),
    actual = decode(read.outputs);
  const def = provider.resource(t.type);
  const drift = Object.keys(diff.detailedDiff).map((property) => ({
    property,
    desired: desired.values[property] ?? def.properties[property]?.default,
    actual: actual.values[property],
    replace: diff.replaces.includes(property),
    // Always-secret properties (key material) are never shown, wrapped or not.
    secret: desired.secret.has(property) || actual.secret.has(property) || def.properties[property]?.secret === true,
  }));
  return { ...base, status: drift.length ? 'drift' : 'ok', drift };
}

/** Checks every target in export order; one failing resource does not stop the others. */
export async function checkDrift(parsed: ParsedExport, o: DriftOptions): Promise<ResourceReport[]> {
  const providers = new Map<string | undefined, Provider | Error>();
  const reports: ResourceReport[] = [];
  for (const t of parsed.targets) {
    if (!providers.has(t.providerRef)) {
      const cfg = t.providerRef ? parsed.providers.get(t.providerRef) : undefined;
      providers.set(t.providerRef, t.providerRef && !cfg ? new Error(`provider ${t.providerRef} is not in the export`) : configure(cfg, o));
    }
    const provider = providers.get(t.providerRef)!;
    const base = { urn: t.urn, type: t.type, name: t.name, id: t.id, drift: [], notCompared: t.inputs.encrypted };
    if (provider instanceof Error) {
      reports.push({ ...base, status: 'error', error: provider.message });
      continue;
    }
    if (Object.values(t.inputs.props).includes(UNKNOWN)) {
      reports.push({
        ...base,
        status: 'error',
        error: 'the stack holds unknown inputs for it (an interrupted update?); run `pulumi up` first',
      });
      continue;
    }
    try {
      reports.push(await checkResource(provider, t));
    } catch (e) {
      reports.push({ ...base, status: 'error', error: (e as Error).message ?? String(e) });
    }
  }
  return reports;
}
