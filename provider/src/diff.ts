/**
 * Diff: compares the desired inputs with the last known live outputs (which Read refreshes), property by property,
 * so that refresh reports exactly the properties changed out of band and the next `up` repairs them.
 */
import type { ResourceDefinition } from './resource';
import type { Props } from './values';

export type DiffKind = 'ADD' | 'ADD_REPLACE' | 'DELETE' | 'DELETE_REPLACE' | 'UPDATE' | 'UPDATE_REPLACE';

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  detailedDiff: Record<string, DiffKind>;
}

/** Key-order-insensitive deep equality on JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a as Props),
      kb = Object.keys(b as Props);
    return ka.length === kb.length && ka.every((k) => jsonEqual((a as Props)[k], (b as Props)[k]));
  }
  return false;
}

/** `olds` are the live outputs, `news` the desired inputs, `oldInputs` the engine's old inputs. */
export function diffResource(
  def: ResourceDefinition,
  olds: Props,
  news: Props,
  unknown: Set<string>,
  ignore: string[] = [],
  oldInputs: Props = {},
): DiffResult {
  const detailedDiff: Record<string, DiffKind> = {};
  const replaces: string[] = [];
  for (const [name, spec] of Object.entries(def.properties)) {
    if (!spec.input || spec.diff === 'never' || ignore.includes(name)) continue;
    const set = news[name] !== undefined;
    if (!set && !unknown.has(name) && spec.diff === 'whenSet') continue;
    if (spec.diff === 'inputs' && oldInputs[name] === undefined) continue;
    const desired = set ? news[name] : spec.default;
    const live = spec.diff === 'inputs' ? oldInputs[name] : olds[name];
    const normalize = spec.normalize ?? ((v: unknown) => v);
    if (!unknown.has(name) && jsonEqual(normalize(desired), normalize(live))) continue;
    const kind: DiffKind = live === undefined ? 'ADD' : desired === undefined ? 'DELETE' : 'UPDATE';
    detailedDiff[name] = spec.replaceOnChanges ? (`${kind}_REPLACE` as DiffKind) : kind;
    if (spec.replaceOnChanges) replaces.push(name);
  }
  for (const [name, kind] of Object.entries(def.diffExtra?.(olds, news, oldInputs, unknown) ?? {})) {
    if (ignore.includes(name)) continue;
    detailedDiff[name] = kind;
    if (kind.endsWith('_REPLACE')) replaces.push(name);
  }
  // Always said, not only with `replaces`: the engine also replaces for `replaceOnChanges` and keeps this ordering.
  return { changes: Object.keys(detailedDiff).length > 0, replaces, deleteBeforeReplace: def.deleteBeforeReplace === true, detailedDiff };
}
