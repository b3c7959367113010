/**
 * Key spec / algorithm → PKCS#11 mechanism, for SoftHSM2 2.6.1 and tokens like it (pkcs11-softhsm.md §3).
 *
 * | KMS                      | in the token                                                                     |
 * |--------------------------|----------------------------------------------------------------------------------|
 * | Aliyun_AES_128/192/256   | CKM_AES_KEY_GEN (CKA_VALUE_LEN 16/24/32); CKM_AES_GCM, 96-bit IV, 128-bit tag     |
 * | RSA_2048 / RSA_3072      | CKM_RSA_PKCS_KEY_PAIR_GEN, e = 65537                                              |
 * |   RSAES_OAEP_SHA_1       | CKM_RSA_PKCS_OAEP, SHA-1 / MGF1-SHA-1                                             |
 * |   RSAES_OAEP_SHA_256     | CKM_RSA_PKCS_OAEP, SHA-256 / MGF1-SHA-256: tried, SoftHSM 2.6.1 refuses it        |
 * |   RSA_PKCS1_SHA_256      | CKM_RSA_PKCS over DigestInfo(SHA-256)‖digest (the caller hashed)                  |
 * |   RSA_PSS_SHA_256        | CKM_RSA_PKCS_PSS, SHA-256 / MGF1-SHA-256, salt 32, over the digest                |
 * | EC_P256 / EC_P256K       | CKM_EC_KEY_PAIR_GEN, CKA_EC_PARAMS = prime256v1 / secp256k1 OID;                  |
 * |   ECDSA_SHA_256          | CKM_ECDSA over the digest (there is no CKM_ECDSA_SHA256), raw r‖s → DER           |
 * | BYOK RSAES_OAEP_SHA_1    | C_UnwrapKey with CKM_RSA_PKCS_OAEP SHA-1                                          |
 * | BYOK RSAES_PKCS1_V1_5    | C_UnwrapKey with CKM_RSA_PKCS                                                     |
 *
 * Gaps, each refused with CryptoFailure('unsupported') and never done in software instead:
 * - RSAES_OAEP_SHA_256 (encrypt, decrypt, BYOK unwrap): SoftHSM 2.6.1 hard-codes OAEP to SHA-1 and answers
 *   CKR_ARGUMENTS_BAD (upstream SoftHSMv2 #474/#795, fixed after 2.6.1). The backend still asks the token, so an HSM
 *   that has it works; the refusal is remembered per connection.
 * - Aliyun_SM4, EC_SM2 (SM2DSA, SM2PKE): SoftHSM2 has no SM mechanisms (no vendor-defined ones, and PKCS#11 2.40 has
 *   no standard SM codes), so these specs cannot be generated, imported or used on HSM keys.
 * - BYOK of asymmetric material: KMS imports symmetric material only (kms-openapi.md §3.7).
 */
import * as pkcs11js from 'pkcs11js';
import type { SigningAlgorithm } from '../../domain/specs';
import { CURVES, specOf, type AsymmetricRow, type Family, type KeySpec, type SpecRow } from '../../domain/specs';
import { unsupportedOnHsm } from './errors';

/** CKZ_DATA_SPECIFIED: not exported by pkcs11js 2.1.7, and its OAEP params require `source` (§7 pitfall 5). */
const CKZ_DATA_SPECIFIED = 1;

export type KeyPlan =
  | { readonly kind: 'aes'; readonly bytes: number }
  | { readonly kind: 'rsa'; readonly bits: number }
  | { readonly kind: 'ec'; readonly params: Buffer; readonly coordinateBytes: number };

/**
 * How each algorithm family lives in a token, read off the spec registry's row. PKCS#11 2.40 has no standard SM2/SM4
 * mechanisms (and SoftHSM2 no vendor ones), so those families have no plan and their specs are refused.
 */
const PLANS: { readonly [F in Family]: ((row: SpecRow) => KeyPlan) | undefined } = {
  aes: (row) => ({ kind: 'aes', bytes: row.bits / 8 }),
  rsa: (row) => ({ kind: 'rsa', bits: row.bits }),
  ecdsa: (row) => {
    const curve = CURVES[(row as AsymmetricRow).curve!];
    return { kind: 'ec', params: Buffer.from(curve.oidDer, 'hex'), coordinateBytes: curve.coordinateBytes };
  },
  sm4: undefined,
  sm2: undefined,
};

const SM_GAP = 'SoftHSM2 has no SM2/SM4 mechanisms';

/** How a spec lives in the token; throws the 'unsupported' refusal for the SM specs. */
export function planFor(spec: KeySpec): KeyPlan {
  const plan = PLANS[specOf(spec).family];
  if (!plan) throw unsupportedOnHsm(spec, SM_GAP);
  return plan(specOf(spec));
}

/** Every key object: a token object, found again by its random CKA_ID; the label is for people reading the token. */
function common(id: Buffer): pkcs11js.Template {
  return [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_ID, value: id },
    { type: pkcs11js.CKA_LABEL, value: `alikms-${id.toString('hex')}` },
  ];
}

/** Secret and private halves: never readable, never wrappable out of the token. */
function secret(id: Buffer): pkcs11js.Template {
  return [
    ...common(id),
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
  ];
}

/** An AES key; without CKA_VALUE_LEN for C_UnwrapKey, where SoftHSM refuses it as read-only. */
export function aesTemplate(id: Buffer, bytes?: number): pkcs11js.Template {
  return [
    ...secret(id),
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    ...(bytes ? [{ type: pkcs11js.CKA_VALUE_LEN, value: bytes }] : []),
    { type: pkcs11js.CKA_ENCRYPT, value: true },
    { type: pkcs11js.CKA_DECRYPT, value: true },
  ];
}

/**
 * Public and private templates for a key pair. RSA keys get both usages (the domain enforces the key's usage) and
 * UNWRAP, because BYOK wrapping key pairs are RSA_2048 keys made by `generate` too.
 */
export function keyPairTemplates(id: Buffer, plan: KeyPlan & { kind: 'rsa' | 'ec' }): { pub: pkcs11js.Template; priv: pkcs11js.Template } {
  if (plan.kind === 'rsa')
    return {
      pub: [
        ...common(id),
        { type: pkcs11js.CKA_PRIVATE, value: false },
        { type: pkcs11js.CKA_MODULUS_BITS, value: plan.bits },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
        { type: pkcs11js.CKA_ENCRYPT, value: true },
        { type: pkcs11js.CKA_VERIFY, value: true },
      ],
      priv: [
        ...secret(id),
        { type: pkcs11js.CKA_DECRYPT, value: true },
        { type: pkcs11js.CKA_SIGN, value: true },
        { type: pkcs11js.CKA_UNWRAP, value: true },
      ],
    };
  return {
    pub: [
      ...common(id),
      { type: pkcs11js.CKA_PRIVATE, value: false },
      { type: pkcs11js.CKA_EC_PARAMS, value: plan.params },
      { type: pkcs11js.CKA_VERIFY, value: true },
    ],
    priv: [...secret(id), { type: pkcs11js.CKA_SIGN, value: true }],
  };
}

export const keyPairMechanism = (plan: KeyPlan): pkcs11js.Mechanism => ({
  mechanism: plan.kind === 'rsa' ? pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN : pkcs11js.CKM_EC_KEY_PAIR_GEN,
});

/**
 * AES-GCM with the CK_GCM_PARAMS v2.40 layout: the older CK_PARAMS_AES_GCM leaves ulIvBits unset (other HSMs read
 * it), and tagBits must be explicit or SoftHSM returns ciphertext with no tag at all (§7 pitfalls 2–3).
 */
export function aesGcm(iv: Buffer, aad: Buffer): pkcs11js.Mechanism {
  const parameter = { type: pkcs11js.CK_PARAMS_AES_GCM_v240, iv, ivBits: iv.length * 8, aad, tagBits: 128 };
  return { mechanism: pkcs11js.CKM_AES_GCM, parameter };
}

/** One zero block under AES-ECB: the key check value used as the BYOK material fingerprint. */
export const AES_ECB: pkcs11js.Mechanism = { mechanism: pkcs11js.CKM_AES_ECB };

export type OaepHash = 'sha1' | 'sha256';

export function rsaOaep(hash: OaepHash): pkcs11js.Mechanism {
  const parameter =
    hash === 'sha1'
      ? { type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg: pkcs11js.CKM_SHA_1, mgf: pkcs11js.CKG_MGF1_SHA1, source: CKZ_DATA_SPECIFIED }
      : { type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256, source: CKZ_DATA_SPECIFIED };
  return { mechanism: pkcs11js.CKM_RSA_PKCS_OAEP, parameter };
}

/** Largest OAEP plaintext for a modulus of `bytes` bytes (RFC 8017 §7.1.1). */
export const oaepMaxPlaintext = (bytes: number, hash: OaepHash): number => bytes - 2 * (hash === 'sha1' ? 20 : 32) - 2;

/** DER prefix of DigestInfo{sha256, digest} (RFC 8017 §9.2 note 1): CKM_RSA_PKCS signs whatever it is given. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** The mechanism and the bytes to hand C_Sign / C_Verify for a caller's SHA-256 digest. */
export function signing(algorithm: SigningAlgorithm, digest: Buffer): { mechanism: pkcs11js.Mechanism; input: Buffer } {
  switch (algorithm) {
    case 'RSA_PKCS1_SHA_256':
      return { mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS }, input: Buffer.concat([SHA256_DIGEST_INFO, digest]) };
    case 'RSA_PSS_SHA_256': {
      const parameter = { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256, saltLen: 32 };
      return { mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS_PSS, parameter }, input: digest };
    }
    case 'ECDSA_SHA_256':
      return { mechanism: { mechanism: pkcs11js.CKM_ECDSA }, input: digest };
    case 'SM2DSA':
      throw unsupportedOnHsm('SM2DSA', SM_GAP);
  }
}
