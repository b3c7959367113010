/**
 * BYOK into the token: ImportKeyMaterial's wrapped material is unwrapped by C_UnwrapKey with the private half of the
 * (token) wrapping key, so it becomes a sensitive, non-extractable token key without passing through the emulator
 * as a key. Imported keys keep CKA_LOCAL=0 / NEVER_EXTRACTABLE=0, which shows their provenance (pkcs11-softhsm.md §6).
 *
 * - RSAES_OAEP_SHA_1 → CKM_RSA_PKCS_OAEP (SHA-1); RSAES_PKCS1_V1_5 → CKM_RSA_PKCS; RSAES_OAEP_SHA_256 is asked of the
 *   token and refused as unsupported on SoftHSM 2.6.1; SM2PKE and asymmetric material are refused.
 * - Length check: SoftHSM reports CKA_VALUE_LEN = 0 on unwrapped keys and refuses it in the unwrap template
 *   (CKR_ATTRIBUTE_READ_ONLY), so an AES-128 blob would pass as Aliyun_AES_256. The length is therefore learned by
 *   decrypting the same blob in the token first (the wrapping key has CKA_DECRYPT); that plaintext is zeroed at once.
 * - Fingerprint (for "a re-import must bring the same material"): the key check value AES-ECB(key, 0^128), computed
 *   in the token. It differs from the software backend's SHA-256 fingerprint; each key only compares with its own.
 */
import { randomBytes } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import type { MaterialRef } from '../../domain/model';
import type { KeySpec } from '../../domain/specs';
import { CryptoFailure, type KeyHandle } from '../../domain/ports/crypto-backend';
import type { ImportWrappingAlgorithm } from '../../domain/specs';
import { failAs, keepAlive, UNWRAP_FAILED, unsupportedOnHsm, type Refusals } from './errors';
import { AES_ECB, aesTemplate, planFor, rsaOaep } from './mechanisms';
import type { Token } from './token';

export interface ImportRequest {
  readonly spec: KeySpec;
  readonly wrappingKey: KeyHandle;
  readonly algorithm: ImportWrappingAlgorithm;
  readonly wrapped: Buffer;
}

/** Unwraps into a new token key; returns its hex CKA_ID and fingerprint. Throws CryptoFailure('material') for bad blobs. */
export async function unwrapIntoToken(
  token: Token,
  refusals: Refusals,
  { spec, wrappingKey, algorithm, wrapped }: ImportRequest,
  idOf: (ref: MaterialRef) => string,
): Promise<{ id: string; fingerprint: string }> {
  const plan = planFor(spec);
  if (plan.kind !== 'aes') throw unsupportedOnHsm(`importing ${spec} material`, 'KMS imports symmetric material only');
  if (algorithm === 'SM2PKE') throw unsupportedOnHsm('SM2PKE', 'SoftHSM2 has no SM2/SM4 mechanisms');
  const wrapPlan = planFor(wrappingKey.spec);
  if (wrapPlan.kind !== 'rsa') throw new CryptoFailure('input', `${algorithm} needs an RSA wrapping key, not ${wrappingKey.spec}`);
  const wrappingId = idOf(wrappingKey.ref);
  const bytes = wrapPlan.bits / 8;
  if (wrapped.length !== bytes) throw new CryptoFailure('material', `wrapped key material must be ${bytes} bytes`);
  const mechanism =
    algorithm === 'RSAES_PKCS1_V1_5' ? { mechanism: pkcs11js.CKM_RSA_PKCS } : rsaOaep(algorithm === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256');
  const id = randomBytes(16);
  const hex = id.toString('hex');
  const p11 = token.p11;
  const fingerprint = await failAs('material', 'key material does not unwrap', UNWRAP_FAILED, () =>
    token.run(async (s) => {
      const priv = token.find(s, wrappingId, pkcs11js.CKO_PRIVATE_KEY);
      refusals.init(algorithm, () => p11.C_DecryptInit(s, mechanism, priv));
      const scratch = Buffer.alloc(bytes);
      const length = (await p11.C_DecryptAsync(s, wrapped, scratch)).length;
      scratch.fill(0);
      if (length !== plan.bytes) throw new CryptoFailure('material', `${spec} needs ${plan.bytes} bytes of key material, not ${length}`);
      const key = await p11.C_UnwrapKeyAsync(s, mechanism, priv, wrapped, aesTemplate(id));
      token.remember(hex, pkcs11js.CKO_SECRET_KEY, key);
      p11.C_EncryptInit(s, AES_ECB, key);
      const check = await p11.C_EncryptAsync(s, Buffer.alloc(16), Buffer.alloc(16));
      keepAlive(wrapped);
      return check.toString('hex');
    }),
  );
  return { id: hex, fingerprint };
}
