/** zod failures as the gateway words them: MissingParameter or InvalidParameter, naming the wire parameter. */
import type { z } from 'zod';
import { KmsError } from '../domain/errors';

/** `['Tag', 0, 'Key']` -> `Tag.1.Key` (wire lists count from 1). */
const wireName = (path: readonly PropertyKey[]) =>
  path.map((p) => (typeof p === 'number' ? String(p + 1) : String(p))).join('.') || 'parameters';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

export function validationError(error: z.ZodError, input: unknown, dryRun: boolean): KmsError {
  const issue = error.issues[0];
  const name = wireName(issue.path);
  if (dryRun) return new KmsError('ValidationError', name);
  return valueAt(input, issue.path) === undefined ? new KmsError('MissingParameter', name) : new KmsError('InvalidParameter', name);
}
