/**
 * The records the emulator keeps. They are plain JSON (the store persists them as they are) and read-only once
 * built: domain code makes a changed copy and hands it to the store, so a failure half-way leaves nothing changed.
 * Times are epoch milliseconds of the emulator clock; the wire layer formats them.
 */
import type {
  CreatorType,
  InstanceKind,
  KeySpec,
  KeyState,
  KeyStorageMechanism,
  KeyUsage,
  Origin,
  ProtectionLevel,
  WrappingKeySpec,
} from './specs';

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
  /** Made by CreateKeyVersion (not at creation or by rotation): it counts against its instance's KeyNum. */
  readonly manual?: true;
  /** Absent while an EXTERNAL key waits for its material. */
  readonly material?: MaterialRef;
  /** EXTERNAL keys: the backend's fingerprint of the imported material, kept after DeleteKeyMaterial so that a
   *  re-import can be held to the same material. */
  readonly importedFingerprint?: string;
}

/** One GetParametersForImport answer: the token, and the wrapping key pair the material must be encrypted to. */
export interface ImportToken {
  readonly token: string;
  readonly wrappingKeySpec: WrappingKeySpec;
  readonly wrappingAlgorithm: string;
  readonly wrappingKey: MaterialRef;
  readonly expiresAt: number;
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
  /** The region's default CMK (the first instance-less AES-256 key a user creates). */
  readonly defaultKey?: true;
  readonly policy?: string;
  readonly rotation: RotationPolicy;
  readonly materialExpiresAt?: number;
  /** EXTERNAL keys: the outstanding GetParametersForImport answers (newest last). */
  readonly importTokens?: readonly ImportToken[];
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

/** Units of its instance's KeyNum a key uses: one, plus one per version made by CreateKeyVersion (CreateKeyVersion doc). */
export const quotaUnits = (key: Key) => 1 + key.versions.filter((v) => v.manual).length;

export function primaryVersion(key: Key): KeyVersion {
  const v = key.versions.find((x) => x.keyVersionId === key.primaryKeyVersionId);
  if (!v) throw new Error(`key ${key.keyId} has no primary version ${key.primaryKeyVersionId}`);
  return v;
}

export type { InstanceKind };
export type ChargeType = 'PREPAY' | 'POSTPAY';

export interface BindVpc {
  readonly vpcId: string;
  readonly vswitchId: string;
  readonly regionId: string;
  readonly vpcOwnerId: string;
}

/** A purchased KMS instance (KMS 3.0): the capacity and protection its keys live in. */
export interface Instance extends Scope {
  readonly instanceId: string;
  readonly instanceName: string;
  readonly kind: InstanceKind;
  /** As purchased ("3", "5", "software", "hardware", …); `kind` is what it means. */
  readonly productVersion: string;
  readonly productType: string;
  readonly chargeType: ChargeType;
  readonly spec: number;
  readonly keyNum: number;
  readonly secretNum: number;
  readonly vpcNum: number;
  readonly log: boolean;
  readonly logStorage: number;
  readonly createdAt: number;
  /** Subscription end; absent for pay-as-you-go. */
  readonly endsAt?: number;
  readonly renewal: { readonly status: 'AutoRenewal' | 'ManualRenewal' | 'NotRenewal'; readonly period: number; readonly unit: 'M' | 'Y' };
  /** Set by ConnectKmsInstance; the instance reads Connected from `connectedAt` on. */
  readonly connection?: {
    readonly vpcId: string;
    readonly zoneIds: readonly string[];
    readonly vswitchIds: readonly string[];
    readonly connectedAt: number;
  };
  readonly bindVpcs: readonly BindVpc[];
  readonly deletionProtection?: { readonly description: string };
  readonly tags: Readonly<Record<string, string>>;
  /** The BSS ClientToken it was bought with, so a retried purchase returns the same instance. */
  readonly clientToken?: string;
}
