/**
 * What a resource file declares: its type token, its properties (the single source the schema, Check's generic
 * validation and Diff are built from) and its CRUD against the typed client.
 */
import type { KmsClient } from './client';
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
  enum?: readonly string[];
  /** Schema default; also the desired value Diff assumes when the input is unset. */
  default?: unknown;
  /**
   * How Diff treats the property: `compare` (default) compares desired with live; `whenSet` only when the input is
   * set (server-computed otherwise); `never` for delete-time settings such as pendingWindowInDays.
   */
  diff?: 'compare' | 'whenSet' | 'never';
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
   * Resource-specific checks beyond types/enums/required. `news` holds only the known inputs; `unknown` names those not
   * known yet (preview), which must never fail. `olds` are the old inputs ({} on create).
   */
  check?(ctx: ResourceContext, news: Props, unknown: Set<string>, olds: Props): Promise<CheckFailure[]>;
  /**
   * Changes the cloud cannot make from the old inputs to `news` (e.g. shrinking capacity), refused by Check so that
   * preview fails. Not Diff: refresh diffs live state against old inputs, and must report drift rather than fail.
   * After a refresh, Read has put the live values in the old inputs, so Check sees them.
   */
  validateChange?(olds: Props, news: Props): CheckFailure[];
  create(ctx: ResourceContext, inputs: Props): Promise<{ id: string; outputs: Props }>;
  /** Undefined when the resource is gone (or, for keys, pending deletion). `inputs` is absent for an import. */
  read(ctx: ResourceContext, id: string, state: Props, inputs?: Props): Promise<ReadResult | undefined>;
  update(ctx: ResourceContext, id: string, olds: Props, news: Props): Promise<Props>;
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
 * object still exists: the error carries its id and `known` outputs so the engine records it instead of leaking it,
 * and the next `up` finishes the job through Update.
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

/** Tag keys the cloud reserves; they are never managed or compared. */
export const isSystemTag = (key: string) => /^(aliyun|acs:|http:\/\/|https:\/\/|sae\.do\.not\.delete)/i.test(key);

export const userTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).filter(([k]) => !isSystemTag(k)));
