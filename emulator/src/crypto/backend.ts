/**
 * The seam between the domain and whatever holds key material (software under the root key, or a PKCS#11 token).
 * Only references to material cross it: a backend takes a MaterialRef and returns results, never key bytes.
 */
import type { MaterialRef } from '../domain/model';
import type { KeySpec } from '../domain/specs';

export interface CryptoBackend {
  readonly name: string;
  /** Fresh material for a new key version. */
  generate(spec: KeySpec): Promise<MaterialRef>;
  /** Forget material (key deletion); a no-op for wrapped software material. */
  destroy(ref: MaterialRef): Promise<void>;
}
