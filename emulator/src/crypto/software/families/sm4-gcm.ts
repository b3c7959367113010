/**
 * SM4-GCM (Aliyun_SM4): node:crypto `sm4-ctr` for the keystream + @noble/ciphers GHASH for the tag.
 *
 * Node 20's OpenSSL has SM4 ECB/CTR but no SM4-GCM. Measured (perf-baselines.md §c): node sm4-ctr + noble GHASH
 * ≈ 20 k ops/s for 1 KiB, the same as sm-crypto-v2's pure-JS GCM, and byte-identical to it; we keep the block
 * cipher in OpenSSL. GCM per NIST SP 800-38D with a 12-byte IV: J0 = IV‖0³¹1, data counters start at J0+1.
 * OpenSSL's CTR increments all 128 bits where GCM increments 32: identical below 2³² blocks (64 GiB), far above
 * our 6 KiB limit. H = SM4(K, 0¹²⁸) is computed once per key version (cached with the key).
 */
import { createCipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { lazyModule } from '../../lazy';
import { CryptoFailure, type Sealed } from '../../../domain/ports/crypto-backend';
import { randomIv } from '../../random';
import { symmetricMaterial, type SoftwareFamily } from './family';

/** noble's GHASH, loaded on the first SM4 operation (~18 ms to load, not worth paying at start). */
const polyval = lazyModule(() => require('@noble/ciphers/_polyval.js') as typeof import('@noble/ciphers/_polyval.js'));

export interface Sm4Key {
  readonly key: Buffer;
  /** The GHASH key SM4(K, 0¹²⁸). */
  readonly h: Uint8Array;
}

const ecb = (key: Buffer, block: Buffer): Buffer => {
  const c = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
};

export function sm4Key(material: Buffer): Sm4Key {
  if (material.length !== 16) throw new CryptoFailure('material', `SM4 material must be 16 bytes, not ${material.length}`);
  return { key: Buffer.from(material), h: new Uint8Array(ecb(material, Buffer.alloc(16))) };
}

function counterBlock(iv: Buffer, n: number): Buffer {
  const block = Buffer.alloc(16);
  iv.copy(block, 0);
  block.writeUInt32BE(n, 12);
  return block;
}

function tagOf(k: Sm4Key, iv: Buffer, aad: Buffer, ciphertext: Buffer): Buffer {
  const lengths = Buffer.alloc(16);
  lengths.writeBigUInt64BE(BigInt(aad.length) * 8n, 0);
  lengths.writeBigUInt64BE(BigInt(ciphertext.length) * 8n, 8);
  // noble's GHASH pads every update() to a block boundary, which is exactly GCM's A / C / lengths segmentation.
  const g = new (polyval().GHASH)(k.h, aad.length + ciphertext.length + 16);
  if (aad.length) g.update(aad);
  if (ciphertext.length) g.update(ciphertext);
  const s = g.update(lengths).digest();
  const tag = ecb(k.key, counterBlock(iv, 1));
  for (let i = 0; i < 16; i++) tag[i] ^= s[i];
  return tag;
}

const ctr = (k: Sm4Key, iv: Buffer, data: Buffer) => {
  const c = createCipheriv('sm4-ctr', k.key, counterBlock(iv, 2));
  return Buffer.concat([c.update(data), c.final()]);
};

export function sm4GcmEncrypt(k: Sm4Key, plaintext: Buffer, aad: Buffer, iv: Buffer = randomIv(12)): Sealed {
  const ciphertext = ctr(k, iv, plaintext);
  return { iv, tag: tagOf(k, iv, aad, ciphertext), ciphertext };
}

export function sm4GcmDecrypt(k: Sm4Key, sealed: Sealed, aad: Buffer): Buffer {
  if (sealed.iv.length !== 12 || sealed.tag.length !== 16) throw new CryptoFailure('decrypt', 'bad IV or tag length');
  if (!timingSafeEqual(tagOf(k, sealed.iv, aad, sealed.ciphertext), sealed.tag))
    throw new CryptoFailure('decrypt', 'authentication failed');
  return ctr(k, sealed.iv, sealed.ciphertext);
}

export const sm4: SoftwareFamily<Sm4Key> = {
  generate: async (spec) => randomBytes(spec.bits / 8),
  parse: (material, spec) => sm4Key(symmetricMaterial(material, spec)),
  encrypt: (k, plaintext, aad) => sm4GcmEncrypt(k, plaintext, aad),
  decrypt: sm4GcmDecrypt,
};
