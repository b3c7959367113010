/**
 * Unwrapped, parsed key material, cached per key version. Unwrapping (AES-GCM under the root key) and parsing
 * (PKCS#8 -> KeyObject, SM2 public-point precomputation) cost far more than the operation itself: a PEM parsed per
 * call cuts P-256 signing from 36 k/s to 2.5 k/s (perf-baselines.md §b). The cache key is the wrapped text, which
 * is unique per version; the cache is bounded so a long-lived emulator with many keys does not grow without limit.
 */
import { SPECS, type KeySpec } from '../../domain/specs';
import { aesKey, type AesKey } from './aes-gcm';
import { ecdsaKey, type EcdsaKey } from './ecdsa';
import { rsaKey, type RsaKey } from './rsa';
import { sm2Key, type Sm2Key } from './sm2';
import { sm4Key, type Sm4Key } from './sm4-gcm';

export type ParsedKey =
  | { readonly family: 'aes'; readonly key: AesKey }
  | { readonly family: 'sm4'; readonly key: Sm4Key }
  | { readonly family: 'rsa'; readonly key: RsaKey }
  | { readonly family: 'ecdsa'; readonly key: EcdsaKey }
  | { readonly family: 'sm2'; readonly key: Sm2Key };

export function parseMaterial(spec: KeySpec, material: Buffer): ParsedKey {
  switch (spec) {
    case 'Aliyun_SM4':
      return { family: 'sm4', key: sm4Key(material) };
    case 'EC_SM2':
      return { family: 'sm2', key: sm2Key(material) };
    case 'EC_P256':
      return { family: 'ecdsa', key: ecdsaKey('prime256v1', material) };
    case 'EC_P256K':
      return { family: 'ecdsa', key: ecdsaKey('secp256k1', material) };
    default:
      return SPECS[spec].kind === 'rsa' ? { family: 'rsa', key: rsaKey(material) } : { family: 'aes', key: aesKey(material) };
  }
}

export class ParsedKeyCache {
  private readonly entries = new Map<string, ParsedKey>();

  constructor(private readonly capacity = 4096) {}

  get(id: string, load: () => ParsedKey): ParsedKey {
    let parsed = this.entries.get(id);
    if (parsed) return parsed;
    parsed = load();
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, parsed);
    return parsed;
  }
}
