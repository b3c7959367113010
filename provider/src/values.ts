/**
 * Wire values as the engine sends them (Struct → JS): secrets are objects tagged with the special signature, and
 * unknowns (preview) are a sentinel string. Resources work on plain values; these helpers peel the wrappers off,
 * remember which top-level properties were secret or unknown, and put the wrappers back on outputs.
 */
export const SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

export type Props = Record<string, unknown>;

/** Plain inputs plus what the wrappers said about them. */
export interface Decoded {
  values: Props;
  secret: Set<string>;
  unknown: Set<string>;
}

const isSecretWrapper = (v: unknown): v is { value: unknown } =>
  typeof v === 'object' && v !== null && (v as Props)[SIG_KEY] === SECRET_SIG;

export const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

/** True when `v` or anything inside it is the unknown sentinel. */
export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(containsUnknown);
  return false;
}

/** Removes secret wrappers at any depth; reports whether there were any. */
export function unwrap(v: unknown): { value: unknown; secret: boolean } {
  if (isSecretWrapper(v)) return { value: unwrap(v.value).value, secret: true };
  if (Array.isArray(v)) {
    const items = v.map(unwrap);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (typeof v === 'object' && v !== null) {
    let anySecret = false;
    const out: Props = {};
    for (const [k, inner] of Object.entries(v)) {
      const u = unwrap(inner);
      out[k] = u.value;
      anySecret ||= u.secret;
    }
    return { value: out, secret: anySecret };
  }
  return { value: v, secret: false };
}

export function decode(props: Props | undefined): Decoded {
  const out: Decoded = { values: {}, secret: new Set(), unknown: new Set() };
  for (const [k, raw] of Object.entries(props ?? {})) {
    const u = unwrap(raw);
    if (u.secret) out.secret.add(k);
    if (containsUnknown(u.value)) out.unknown.add(k);
    // Null means "not set" to the engine; resources only ever test for undefined.
    if (u.value !== null) out.values[k] = u.value;
  }
  return out;
}

/** Wraps the named top-level properties as secrets; undefined values are dropped (Struct cannot carry them). */
export function encode(values: Props, secretNames: Iterable<string> = []): Props {
  const secrets = new Set(secretNames);
  const out: Props = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    out[k] = secrets.has(k) && v !== UNKNOWN ? secret(v) : v;
  }
  return out;
}
