/**
 * The records the emulator keeps. They are plain JSON (the store persists them as they are) and read-only once
 * built: domain code makes a changed copy and hands it to the store, so a failure half-way leaves nothing changed.
 * Times are epoch milliseconds of the emulator clock; the wire layer formats them.
 */
import type { CreatorType, KeySpec, KeyState, KeyStorageMechanism, KeyUsage, Origin, ProtectionLevel } from './specs';

/** Every resource lives in one account and one region. */
export interface Scope {
  readonly accountId: string;
  readonly regionId: string;
}

/** Opaque reference to key material held by a crypto backend; never raw key bytes. */
export interface MaterialRef {
  readonly backend: string;
  readonly [field: string]: unknown;
}

export interface KeyVersion {
  readonly keyVersionId: string;
  readonly createdAt: number;
  /** Absent while an EXTERNAL key waits for its material. */
  readonly material?: MaterialRef;
}

export interface RotationPolicy {
  readonly enabled: boolean;
  readonly intervalSeconds?: number;
  readonly lastRotatedAt?: number;
  readonly nextRotationAt?: number;
}

export interface Key extends Scope {
  readonly keyId: string;
  readonly description: string;
  readonly keySpec: KeySpec;
  readonly keyUsage: KeyUsage;
  readonly origin: Origin;
  readonly protectionLevel: ProtectionLevel;
  readonly keyState: KeyState;
  readonly creator: string;
  readonly creatorType: CreatorType;
  readonly createdAt: number;
  /** Set while PendingDeletion. */
  readonly deleteAt?: number;
  /** Present when deletion protection is on; holds its description. */
  readonly deletionProtection?: { readonly description: string };
  readonly dkmsInstanceId?: string;
  readonly keyStorageMechanism?: KeyStorageMechanism;
  readonly policy?: string;
  readonly rotation: RotationPolicy;
  readonly materialExpiresAt?: number;
  readonly primaryKeyVersionId: string;
  /** Oldest first; never shrinks while the key lives. */
  readonly versions: readonly KeyVersion[];
  readonly tags: Readonly<Record<string, string>>;
}

export interface Alias extends Scope {
  readonly aliasName: string;
  readonly keyId: string;
}

export const sameScope = (a: Scope, b: Scope) => a.accountId === b.accountId && a.regionId === b.regionId;

export function primaryVersion(key: Key): KeyVersion {
  const v = key.versions.find((x) => x.keyVersionId === key.primaryKeyVersionId);
  if (!v) throw new Error(`key ${key.keyId} has no primary version ${key.primaryKeyVersionId}`);
  return v;
}
