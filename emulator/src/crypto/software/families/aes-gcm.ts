/**
 * AES-GCM (Aliyun_AES_128/192/256) with node:crypto.
 *
 * Chosen by measurement (../shared/reference/perf-baselines.md §a): OpenSSL's AES-GCM is 4.6x (32 B) to 17x (6 KiB)
 * faster than @noble/ciphers with byte-identical output. The key is kept as a secret KeyObject so OpenSSL does not
 * re-import raw bytes per call. 12-byte random IVs, 16-byte tags.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { CryptoFailure, type Sealed } from '../../../domain/ports/crypto-backend';
import { randomIv } from '../../random';
import { symmetricMaterial, type SoftwareFamily } from './family';

const CIPHERS = { 16: 'aes-128-gcm', 24: 'aes-192-gcm', 32: 'aes-256-gcm' } as const;

export interface AesKey {
  readonly cipher: (typeof CIPHERS)[keyof typeof CIPHERS];
  readonly key: KeyObject;
}

export function aesKey(material: Buffer): AesKey {
  const cipher = CIPHERS[material.length as keyof typeof CIPHERS];
  if (!cipher) throw new CryptoFailure('material', `AES material must be 16, 24 or 32 bytes, not ${material.length}`);
  return { cipher, key: createSecretKey(material) };
}

export function aesGcmEncrypt(k: AesKey, plaintext: Buffer, aad: Buffer): Sealed {
  const iv = randomIv(12);
  const c = createCipheriv(k.cipher, k.key, iv).setAAD(aad);
  const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
  return { iv, tag: c.getAuthTag(), ciphertext };
}

export function aesGcmDecrypt(k: AesKey, sealed: Sealed, aad: Buffer): Buffer {
  if (sealed.iv.length !== 12 || sealed.tag.length !== 16) throw new CryptoFailure('decrypt', 'bad IV or tag length');
  try {
    const d = createDecipheriv(k.cipher, k.key, sealed.iv).setAAD(aad);
    d.setAuthTag(sealed.tag);
    return Buffer.concat([d.update(sealed.ciphertext), d.final()]);
  } catch {
    throw new CryptoFailure('decrypt', 'authentication failed');
  }
}

export const aes: SoftwareFamily<AesKey> = {
  generate: async (spec) => randomBytes(spec.bits / 8),
  parse: (material, spec) => aesKey(symmetricMaterial(material, spec)),
  encrypt: aesGcmEncrypt,
  decrypt: aesGcmDecrypt,
};
