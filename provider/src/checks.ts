/** Generic input validation from the property specs: type, enum, required. Messages always name the property. */
import { enumValues, type CheckFailure, type PropertySpec } from './resource';
import type { Props } from './values';

function typeError(name: string, spec: PropertySpec, v: unknown): string | undefined {
  switch (spec.type) {
    case 'string':
      return typeof v === 'string' ? undefined : `${name} must be a string`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `${name} must be a boolean`;
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? undefined : `${name} must be an integer`;
    case 'array':
      if (!Array.isArray(v)) return `${name} must be a list`;
      if (spec.items && 'type' in spec.items && v.some((i) => typeof i !== 'string')) return `${name} must be a list of strings`;
      if (spec.items && '$ref' in spec.items && v.some((i) => typeof i !== 'object' || i === null || Array.isArray(i)))
        return `${name} must be a list of objects`;
      return undefined;
    case 'object':
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${name} must be a map`;
      if (spec.additionalProperties && Object.values(v).some((i) => typeof i !== 'string')) return `${name} values must be strings`;
      return undefined;
  }
}

/** `properties` of a resource (or a function's inputs); `what` names it in the unknown-input failure. */
export function checkInputs(properties: Record<string, PropertySpec>, what: string, news: Props, unknown: Set<string>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const [name, spec] of Object.entries(properties)) {
    if (!spec.input || unknown.has(name)) continue;
    const v = news[name];
    if (v === undefined) {
      if (spec.input === 'required')
        failures.push({ property: name, reason: `missing required property '${name}'${spec.requiredHint ?? ''}` });
      continue;
    }
    const err = typeError(name, spec, v);
    const allowed = enumValues(spec);
    // Never echo a secret input's value (key material) in a failure.
    const shown = spec.secret ? '[secret]' : `'${String(v)}'`;
    if (err) failures.push({ property: name, reason: err });
    else if (allowed && !allowed.includes(v as string))
      failures.push({ property: name, reason: `${name} must be one of ${allowed.join(', ')}; got ${shown}` });
  }
  // `__`-prefixed keys are engine bookkeeping (e.g. __defaults from older SDKs), not user inputs.
  for (const name of Object.keys(news))
    if (!name.startsWith('__') && !properties[name]?.input)
      failures.push({ property: name, reason: `'${name}' is not an input of ${what}` });
  return failures;
}
