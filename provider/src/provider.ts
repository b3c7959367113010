/**
 * The provider's behaviour, independent of gRPC: config, and each resource operation with secrets, unknowns,
 * defaults and error labelling handled once for all resources. server.ts only translates messages.
 */
import { KmsClient } from './client';
import { checkInputs } from './checks';
import { CONFIG_ENV, CONFIG_KEYS, DEFAULT_REGION, resolveConfig, SECRET_CONFIG, type RawConfig, type ResolvedConfig } from './config';
import { diffResource, type DiffResult } from './diff';
import type { Logger } from './log';
import { FUNCTIONS, type FunctionDefinition } from './functions';
import {
  outputsOnly,
  PartialCreateError,
  ResourceError,
  withDefaults,
  type CheckFailure,
  type ResourceContext,
  type ResourceDefinition,
} from './resource';
import { RESOURCES } from './resources';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import { previewOutputs, previewUpdate } from './preview';
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

  /** Every failure at once: unknown keys, wrong types and the values resolveConfig refuses among the known ones. */
  checkConfig(news: Props): { inputs: Props; failures: CheckFailure[] } {
    const { values, unknown } = decode(news);
    const failures: CheckFailure[] = [];
    const known: RawConfig = {};
    for (const k of Object.keys(values)) {
      if (k === 'version' || k.startsWith('__') || unknown.has(k)) continue;
      if (!(CONFIG_KEYS as readonly string[]).includes(k))
        failures.push({ property: k, reason: `unknown alikms configuration key '${k}'` });
      else if (typeof values[k] !== 'string') failures.push({ property: k, reason: `${k} must be a string` });
      else known[k as keyof RawConfig] = values[k] as string;
    }
    const { errors } = resolveConfig(known, this.env);
    // Missing credentials are not a Check failure: they may come from the environment the engine runs in later. A
    // value still unknown (preview) is judged when it is known.
    const refused = errors.filter((m) => !/is not set/.test(m)).map((reason) => ({ property: reason.split(' ')[0], reason }));
    for (const f of refused) {
      // A BSS endpoint derived from a refused endpoint is the same mistake, reported once.
      const derived = f.property === 'bssEndpoint' && known.bssEndpoint === undefined && refused.some((r) => r.property === 'endpoint');
      if (!unknown.has(f.property) && !derived) failures.push(f);
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

  /** `timeout`: the request's customTimeouts entry in seconds (0 = not set) and which one it is. */
  private context(
    urn: string,
    type?: string,
    timeout?: { seconds: number; name: string },
  ): { def: ResourceDefinition; ctx: ResourceContext } {
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
        timeout: timeout && timeout.seconds > 0 ? { ms: Math.round(timeout.seconds * 1000), name: timeout.name } : undefined,
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
    const failures = checkInputs(def.properties, def.token, n.values, n.unknown);
    // Resource checks see only known, well-typed values (an unknown is the sentinel string, which no format check
    // passes), so every failure is reported at once without one masking or repeating another.
    const failed = new Set(failures.map((f) => f.property));
    const known = Object.fromEntries(Object.entries(n.values).filter(([k]) => !n.unknown.has(k) && !failed.has(k)));
    if (def.check) failures.push(...(await this.labelled(ctx, 'check', undefined, async () => def.check!(known, n.unknown, o))));
    if (def.validateChange) failures.push(...def.validateChange(o, known));
    // Defaults are filled in here so state records what was applied; wrappers and unknowns pass through untouched.
    const inputs: Props = { ...news };
    for (const [k, spec] of Object.entries(def.properties))
      if (spec.input && inputs[k] === undefined && spec.default !== undefined) inputs[k] = spec.default;
    return { inputs, failures };
  }

  async diff(
    urn: string,
    type: string,
    id: string,
    olds: Props,
    news: Props,
    ignoreChanges: string[],
    oldInputs: Props = {},
  ): Promise<DiffResult> {
    const { def } = this.context(urn, type);
    const n = decode(news);
    return diffResource(def, decode(olds).values, n.values, n.unknown, ignoreChanges, decode(oldInputs).values);
  }

  async create(urn: string, type: string, inputs: Props, preview: boolean, timeoutSeconds = 0): Promise<{ id: string; outputs: Props }> {
    const { def, ctx } = this.context(urn, type, { seconds: timeoutSeconds, name: 'create' });
    const n = decode(inputs);
    if (preview || this.configUnknown || n.unknown.size) {
      if (!preview)
        throw new ResourceError(`${ctx.label}: create: inputs ${[...n.unknown].join(', ') || '(provider config)'} are still unknown`);
      return { id: '', outputs: previewOutputs(def, inputs) };
    }
    const secrets = secretOutputs(def, n.secret);
    const applied = withDefaults(def, n.values);
    const created = await this.labelled(ctx, 'create', undefined, () => def.create(ctx, applied)).catch((e) => {
      if (!(e instanceof PartialCreateError)) throw e;
      // The half-made resource's state: every input as applied (so the next Diff finds nothing to add or replace and
      // the engine finishes the job with an Update), then what is known of its outputs. Secrets stay wrapped.
      throw new PartialCreateError(e.message, e.id, encode({ ...outputsOnly(def, applied), ...e.properties }, secrets));
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

  async update(
    urn: string,
    type: string,
    id: string,
    olds: Props,
    news: Props,
    preview: boolean,
    oldInputs: Props = {},
    timeoutSeconds = 0,
  ): Promise<Props> {
    const { def, ctx } = this.context(urn, type, { seconds: timeoutSeconds, name: 'update' });
    const o = decode(olds),
      n = decode(news);
    if (preview || this.configUnknown || n.unknown.size) {
      if (!preview)
        throw new ResourceError(
          `${ctx.label} (${id}): update: inputs ${[...n.unknown].join(', ') || '(provider config)'} are still unknown`,
        );
      return previewUpdate(def, olds, news);
    }
    const outputs = await this.labelled(ctx, 'update', id, () =>
      def.update(ctx, id, o.values, withDefaults(def, n.values), decode(oldInputs).values),
    );
    return encode(outputs, secretOutputs(def, n.secret));
  }

  async delete(urn: string, type: string, id: string, olds: Props, oldInputs: Props, timeoutSeconds = 0): Promise<void> {
    const { def, ctx } = this.context(urn, type, { seconds: timeoutSeconds, name: 'delete' });
    await this.labelled(ctx, 'delete', id, () => def.delete(ctx, id, decode(olds).values, decode(oldInputs).values));
  }

  function(token: string): FunctionDefinition {
    const fn = FUNCTIONS.find((f) => f.token === token);
    if (!fn) throw new Error(`alikms does not know function '${token}'`);
    return fn;
  }

  /** A lookup (Pulumi invoke): bad arguments are failures (the SDK reports them), API errors name the function. */
  async invoke(token: string, args: Props): Promise<{ outputs: Props; failures: CheckFailure[] }> {
    const fn = this.function(token);
    const { values, unknown } = decode(args);
    const failures = checkInputs(fn.inputs, token, values, unknown);
    if (unknown.size) failures.push(...[...unknown].map((property) => ({ property, reason: `${property} is not known yet` })));
    if (failures.length) return { outputs: {}, failures };
    if (!this.client) throw new ResourceError(`${token}: the provider is not configured (its configuration is still unknown)`);
    try {
      // Through JSON: unset fields of nested rows are dropped (a Struct cannot carry undefined).
      return { outputs: JSON.parse(JSON.stringify(await fn.invoke(this.client, values))) as Props, failures: [] };
    } catch (e) {
      throw new ResourceError(`${token}: ${(e as Error).message ?? e}`);
    }
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
