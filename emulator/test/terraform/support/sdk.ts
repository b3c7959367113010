/**
 * The parts of terraform-plugin-sdk (helper/schema) a replayed resource depends on, reduced to what the KMS resources
 * use: a schema, ResourceData (Get/GetOk/GetOkExists/HasChange/Set/Id), the plan diff with Default, Computed,
 * DiffSuppressFunc and ForceNew, and d.Set's type conversion (mapstructure.Decode: a json.Number may fill an int or a
 * string, a JSON string may not fill an int - the Go provider then silently keeps the old value; here it throws, so
 * a wrong wire type is seen).
 */
import { GoNumber } from './go-wire';

export type AttrType = 'string' | 'int' | 'bool' | 'map' | 'set' | 'list';
export type Value = string | number | boolean | Record<string, string> | Array<string | Record<string, Value>>;
export type State = Record<string, Value | undefined>;

export interface Attr {
  type: AttrType;
  required?: true;
  optional?: true;
  computed?: true;
  forceNew?: true;
  default?: Value;
  /** Called with both sides as strings when a primitive differs (schema.SchemaDiffSuppressFunc). */
  diffSuppress?: (old: string, nu: string, d: ResourceData) => boolean;
  /** Set/list of objects: the fields of one element (absent: a set/list of strings). */
  elem?: Record<string, Attr>;
}
export type Schema = Record<string, Attr>;

export const zero = (a: Attr): Value => ({ string: '', int: 0, bool: false, map: {}, set: [], list: [] })[a.type] as Value;

const isZero = (a: Attr, v: Value | undefined) => v === undefined || equal(a, v, zero(a));
const primitive = (a: Attr) => a.type === 'string' || a.type === 'int' || a.type === 'bool';

/** A canonical form: sets unordered, objects field by field. */
function canonical(a: Attr, v: Value): unknown {
  if (a.type === 'set' || a.type === 'list') {
    const items = (v as unknown[]).map((x) => JSON.stringify(a.elem ? canonicalObject(a.elem, x as Record<string, Value>) : x));
    return a.type === 'set' ? items.sort() : items;
  }
  if (a.type === 'map') return Object.entries(v as Record<string, string>).sort(([x], [y]) => x.localeCompare(y));
  return v;
}
const canonicalObject = (elem: Record<string, Attr>, o: Record<string, Value>) =>
  Object.keys(elem)
    .sort()
    .map((k) => [k, canonical(elem[k], o[k] ?? zero(elem[k]))]);

export const equal = (a: Attr, x: Value, y: Value) => JSON.stringify(canonical(a, x)) === JSON.stringify(canonical(a, y));

/** d.Set's conversion of what the provider read into the attribute's type. */
export function convert(a: Attr, v: unknown, name: string): Value {
  if (v === undefined || v === null) return zero(a);
  const fail = () => {
    throw new TypeError(
      `d.Set("${name}"): a ${v instanceof GoNumber ? 'JSON number' : typeof v} cannot fill a Type${a.type} (got ${String(v)})`,
    );
  };
  switch (a.type) {
    case 'string':
      return typeof v === 'string' ? v : v instanceof GoNumber ? v.text : fail();
    case 'int':
      if (typeof v === 'number') return v;
      if (v instanceof GoNumber && /^-?\d+$/.test(v.text)) return Number(v.text);
      return fail();
    case 'bool':
      return typeof v === 'boolean' ? v : fail();
    case 'map':
      return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, String(x)]));
    case 'set':
    case 'list':
      if (!Array.isArray(v)) return fail();
      return a.elem
        ? v.map((o: Record<string, unknown>) =>
            Object.fromEntries(Object.entries(a.elem!).map(([k, f]) => [k, convert(f, o[k], `${name}.${k}`)])),
          )
        : v.map((x) => convert({ type: 'string' }, x, `${name}.*`) as string);
  }
}

/** The value Terraform plans for each attribute from the configuration and the prior state. */
export function planned(schema: Schema, config: State, prior: State, d: ResourceData): State {
  const out: State = {};
  for (const [k, a] of Object.entries(schema)) {
    let nu: Value | undefined;
    if (config[k] !== undefined) nu = convert(a, config[k], k);
    else if (a.default !== undefined) nu = a.default;
    else if (a.computed) {
      out[k] = prior[k];
      continue;
    }
    // The SDK asks the DiffSuppressFunc about a removal (old -> "") as about any other change.
    const [old, next] = [prior[k] ?? zero(a), nu ?? zero(a)];
    const suppressed = !equal(a, old, next) && a.diffSuppress && primitive(a) && a.diffSuppress(String(old), String(next), d);
    out[k] = suppressed ? prior[k] : nu;
  }
  return out;
}

export interface Diff {
  attr: string;
  old: Value;
  new: Value;
  forceNew: boolean;
}

/** `terraform plan` for one resource: what would change if `config` were applied over `state`. */
export function plan(schema: Schema, config: State, state: State): Diff[] {
  const d = new ResourceData(schema, state, { ...state, ...config }, false);
  const next = planned(schema, config, state, d);
  const diffs: Diff[] = [];
  for (const [k, a] of Object.entries(schema)) {
    if (!a.optional && !a.required) continue;
    if (config[k] === undefined && a.default === undefined && a.computed) continue;
    const old = state[k] ?? zero(a);
    const nu = next[k] ?? zero(a);
    if (!equal(a, old, nu)) diffs.push({ attr: k, old, new: nu, forceNew: !!a.forceNew });
  }
  return diffs;
}

/** schema.ResourceData during one CRUD call. */
export class ResourceData {
  id = '';
  private readonly written: State = {};

  constructor(
    readonly schema: Schema,
    private readonly prior: State,
    private readonly next: State,
    private readonly isNew: boolean,
  ) {}

  private attr(k: string): Attr {
    const a = this.schema[k];
    if (!a) throw new Error(`no attribute ${k} in the schema`);
    return a;
  }

  isNewResource = () => this.isNew;
  setId = (id: string) => void (this.id = id);

  get(k: string): any {
    return k in this.written ? this.written[k] : (this.next[k] ?? zero(this.attr(k)));
  }
  getOk(k: string): [any, boolean] {
    const v = this.get(k);
    return [v, !isZero(this.attr(k), v)];
  }
  /** Set in the configuration, by a Default, or by d.Set - even to a zero value. */
  getOkExists(k: string): [any, boolean] {
    return [this.get(k), k in this.written || this.next[k] !== undefined];
  }
  hasChange(k: string): boolean {
    const a = this.attr(k);
    return !equal(a, this.prior[k] ?? zero(a), this.next[k] ?? zero(a));
  }
  hasChanges = (...ks: string[]) => ks.some((k) => this.hasChange(k));
  getChange(k: string): [any, any] {
    const a = this.attr(k);
    return [this.prior[k] ?? zero(a), this.next[k] ?? zero(a)];
  }
  set(k: string, v: unknown): void {
    this.written[k] = convert(this.attr(k), v, k);
  }

  /** The state this call leaves: what was planned, overwritten by what the provider set. */
  state(): State {
    return { ...this.next, ...this.written };
  }
}

/** helper/resource StateChangeConf.WaitForState, with the provider's minutes scaled down to the emulator's pace. */
export async function waitForState(
  refresh: () => Promise<[unknown, string]>,
  target: string[],
  opts: { pollMs?: number; timeoutMs?: number } = {},
): Promise<unknown> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let last = '';
  for (;;) {
    const [object, state] = await refresh();
    if (target.includes(state)) return object;
    last = state;
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${target.join('|')}; last state ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
  }
}

/** common.go compareJsonTemplateAreEquivalent: both unmarshalled to a map, marshalled back (keys sorted), compared. */
export function compareJsonTemplateAreEquivalent(x: string, y: string): boolean {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
          )
        : v;
  try {
    const [a, b] = [JSON.parse(x), JSON.parse(y)];
    if (!a || typeof a !== 'object' || Array.isArray(a) || !b || typeof b !== 'object' || Array.isArray(b)) return false;
    return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
  } catch {
    return false;
  }
}

/** tags.go tagsToMap over `[{TagKey, TagValue}]`, dropping what tagIgnored names as the cloud's own tags. */
export function tagsToMap(tags: unknown): Record<string, string> {
  const ignored = [/^aliyun/, /^acs:/, /^http:\/\//, /^https:\/\//, /^sae.do.not.delete/];
  const out: Record<string, string> = {};
  for (const t of (Array.isArray(tags) ? tags : []) as Record<string, unknown>[]) {
    const [k, v] = 'TagKey' in t ? [t.TagKey, t.TagValue] : [t.Key, t.Value];
    if (!ignored.some((re) => re.test(String(k)))) out[String(k)] = String(v);
  }
  return out;
}
