/** zod failures as the gateway words them: MissingParameter or InvalidParameter, naming the wire parameter. */
import type { z } from 'zod';
import { KmsError } from '../domain/errors';

/** `['Tag', 0, 'Key']` -> `Tag.1.Key` (wire lists count from 1). */
const wireName = (path: readonly PropertyKey[]) =>
  path.map((p) => (typeof p === 'number' ? String(p + 1) : String(p))).join('.') || 'parameters';

/**
 * The wire parameter an issue is about, and its value. A path that goes on past a string went inside a JSON-encoded
 * parameter (`Filters`, `Tags`): the parameter that was sent is the string, and it is present but invalid.
 */
function sentAt(input: unknown, path: readonly PropertyKey[]): { name: string; value: unknown } {
  let v = input;
  let depth = 0;
  for (const p of path) {
    if (typeof v === 'string') break;
    v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
    depth++;
  }
  return { name: wireName(path.slice(0, depth)), value: v };
}

export function validationError(error: z.ZodError, input: unknown, dryRun: boolean): KmsError {
  const { name, value } = sentAt(input, error.issues[0].path);
  if (dryRun) return new KmsError('ValidationError', name);
  return value === undefined ? new KmsError('MissingParameter', name) : new KmsError('InvalidParameter', name);
}
