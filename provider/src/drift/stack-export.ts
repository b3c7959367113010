/**
 * Reading `pulumi stack export` (deployment version 3): the alikms resources to check and the provider resources whose
 * inputs configure the client. Secrets in an export are `{sig, plaintext}` (with --show-secrets) or `{sig, ciphertext}`;
 * plaintext becomes the `{sig, value}` wrapper the provider decodes, ciphertext cannot be read here and is reported.
 */
import { readFileSync } from 'node:fs';
import { parseUrn } from '../provider';
import { secret, SECRET_SIG, SIG_KEY, type Props } from '../values';

export const PROVIDER_TYPE = 'pulumi:providers:alikms';

/** One entry of deployment.resources, as the engine writes it (apitype.ResourceV3). */
interface ExportedResource {
  urn?: string;
  type?: string;
  id?: string;
  custom?: boolean;
  external?: boolean;
  delete?: boolean;
  inputs?: Props;
  outputs?: Props;
  provider?: string;
}

/** Properties with their secret wrappers converted; `encrypted` names the top-level ones we could not decrypt. */
export interface ExportedProps {
  props: Props;
  encrypted: string[];
}

export interface ProviderConfig extends ExportedProps {
  /** `<provider URN>::<provider ID>`, the reference resources carry. */
  ref: string;
  urn: string;
}

export interface DriftTarget {
  urn: string;
  type: string;
  name: string;
  id: string;
  inputs: ExportedProps;
  outputs: ExportedProps;
  /** Undefined for a resource without a provider reference (the environment alone configures it). */
  providerRef?: string;
}

export interface ParsedExport {
  providers: Map<string, ProviderConfig>;
  targets: DriftTarget[];
}

export class StackExportError extends Error {}

const ENCRYPTED = Symbol('encrypted');

const isSecretEnvelope = (v: unknown): v is Props => typeof v === 'object' && v !== null && (v as Props)[SIG_KEY] === SECRET_SIG;

function parsePlaintext(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The text itself is never shown: it is a secret.
    throw new StackExportError("a secret's plaintext is not JSON");
  }
}

function convert(v: unknown): unknown {
  if (isSecretEnvelope(v)) {
    if (typeof v.plaintext === 'string') return secret(parsePlaintext(v.plaintext));
    if ('value' in v) return v;
    return ENCRYPTED;
  }
  if (Array.isArray(v)) return v.map(convert);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x)]));
  return v;
}

const containsEncrypted = (v: unknown): boolean =>
  v === ENCRYPTED || (typeof v === 'object' && v !== null && Object.values(v).some(containsEncrypted));

export function exportedProps(raw: Props | undefined): ExportedProps {
  const props: Props = {};
  const encrypted: string[] = [];
  for (const [k, v] of Object.entries(raw ?? {})) {
    const c = convert(v);
    if (containsEncrypted(c)) encrypted.push(k);
    else props[k] = c;
  }
  return { props, encrypted };
}

/** Parses the export text; `source` names it in errors. */
export function parseStackExport(text: string, source: string): ParsedExport {
  let doc: { version?: number; deployment?: { resources?: ExportedResource[] } };
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new StackExportError(`${source} is not JSON: ${(e as Error).message}`);
  }
  if (typeof doc?.version !== 'number' || typeof doc.deployment !== 'object' || doc.deployment === null)
    throw new StackExportError(`${source} is not a \`pulumi stack export\` (no version and deployment)`);
  if (doc.version < 3)
    throw new StackExportError(`${source} is a version ${doc.version} deployment; export it with a current Pulumi CLI (version 3)`);
  const resources = doc.deployment.resources ?? [];
  const providers = new Map<string, ProviderConfig>();
  const targets: DriftTarget[] = [];
  for (const r of resources) {
    const { urn, type } = r;
    if (!urn || !type || r.delete) continue;
    try {
      parseResource({ ...r, urn, type }, providers, targets);
    } catch (e) {
      throw e instanceof StackExportError ? new StackExportError(`${source}: ${r.urn}: ${e.message}`) : e;
    }
  }
  return { providers, targets };
}

/** Adds one exported resource to the providers or the drift targets (other types are not ours). */
function parseResource(
  r: ExportedResource & { urn: string; type: string },
  providers: Map<string, ProviderConfig>,
  targets: DriftTarget[],
): void {
  if (r.type === PROVIDER_TYPE) {
    // The engine records a provider's config as its inputs (outputs echo them); the ID completes the reference.
    providers.set(`${r.urn}::${r.id ?? ''}`, { ref: `${r.urn}::${r.id ?? ''}`, urn: r.urn, ...exportedProps(r.inputs ?? r.outputs) });
  } else if (r.type.startsWith('alikms:index:') && r.custom !== false && !r.external && r.id) {
    // external: read with get(), so the stack holds no desired state for it.
    targets.push({
      urn: r.urn,
      type: r.type,
      name: parseUrn(r.urn).name,
      id: r.id,
      inputs: exportedProps(r.inputs),
      outputs: exportedProps(r.outputs),
      providerRef: r.provider,
    });
  }
}

/** Reads a file path, `/dev/fd/N` from `<(pulumi stack export)`, or `-` for stdin. */
export function readStackExport(path: string): ParsedExport {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new StackExportError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseStackExport(text, path === '-' ? 'stdin' : path);
}
