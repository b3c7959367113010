/** Tag rules (kms-openapi.md §3.3): at most 20 a resource, key and value up to 128 characters, reserved prefixes. */
import { KmsError, invalid } from './errors';
import { LIMITS } from './limits';

const TAG_CHARS = /^[A-Za-z0-9 /\\_\-.+=:@]*$/;

export function assertTag(key: string, value: string, param = 'Tags'): void {
  if (!key || key.length > LIMITS.tagLength || !TAG_CHARS.test(key)) throw invalid(param);
  if (/^(aliyun|acs:)/i.test(key)) throw invalid(param);
  if (value.length > LIMITS.tagLength || !TAG_CHARS.test(value)) throw invalid(param);
}

/** `current` with `added` merged in, after checking every new tag and the per-resource limit. */
export function validateTags(current: Readonly<Record<string, string>>, added: Readonly<Record<string, string>>, param = 'Tags') {
  for (const [k, v] of Object.entries(added)) assertTag(k, v, param);
  const merged = { ...current, ...added };
  if (Object.keys(merged).length > LIMITS.tagsPerResource) throw new KmsError('Rejected.LimitExceeded', 'A resource has at most 20 tags.');
  return merged;
}
