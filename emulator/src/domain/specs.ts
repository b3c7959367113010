/**
 * The key-spec registry (kms-openapi.md §3.2). Each row says everything the emulator knows about a key spec: its
 * algorithm family, the blob cipher id of a symmetric spec, the curve of an elliptic one, the algorithms per usage,
 * which instance kinds hold it and whether it rotates. Zod enums, the blob format, instance rules, the software
 * families, the PKCS#11 plans and the provider's enums are all read from here. SPECS is a full Record, so a spec
 * with a missing fact does not compile.
 *
 * Adding a spec of an existing family (say a new curve) is a row here (plus a curve row and an algorithm row when
 * they are new); a new family is a row here plus one file in crypto/software/families/.
 */
export const KEY_STATES = ['Enabled', 'Disabled', 'PendingDeletion', 'PendingImport'] as const;
export type KeyState = (typeof KEY_STATES)[number];

export const KEY_USAGES = ['ENCRYPT/DECRYPT', 'SIGN/VERIFY'] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

export const ORIGINS = ['Aliyun_KMS', 'EXTERNAL'] as const;
export type Origin = (typeof ORIGINS)[number];

export const PROTECTION_LEVELS = ['SOFTWARE', 'HSM'] as const;
export type ProtectionLevel = (typeof PROTECTION_LEVELS)[number];

export const KEY_STORAGE_MECHANISMS = ['HsmInternal', 'HsmEncryptedDatabase'] as const;
export type KeyStorageMechanism = (typeof KEY_STORAGE_MECHANISMS)[number];

export const CREATOR_TYPES = ['User', 'Service'] as const;
export type CreatorType = (typeof CREATOR_TYPES)[number];

export const INSTANCE_KINDS = ['software', 'hardware'] as const;
export type InstanceKind = (typeof INSTANCE_KINDS)[number];

/** How a family's material is used; each has one implementation file in crypto/software/families/. */
export type Family = 'aes' | 'sm4' | 'rsa' | 'ecdsa' | 'sm2';

/** Named curves: the OpenSSL name (generation, parsing) and the DER of the curve OID (PKCS#11 CKA_EC_PARAMS). */
export const CURVES = {
  P256: { openssl: 'prime256v1', oidDer: '06082a8648ce3d030107', coordinateBytes: 32 },
  secp256k1: { openssl: 'secp256k1', oidDer: '06052b8104000a', coordinateBytes: 32 },
  SM2: { openssl: 'SM2', oidDer: '06082a811ccf5501822d', coordinateBytes: 32 },
} as const;
export type Curve = keyof typeof CURVES;

/** Asymmetric encryption algorithms (AsymmetricEncrypt/Decrypt, ExportDataKey, BYOK wrapping). */
export const ENCRYPTION_ALGORITHMS = {
  RSAES_OAEP_SHA_256: { family: 'rsa', oaepHash: 'sha256' },
  RSAES_OAEP_SHA_1: { family: 'rsa', oaepHash: 'sha1' },
  SM2PKE: { family: 'sm2' },
} as const satisfies Record<string, { family: Family; oaepHash?: 'sha1' | 'sha256' }>;
export type EncryptionAlgorithm = keyof typeof ENCRYPTION_ALGORITHMS;

/** Signing algorithms over a caller's digest, and the digest each expects (SHA-256, or SM3(Z‖M) for SM2DSA). */
export const SIGNING_ALGORITHMS = {
  RSA_PSS_SHA_256: { family: 'rsa', digestBytes: 32 },
  RSA_PKCS1_SHA_256: { family: 'rsa', digestBytes: 32 },
  ECDSA_SHA_256: { family: 'ecdsa', digestBytes: 32 },
  SM2DSA: { family: 'sm2', digestBytes: 32 },
} as const satisfies Record<string, { family: Family; digestBytes: number }>;
export type SigningAlgorithm = keyof typeof SIGNING_ALGORITHMS;

/** BYOK: how imported material may be wrapped (kms-openapi.md §3.7); RSAES_PKCS1_V1_5 is for wrapping only. */
export const IMPORT_WRAPPING_ALGORITHMS = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5', 'SM2PKE'] as const;
export type ImportWrappingAlgorithm = (typeof IMPORT_WRAPPING_ALGORITHMS)[number];

/** Key specs a caller's material or data key is wrapped to (GetParametersForImport, ExportDataKey: §3.2, §3.7). */
export const WRAPPING_KEY_SPECS = ['RSA_2048', 'EC_SM2'] as const;
export type WrappingKeySpec = (typeof WRAPPING_KEY_SPECS)[number];

/** The cipher id a symmetric ciphertext blob records (domain/blob.ts). Never reuse a retired number. */
export const BLOB_CIPHERS = { 'AES-GCM': 1, 'SM4-GCM': 2 } as const;
export type BlobCipher = (typeof BLOB_CIPHERS)[keyof typeof BLOB_CIPHERS];

interface CommonRow {
  /** Bits of raw material (symmetric), of the modulus (RSA) or of the curve. */
  readonly bits: number;
  /** Usages the spec supports; the first is the default (SIGN/VERIFY first where signing is possible). */
  readonly usages: readonly KeyUsage[];
  /** Instance kinds that hold keys of this spec (any spec may also be an instance-less KMS 1.0 key). */
  readonly instanceKinds: readonly InstanceKind[];
}

export interface SymmetricRow extends CommonRow {
  readonly kind: 'symmetric';
  readonly family: 'aes' | 'sm4';
  readonly blobCipher: BlobCipher;
  /** Automatic rotation (UpdateRotationPolicy doc: symmetric keys only) and BYOK (symmetric material only). */
  readonly rotates: true;
  readonly importable: true;
}

export interface AsymmetricRow extends CommonRow {
  readonly kind: 'asymmetric';
  readonly family: 'rsa' | 'ecdsa' | 'sm2';
  readonly curve?: Curve;
  readonly algorithms: { readonly 'ENCRYPT/DECRYPT': readonly EncryptionAlgorithm[]; readonly 'SIGN/VERIFY': readonly SigningAlgorithm[] };
  readonly rotates: false;
  readonly importable: false;
}

export type SpecRow = SymmetricRow | AsymmetricRow;

const BOTH: readonly InstanceKind[] = INSTANCE_KINDS;
/** AES-128/192 only in HSMs: our reading of the key-spec table. */
const HARDWARE: readonly InstanceKind[] = ['hardware'];

const aes = (bits: number, instanceKinds: readonly InstanceKind[]): SymmetricRow => ({
  kind: 'symmetric',
  family: 'aes',
  bits,
  usages: ['ENCRYPT/DECRYPT'],
  instanceKinds,
  blobCipher: BLOB_CIPHERS['AES-GCM'],
  rotates: true,
  importable: true,
});

const rsa = (bits: number): AsymmetricRow => ({
  kind: 'asymmetric',
  family: 'rsa',
  bits,
  usages: ['SIGN/VERIFY', 'ENCRYPT/DECRYPT'],
  instanceKinds: BOTH,
  algorithms: { 'ENCRYPT/DECRYPT': ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1'], 'SIGN/VERIFY': ['RSA_PSS_SHA_256', 'RSA_PKCS1_SHA_256'] },
  rotates: false,
  importable: false,
});

const ecdsa = (curve: Curve): AsymmetricRow => ({
  kind: 'asymmetric',
  family: 'ecdsa',
  bits: 256,
  curve,
  usages: ['SIGN/VERIFY'],
  instanceKinds: BOTH,
  algorithms: { 'ENCRYPT/DECRYPT': [], 'SIGN/VERIFY': ['ECDSA_SHA_256'] },
  rotates: false,
  importable: false,
});

export const SPECS = {
  Aliyun_AES_256: aes(256, BOTH),
  Aliyun_AES_192: aes(192, HARDWARE),
  Aliyun_AES_128: aes(128, HARDWARE),
  Aliyun_SM4: {
    kind: 'symmetric',
    family: 'sm4',
    bits: 128,
    usages: ['ENCRYPT/DECRYPT'],
    instanceKinds: BOTH,
    blobCipher: BLOB_CIPHERS['SM4-GCM'],
    rotates: true,
    importable: true,
  },
  RSA_2048: rsa(2048),
  RSA_3072: rsa(3072),
  EC_P256: ecdsa('P256'),
  EC_P256K: ecdsa('secp256k1'),
  EC_SM2: {
    kind: 'asymmetric',
    family: 'sm2',
    bits: 256,
    curve: 'SM2',
    usages: ['SIGN/VERIFY', 'ENCRYPT/DECRYPT'],
    instanceKinds: BOTH,
    algorithms: { 'ENCRYPT/DECRYPT': ['SM2PKE'], 'SIGN/VERIFY': ['SM2DSA'] },
    rotates: false,
    importable: false,
  },
} as const satisfies Record<string, SpecRow>;

export type KeySpec = keyof typeof SPECS;
export const KEY_SPECS = Object.keys(SPECS) as [KeySpec, ...KeySpec[]];

/** A spec's row, typed as the union so callers narrow on `kind`. */
export const specOf = (spec: KeySpec): SpecRow => SPECS[spec];
export const isSymmetric = (spec: KeySpec) => specOf(spec).kind === 'symmetric';

/** The algorithms `spec` offers for `usage` (none for a symmetric spec). */
export function algorithmsOf(spec: KeySpec, usage: KeyUsage): readonly string[] {
  const row = specOf(spec);
  return row.kind === 'asymmetric' ? row.algorithms[usage] : [];
}

/** Material bytes of a symmetric spec. */
export const materialBytes = (row: SymmetricRow) => row.bits / 8;

/** The specs a cipher id names (a blob whose id disagrees with its key's spec is not valid). */
export const blobCipherOf = (spec: KeySpec): BlobCipher | undefined => {
  const row = specOf(spec);
  return row.kind === 'symmetric' ? row.blobCipher : undefined;
};
