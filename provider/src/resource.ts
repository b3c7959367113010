/**
 * What a resource file declares: its type token, its properties (the single source the schema, Check's generic
 * validation and Diff are built from) and its CRUD against the typed client.
 */
import type { KmsClient } from './client';
import type { DiffKind } from './diff';
import type { EnumType } from './enums';
import type { Logger } from './log';
import type { Props } from './values';

export type PropertyType = 'string' | 'boolean' | 'integer' | 'array' | 'object';

export interface PropertySpec {
  type: PropertyType;
  /** Element type for arrays: a primitive or a `#/types/…` reference. */
  items?: { type: 'string' } | { $ref: string };
  /** Value type for maps. */
  additionalProperties?: { type: 'string' };
  description: string;
  /** Absent: an output only. */
  input?: 'required' | 'optional';
  /** Appended to the "missing required property" failure. */
  requiredHint?: string;
  /** Outputs every read returns (schema `required`). */
  alwaysOutput?: boolean;
  replaceOnChanges?: boolean;
  secret?: boolean;
  /**
   * An input that is never an output (key material): kept, secret, in the engine's state inputs only; Diff sees it
   * through the old inputs.
   */
  writeOnly?: boolean;
  /** A computed output an in-place update never changes (IDs, ARNs, creation dates): an Update preview keeps it. */
  stable?: boolean;
  enum?: readonly string[];
  /** A named enum (schema `types`, an SDK enum); its values are the allowed ones. */
  enumType?: EnumType;
  /** Schema default; also the desired value Diff assumes when the input is unset. */
  default?: unknown;
  /**
   * How Diff treats the property: `compare` (default) compares desired with live; `whenSet` only when the input is
   * set (server-computed otherwise); `inputs` compares with the old input, for create-time settings the API never
   * reads back (only when the old input is known: an import cannot know it); `never` for delete-time settings such as
   * pendingWindowInDays, and for properties the resource diffs itself (`diffExtra`).
   */
  diff?: 'compare' | 'whenSet' | 'inputs' | 'never';
  /** Maps desired and live values to a comparable form (ID vs ARN, 7d vs 604800s, policy JSON). */
  normalize?: (v: unknown) => unknown;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface ResourceContext {
  /** Undefined while the provider config is unknown (preview before its inputs resolve). */
  client?: KmsClient;
  log: Logger;
  urn: string;
  /** `alikms:index:Key 'name'` for messages. */
  label: string;
  region: string;
  /** The operation's `customTimeouts` entry (create, update or delete), when the program set one. */
  timeout?: { ms: number; name: string };
}

export interface ReadResult {
  id: string;
  outputs: Props;
  inputs: Props;
}

export interface ResourceDefinition {
  token: string;
  description: string;
  properties: Record<string, PropertySpec>;
  /**
   * Resource-specific checks beyond types/enums/required: static only (no cloud calls), so a preview never fails on
   * live state the deployment itself changes first; live preconditions belong to create/update. `news` holds only the
   * known, well-typed inputs; `unknown` names those not known yet (preview), which must never fail. `olds` are the old
   * inputs ({} on create).
   */
  check?(news: Props, unknown: Set<string>, olds: Props): CheckFailure[];
  /**
   * Replacements must delete the old resource first: it holds a name or a one-per-key setting the new one needs (an
   * alias name, a key's rotation). Diff says so on every answer, so `replaceOnChanges` replacements are ordered too.
   */
  deleteBeforeReplace?: boolean;
  /** Diffs for `diff: 'never'` properties the generic rules cannot express; `oldInputs` are the engine's old inputs. */
  diffExtra?(live: Props, desired: Props, oldInputs: Props, unknown: Set<string>): Record<string, DiffKind>;
  /**
   * Changes the cloud cannot make from the old inputs to `news` (e.g. shrinking capacity), refused by Check so that
   * preview fails. Not Diff: refresh diffs live state against old inputs, and must report drift rather than fail.
   * After a refresh, Read has put the live values in the old inputs, so Check sees them.
   */
  validateChange?(olds: Props, news: Props): CheckFailure[];
  create(ctx: ResourceContext, inputs: Props): Promise<{ id: string; outputs: Props }>;
  /** Undefined when the resource is gone (or, for keys, pending deletion). `inputs` is absent for an import. */
  read(ctx: ResourceContext, id: string, state: Props, inputs?: Props): Promise<ReadResult | undefined>;
  /** `oldInputs` are the engine's old inputs (state outputs are `olds`). */
  update(ctx: ResourceContext, id: string, olds: Props, news: Props, oldInputs: Props): Promise<Props>;
  delete(ctx: ResourceContext, id: string, olds: Props, oldInputs: Props): Promise<void>;
}

/** Error raised by a resource: the provider prefixes the resource label. */
export class ResourceError extends Error {}

/** A create that made the resource but failed afterwards: the engine records the id (ErrorResourceInitFailed). */
export class PartialCreateError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
  ) {
    super(message);
  }
}

/**
 * Runs the steps that follow the call making the cloud object (protection, state, connection). If one fails the
 * object still exists: the error carries its id and `known` outputs so the engine records it instead of leaking it;
 * the provider adds the full inputs, so the next `up` diffs nothing to replace and finishes the job through Update.
 */
export async function finishCreate(id: string, known: Props, steps: () => Promise<Props>): Promise<{ id: string; outputs: Props }> {
  try {
    return { id, outputs: await steps() };
  } catch (e) {
    throw new PartialCreateError((e as Error).message ?? String(e), id, known);
  }
}

/** Requires a configured client: during preview with unknown config, CRUD must not run. */
export function clientOf(ctx: ResourceContext): KmsClient {
  if (!ctx.client) throw new ResourceError('the provider is not configured (its configuration is still unknown)');
  return ctx.client;
}

/** Effective inputs of a resource: set values, else defaults. */
export function withDefaults(def: ResourceDefinition, inputs: Props): Props {
  const out: Props = { ...inputs };
  for (const [name, spec] of Object.entries(def.properties))
    if (spec.input && out[name] === undefined && spec.default !== undefined) out[name] = spec.default;
  return out;
}

/** `values` without the write-only inputs: what may appear in outputs. */
export function outputsOnly(def: ResourceDefinition, values: Props): Props {
  return Object.fromEntries(Object.entries(values).filter(([k]) => !def.properties[k]?.writeOnly));
}

/** The allowed values of an enum property (a named enum's or a plain list), else undefined. */
export const enumValues = (spec: PropertySpec): readonly string[] | undefined => spec.enumType?.values.map((v) => v.value) ?? spec.enum;

/**
 * Deadline of a wait inside an operation: the program's `customTimeouts` entry when set, else `fallbackMs`. The
 * label says where the limit came from, for the error that ends the wait.
 */
export function deadlineOf(ctx: ResourceContext, fallbackMs: number): { at: number; label: string } {
  const t = ctx.timeout;
  return t
    ? { at: Date.now() + t.ms, label: `${t.ms / 1000} s (customTimeouts.${t.name})` }
    : { at: Date.now() + fallbackMs, label: `${fallbackMs / 60_000} minutes` };
}

/** The resource name in a URN (`…::Alias::orders` → `orders`), for the `pulumi import` commands errors suggest. */
export const resourceName = (urn: string) => urn.split('::').slice(3).join('::') || '<name>';

/** Tag keys the cloud reserves; they are never managed or compared. */
export const isSystemTag = (key: string) => /^(aliyun|acs:|http:\/\/|https:\/\/|sae\.do\.not\.delete)/i.test(key);

export const userTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).filter(([k]) => !isSystemTag(k)));
