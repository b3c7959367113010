/**
 * The provider's behaviour, independent of gRPC: config, and each resource operation with secrets, unknowns,
 * defaults and error labelling handled once for all resources. server.ts only translates messages.
 */
import { KmsClient } from './client';
import { checkInputs } from './checks';
import { CONFIG_ENV, CONFIG_KEYS, DEFAULT_REGION, resolveConfig, SECRET_CONFIG, type RawConfig, type ResolvedConfig } from './config';
import { diffResource, type DiffResult } from './diff';
import type { Logger } from './log';
import {
  PartialCreateError,
  ResourceError,
  withDefaults,
  type CheckFailure,
  type ResourceContext,
  type ResourceDefinition,
} from './resource';
import { RESOURCES } from './resources';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import { decode, encode, UNKNOWN, type Props } from './values';

export const PROVIDER_VERSION: string = require('../package.json').version;

/** `urn:pulumi:stack::project::parent$alikms:index:Key::name` → type and name. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split('::');
  return { type: (parts[2] ?? '').split('$').pop() ?? '', name: parts.slice(3).join('::') };
}

export class Provider {
  private config?: ResolvedConfig;
  private client?: KmsClient;
  private cancelled = false;
  /** True once Configure saw unknown config values (preview); CRUD then answers with unknowns. */
  private configUnknown = false;

  constructor(
    readonly log: Logger,
    private readonly retry: Partial<RetryPolicy> = {},
    private readonly env = process.env,
  ) {}

  resource(type: string): ResourceDefinition {
    const def = RESOURCES.find((r) => r.token === type);
    if (!def) throw new Error(`alikms does not know resource type '${type}'`);
    return def;
  }

  checkConfig(news: Props): { inputs: Props; failures: CheckFailure[] } {
    const { values, unknown } = decode(news);
    const failures: CheckFailure[] = [];
    for (const k of Object.keys(values)) {
      if (k === 'version' || k.startsWith('__') || unknown.has(k)) continue;
      if (!(CONFIG_KEYS as readonly string[]).includes(k))
        failures.push({ property: k, reason: `unknown alikms configuration key '${k}'` });
      else if (typeof values[k] !== 'string') failures.push({ property: k, reason: `${k} must be a string` });
    }
    if (!failures.length && !unknown.size) {
      const { errors } = resolveConfig(values as RawConfig, this.env);
      // Missing credentials are not a Check failure: they may come from the environment the engine runs in later.
      for (const e of errors.filter((m) => !/is not set/.test(m))) failures.push({ property: e.split(' ')[0], reason: e });
    }
    return { inputs: news, failures };
  }

  diffConfig(olds: Props, news: Props): DiffResult {
    const o = decode(olds).values,
      n = decode(news);
    const detailedDiff: DiffResult['detailedDiff'] = {};
    const replaces: string[] = [];
    // Effective settings are compared (environment fallbacks, default region), so spelling out the region the
    // provider already used changes nothing.
    const was = effectiveConfig(o, this.env),
      now = effectiveConfig(n.values, this.env);
    for (const k of CONFIG_KEYS) {
      if (!n.unknown.has(k) && was[k] === now[k]) continue;
      // Another region holds other keys: its resources must be replaced. Another endpoint (a VPC endpoint, a proxy, an
      // emulator on a new port) reaches the same keys, so it never replaces anything.
      const replace = k === 'region';
      detailedDiff[k] = was[k] === undefined ? (replace ? 'ADD_REPLACE' : 'ADD') : replace ? 'UPDATE_REPLACE' : 'UPDATE';
      if (replace) replaces.push(k);
    }
    return { changes: Object.keys(detailedDiff).length > 0, replaces, deleteBeforeReplace: false, detailedDiff };
  }

  /** `args` is the config object (secrets wrapped); `variables` the older `alikms:config:<key>` string map. */
  configure(args: Props | undefined, variables: Record<string, string>): void {
    const raw: RawConfig = {};
    const { values, unknown } = decode(args);
    this.configUnknown = false;
    for (const k of CONFIG_KEYS) {
      const v = values[k] ?? variables[`alikms:config:${k}`];
      if (unknown.has(k) || v === UNKNOWN) this.configUnknown = true;
      else if (typeof v === 'string' && v) raw[k] = v;
    }
    if (this.configUnknown) return;
    const { config, errors } = resolveConfig(raw, this.env);
    if (!config) throw new Error(`alikms configuration is invalid: ${errors.join('; ')}`);
    this.config = config;
    this.client = new KmsClient(config, {
      ...DEFAULT_RETRY,
      ...this.retry,
      cancelled: () => this.cancelled,
      onRetry: (action, code, n, ms) => this.log.log('debug', `${action}: ${code}, retry ${n} in ${ms} ms`),
    });
    const shown = CONFIG_KEYS.filter((k) => config[k] !== undefined).map((k) => `${k}=${SECRET_CONFIG.has(k) ? '[secret]' : config[k]}`);
    this.log.log('debug', `alikms configured: ${shown.join(' ')}`);
  }

  cancel(): void {
    this.cancelled = true;
  }

  private context(urn: string, type?: string): { def: ResourceDefinition; ctx: ResourceContext } {
    const parsed = parseUrn(urn);
    const def = this.resource(type || parsed.type);
    return {
      def,
      ctx: {
        client: this.client,
        log: this.log,
        urn,
        label: `${def.token} '${parsed.name}'`,
        region: this.config?.region ?? DEFAULT_REGION,
      },
    };
  }

  /** Runs a resource operation and names the resource in any error it raises. */
  private async labelled<T>(ctx: ResourceContext, op: string, id: string | undefined, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      const where = id ? `${ctx.label} (${id})` : ctx.label;
      if (e instanceof PartialCreateError) throw new PartialCreateError(`${where}: ${op}: ${msg}`, e.id, e.properties);
      throw new ResourceError(`${where}: ${op}: ${msg}`);
    }
  }

  async check(urn: string, type: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    const { def, ctx } = this.context(urn, type);
    const n = decode(news),
      o = decode(olds).values;
    const failures = checkInputs(def, n.values, n.unknown);
    // Resource checks see only known values: an unknown (preview) is the sentinel string, which no format check passes.
    const known = Object.fromEntries(Object.entries(n.values).filter(([k]) => !n.unknown.has(k)));
    if (!failures.length && def.check)
      failures.push(...(await this.labelled(ctx, 'check', undefined, () => def.check!(ctx, known, n.unknown, o))));
    if (!failures.length && def.validateChange) failures.push(...def.validateChange(o, known));
    // Defaults are filled in here so state records what was applied; wrappers and unknowns pass through untouched.
    const inputs: Props = { ...news };
    for (const [k, spec] of Object.entries(def.properties))
      if (spec.input && inputs[k] === undefined && spec.default !== undefined) inputs[k] = spec.default;
    return { inputs, failures };
  }

  async diff(urn: string, type: string, id: string, olds: Props, news: Props, ignoreChanges: string[]): Promise<DiffResult> {
    const { def } = this.context(urn, type);
    const n = decode(news);
    return diffResource(def, decode(olds).values, n.values, n.unknown, ignoreChanges);
  }

  async create(urn: string, type: string, inputs: Props, preview: boolean): Promise<{ id: string; outputs: Props }> {
    const { def, ctx } = this.context(urn, type);
    const n = decode(inputs);
    if (preview || this.configUnknown || n.unknown.size) {
      if (!preview)
        throw new ResourceError(`${ctx.label}: create: inputs ${[...n.unknown].join(', ') || '(provider config)'} are still unknown`);
      return { id: '', outputs: previewOutputs(def, inputs) };
    }
    const secrets = secretOutputs(def, n.secret);
    const created = await this.labelled(ctx, 'create', undefined, () => def.create(ctx, withDefaults(def, n.values))).catch((e) => {
      // The half-made resource's outputs go to the engine's state like any others: secrets stay wrapped.
      throw e instanceof PartialCreateError ? new PartialCreateError(e.message, e.id, encode(e.properties, secrets)) : e;
    });
    return { id: created.id, outputs: encode(created.outputs, secrets) };
  }

  async read(
    urn: string,
    type: string,
    id: string,
    state: Props,
    inputs: Props | undefined,
  ): Promise<{ id: string; outputs?: Props; inputs?: Props }> {
    const { def, ctx } = this.context(urn, type);
    const s = decode(state),
      i = inputs && Object.keys(inputs).length ? decode(inputs) : undefined;
    const found = await this.labelled(ctx, 'read', id, () => def.read(ctx, id, s.values, i?.values));
    if (!found) return { id: '' };
    const secrets = new Set([...s.secret, ...(i?.secret ?? [])]);
    return { id: found.id, outputs: encode(found.outputs, secretOutputs(def, secrets)), inputs: encode(found.inputs, i?.secret ?? []) };
  }

  async update(urn: string, type: string, id: string, olds: Props, news: Props, preview: boolean): Promise<Props> {
    const { def, ctx } = this.context(urn, type);
    const o = decode(olds),
      n = decode(news);
    if (preview || this.configUnknown || n.unknown.size) {
      if (!preview)
        throw new ResourceError(
          `${ctx.label} (${id}): update: inputs ${[...n.unknown].join(', ') || '(provider config)'} are still unknown`,
        );
      // Computed outputs (IDs, ARNs, dates) survive an in-place update, so the old ones are the best preview.
      return { ...olds, ...news };
    }
    const outputs = await this.labelled(ctx, 'update', id, () => def.update(ctx, id, o.values, withDefaults(def, n.values)));
    return encode(outputs, secretOutputs(def, n.secret));
  }

  async delete(urn: string, type: string, id: string, olds: Props, oldInputs: Props): Promise<void> {
    const { def, ctx } = this.context(urn, type);
    await this.labelled(ctx, 'delete', id, () => def.delete(ctx, id, decode(olds).values, decode(oldInputs).values));
  }
}

/** The setting each config key resolves to: the given value, else its environment variables, else the default region. */
function effectiveConfig(values: Props, env: NodeJS.ProcessEnv): Partial<Record<string, string>> {
  const out: Partial<Record<string, string>> = {};
  for (const k of CONFIG_KEYS) {
    const v = values[k];
    out[k] = (typeof v === 'string' && v) || CONFIG_ENV[k].map((name) => env[name]).find((x) => x) || undefined;
  }
  out.region ??= DEFAULT_REGION;
  return out;
}

/** Secret inputs keep their outputs secret, as do properties the schema marks secret. */
function secretOutputs(def: ResourceDefinition, secretInputs: Iterable<string>): Set<string> {
  const names = new Set(secretInputs);
  for (const [k, spec] of Object.entries(def.properties)) if (spec.secret) names.add(k);
  return names;
}

/** Preview state: the inputs as given (unknowns and secrets intact) and every computed output unknown. */
function previewOutputs(def: ResourceDefinition, inputs: Props): Props {
  const outputs: Props = { ...inputs };
  for (const [k, spec] of Object.entries(def.properties)) {
    if (spec.input && outputs[k] === undefined && spec.default !== undefined) outputs[k] = spec.default;
    if (!spec.input || (outputs[k] === undefined && spec.diff === 'whenSet')) outputs[k] = UNKNOWN;
  }
  return outputs;
}
