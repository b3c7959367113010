/** Every lookup the provider serves; schema.json `functions`, the SDK and the Invoke dispatcher enumerate this list. */
import type { FunctionDefinition } from './function';
import { getAliases, GET_ALIASES_TYPES } from './get-aliases';
import { getInstances, GET_INSTANCES_TYPES } from './get-instances';
import { getKeyVersions, GET_KEY_VERSIONS_TYPES } from './get-key-versions';
import { getKeys, GET_KEYS_TYPES } from './get-keys';
import { getPublicKey } from './get-public-key';

export type { FunctionDefinition } from './function';

export const FUNCTIONS: readonly FunctionDefinition[] = [getKeys, getAliases, getInstances, getKeyVersions, getPublicKey];

/** The object types of the lookups' arguments and results (schema `types`). */
export const FUNCTION_TYPES: Record<string, unknown> = {
  ...GET_KEYS_TYPES,
  ...GET_ALIASES_TYPES,
  ...GET_INSTANCES_TYPES,
  ...GET_KEY_VERSIONS_TYPES,
};
