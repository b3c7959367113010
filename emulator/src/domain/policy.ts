/**
 * Key policies (CreateKey / SetKeyPolicy `Policy`): a JSON object of at most 32 KiB. Stored as the caller wrote it.
 */
import { invalid } from './errors';
import { LIMITS } from './limits';

export function validatePolicy(text: string): void {
  if (Buffer.byteLength(text) > LIMITS.policyMaxBytes) throw invalid('Policy');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('Policy');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('Policy');
}
