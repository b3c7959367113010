/**
 * Enumerations and the key-spec table (kms-openapi.md §3.2). Everything that depends on a key spec
 * (allowed usages, default usage, algorithms) is read from SPECS, so adding a spec is one row.
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

interface SpecInfo {
  readonly kind: 'symmetric' | 'rsa' | 'ec';
  /** Usages the spec supports; the first is the default (SIGN/VERIFY first where signing is possible). */
  readonly usages: readonly KeyUsage[];
  /** Bits of raw material (symmetric) or modulus/curve size. */
  readonly bits: number;
  readonly encryptAlgorithms: readonly string[];
  readonly signAlgorithms: readonly string[];
}

export const SPECS = {
  Aliyun_AES_256: { kind: 'symmetric', usages: ['ENCRYPT/DECRYPT'], bits: 256, encryptAlgorithms: [], signAlgorithms: [] },
  Aliyun_AES_192: { kind: 'symmetric', usages: ['ENCRYPT/DECRYPT'], bits: 192, encryptAlgorithms: [], signAlgorithms: [] },
  Aliyun_AES_128: { kind: 'symmetric', usages: ['ENCRYPT/DECRYPT'], bits: 128, encryptAlgorithms: [], signAlgorithms: [] },
  Aliyun_SM4: { kind: 'symmetric', usages: ['ENCRYPT/DECRYPT'], bits: 128, encryptAlgorithms: [], signAlgorithms: [] },
  RSA_2048: {
    kind: 'rsa',
    usages: ['SIGN/VERIFY', 'ENCRYPT/DECRYPT'],
    bits: 2048,
    encryptAlgorithms: ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1'],
    signAlgorithms: ['RSA_PSS_SHA_256', 'RSA_PKCS1_SHA_256'],
  },
  RSA_3072: {
    kind: 'rsa',
    usages: ['SIGN/VERIFY', 'ENCRYPT/DECRYPT'],
    bits: 3072,
    encryptAlgorithms: ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1'],
    signAlgorithms: ['RSA_PSS_SHA_256', 'RSA_PKCS1_SHA_256'],
  },
  EC_P256: { kind: 'ec', usages: ['SIGN/VERIFY'], bits: 256, encryptAlgorithms: [], signAlgorithms: ['ECDSA_SHA_256'] },
  EC_P256K: { kind: 'ec', usages: ['SIGN/VERIFY'], bits: 256, encryptAlgorithms: [], signAlgorithms: ['ECDSA_SHA_256'] },
  EC_SM2: {
    kind: 'ec',
    usages: ['SIGN/VERIFY', 'ENCRYPT/DECRYPT'],
    bits: 256,
    encryptAlgorithms: ['SM2PKE'],
    signAlgorithms: ['SM2DSA'],
  },
} as const satisfies Record<string, SpecInfo>;

export type KeySpec = keyof typeof SPECS;
export const KEY_SPECS = Object.keys(SPECS) as KeySpec[];

export const isSymmetric = (spec: KeySpec) => SPECS[spec].kind === 'symmetric';
