/**
 * Unwrapped, parsed key material, cached per key version. Unwrapping (AES-GCM under the root key) and parsing
 * (PKCS#8 -> KeyObject, SM2 public-point precomputation) cost far more than the operation itself: a PEM parsed per
 * call cuts P-256 signing from 36 k/s to 2.5 k/s (perf-baselines.md §b). The cache key is the wrapped text, which
 * is unique per version; the cache is bounded so a long-lived emulator with many keys does not grow without limit.
 */
import type { SoftwareFamily } from './families/family';

export interface ParsedKey {
  readonly family: SoftwareFamily;
  readonly key: unknown;
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
