/**
 * The key-state x API matrix (kms-openapi.md §3.4, from Alibaba's "Impact of CMK states on API calls").
 * Each operation lists the states it refuses and the code it refuses them with; an unlisted state is allowed.
 * The reference leaves the crypto operations beyond Encrypt/Decrypt/GenerateDataKey unlisted; they follow the same row.
 */
import { KmsError, type ErrorCode } from './errors';
import type { Key } from './model';
import type { KeyState } from './specs';

const CRYPTO: Partial<Record<KeyState, ErrorCode>> = {
  Disabled: 'Rejected.Disabled',
  PendingDeletion: 'Rejected.PendingDeletion',
  PendingImport: 'Rejected.PendingImport',
};
const NOT_WHILE_DELETING: Partial<Record<KeyState, ErrorCode>> = { PendingDeletion: 'Rejected.StateModifiedFailed' };

export const KEY_STATE_MATRIX = {
  /** Encrypt, Decrypt, GenerateDataKey* and every other use of key material. */
  useMaterial: CRYPTO,
  /** ListKeys, DescribeKey, DeleteAlias, ListAliases, GetParametersForImport, DeleteKeyMaterial: every state. */
  read: {},
  enable: { PendingDeletion: 'Rejected.StateModifiedFailed', PendingImport: 'Rejected.StateModifiedFailed' },
  disable: { PendingDeletion: 'Rejected.StateModifiedFailed', PendingImport: 'Rejected.StateModifiedFailed' },
  scheduleDeletion: NOT_WHILE_DELETING,
  cancelDeletion: {
    Enabled: 'Rejected.StateModifiedFailed',
    Disabled: 'Rejected.StateModifiedFailed',
    PendingImport: 'Rejected.StateModifiedFailed',
  },
  createAlias: NOT_WHILE_DELETING,
  importKeyMaterial: NOT_WHILE_DELETING,
  /** UpdateAlias depends only on the key it re-points to. */
  aliasTarget: { PendingDeletion: 'Rejected.PendingDeletion' },
  setDeletionProtection: NOT_WHILE_DELETING,
  /** CreateKeyVersion: "only Enabled keys". */
  createKeyVersion: CRYPTO,
  updateRotationPolicy: NOT_WHILE_DELETING,
  updateDescription: {},
  tag: {},
  setKeyPolicy: {},
  /** Done by the emulator itself (scheduler), never by a caller. */
  rotate: {},
  expireMaterial: {},
} as const satisfies Record<string, Partial<Record<KeyState, ErrorCode>>>;

export type KeyOperation = keyof typeof KEY_STATE_MATRIX;

/**
 * What a service key (created by a cloud product under `alias/acs/<product>`) still allows: reading, cryptography
 * and the emulator's own transitions. Every change through the KMS API is refused, as the cloud documents.
 */
const SERVICE_KEY_OPERATIONS: ReadonlySet<KeyOperation> = new Set<KeyOperation>(['read', 'useMaterial', 'rotate', 'expireMaterial']);

/** Throws the matrix's answer when `key` is in a state `op` refuses, or when `op` would change a service key. */
export function assertKeyState(key: Key, op: KeyOperation): void {
  if (key.creatorType === 'Service' && !SERVICE_KEY_OPERATIONS.has(op))
    throw new KmsError('Forbidden.NoPermission', `Key ${key.keyId} is a service key managed by ${key.creator}.`);
  const refusal = (KEY_STATE_MATRIX[op] as Partial<Record<KeyState, ErrorCode>>)[key.keyState];
  if (refusal) throw new KmsError(refusal);
}
