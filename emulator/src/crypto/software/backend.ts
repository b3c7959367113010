/**
 * Key material in software: raw bytes (symmetric) or PKCS#8 DER (asymmetric), wrapped under the root key.
 * Each algorithm family lives in its own file under families/, which says which implementation it uses and why (by
 * measurement); this class only unwraps and caches material, looks up the key's family once in the spec registry
 * and calls the operation, refusing what the family does not have.
 */
import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import type { MaterialRef } from '../../domain/model';
import { CryptoFailure, type CryptoBackend, type KeyHandle, type Sealed } from '../../domain/ports/crypto-backend';
import {
  ENCRYPTION_ALGORITHMS,
  specOf,
  type EncryptionAlgorithm,
  type ImportWrappingAlgorithm,
  type KeySpec,
  type SigningAlgorithm,
} from '../../domain/specs';
import type { RootKey } from '../root-key';
import { FAMILIES } from './families';
import type { SoftwareFamily } from './families/family';
import { ParsedKeyCache, type ParsedKey } from './parsed-keys';

export interface SoftwareMaterial extends MaterialRef {
  readonly backend: 'software';
  /** base64(iv | tag | AES-GCM(root key, material)) */
  readonly wrapped: string;
  /** Imported material only: SHA-256 of it, so a re-import can be checked against it after DeleteKeyMaterial. */
  readonly fingerprint?: string;
}

type Operation = Exclude<keyof SoftwareFamily, 'generate' | 'parse' | 'encryptToPublicKey'>;

export class SoftwareBackend implements CryptoBackend {
  readonly name = 'software';
  private readonly cache = new ParsedKeyCache();

  constructor(private readonly rootKey: RootKey) {}

  async generate(spec: KeySpec): Promise<SoftwareMaterial> {
    return this.wrap(await FAMILIES[specOf(spec).family].generate(specOf(spec)));
  }

  async adopt(spec: KeySpec, material: Buffer): Promise<SoftwareMaterial> {
    FAMILIES[specOf(spec).family].parse(material, specOf(spec)); // throws CryptoFailure('material') when it does not fit
    return this.wrap(material);
  }

  async destroy(): Promise<void> {}

  random = (bytes: number): Buffer => randomBytes(bytes);

  wrap(material: Buffer): SoftwareMaterial {
    return { backend: 'software', wrapped: this.rootKey.wrap(material) };
  }

  unwrap(ref: MaterialRef): Buffer {
    if (ref.backend !== 'software' || typeof ref.wrapped !== 'string') throw new Error(`not software material: ${ref.backend}`);
    return this.rootKey.unwrap(ref.wrapped);
  }

  /** The parsed key for a version (unwrapped and parsed once) and its family's `op`, refused when it has none. */
  private use<O extends Operation>(key: KeyHandle, op: O): [NonNullable<SoftwareFamily[O]>, never] {
    const parsed: ParsedKey = this.cache.get(`${key.spec}:${String(key.ref.wrapped)}`, () => {
      const family = FAMILIES[specOf(key.spec).family];
      return { family, key: family.parse(this.unwrap(key.ref), specOf(key.spec)) };
    });
    const fn = parsed.family[op];
    if (!fn) throw new CryptoFailure('input', `${key.spec} keys have no ${op} operation`);
    return [fn.bind(parsed.family) as NonNullable<SoftwareFamily[O]>, parsed.key as never];
  }

  async encrypt(key: KeyHandle, plaintext: Buffer, aad: Buffer): Promise<Sealed> {
    const [encrypt, k] = this.use(key, 'encrypt');
    return encrypt(k, plaintext, aad);
  }

  async decrypt(key: KeyHandle, sealed: Sealed, aad: Buffer): Promise<Buffer> {
    const [decrypt, k] = this.use(key, 'decrypt');
    return decrypt(k, sealed, aad);
  }

  async asymmetricEncrypt(key: KeyHandle, algorithm: EncryptionAlgorithm, plaintext: Buffer): Promise<Buffer> {
    const [encrypt, k] = this.use(key, 'asymmetricEncrypt');
    return encrypt(k, algorithm, plaintext);
  }

  async asymmetricDecrypt(key: KeyHandle, algorithm: EncryptionAlgorithm, ciphertext: Buffer): Promise<Buffer> {
    const [decrypt, k] = this.use(key, 'asymmetricDecrypt');
    return decrypt(k, algorithm, ciphertext);
  }

  /** The caller's public key is of the family the algorithm names. */
  async encryptToPublicKey(spki: Buffer, algorithm: EncryptionAlgorithm, plaintext: Buffer): Promise<Buffer> {
    const family = FAMILIES[ENCRYPTION_ALGORITHMS[algorithm].family];
    if (!family.encryptToPublicKey) throw new CryptoFailure('input', `${algorithm} cannot encrypt to a public key`);
    return family.encryptToPublicKey(spki, algorithm, plaintext);
  }

  async sign(key: KeyHandle, algorithm: SigningAlgorithm, digest: Buffer): Promise<Buffer> {
    const [sign, k] = this.use(key, 'sign');
    return sign(k, algorithm, digest);
  }

  async verify(key: KeyHandle, algorithm: SigningAlgorithm, digest: Buffer, signature: Buffer): Promise<boolean> {
    const [verify, k] = this.use(key, 'verify');
    return verify(k, algorithm, digest, signature);
  }

  async publicKey(key: KeyHandle): Promise<Buffer> {
    const [publicKey, k] = this.use(key, 'publicKey');
    return publicKey(k);
  }

  async importMaterial(
    spec: KeySpec,
    wrappingKey: KeyHandle,
    algorithm: ImportWrappingAlgorithm,
    wrapped: Buffer,
  ): Promise<SoftwareMaterial> {
    const [unwrap, k] = this.use(wrappingKey, 'unwrap');
    let material: Buffer;
    try {
      material = unwrap(k, algorithm, wrapped);
    } catch (err) {
      throw err instanceof CryptoFailure && err.kind === 'input' ? err : new CryptoFailure('material', 'the key material does not unwrap');
    }
    if (!specOf(spec).importable) throw new CryptoFailure('material', `${spec} keys take no imported material`);
    FAMILIES[specOf(spec).family].parse(material, specOf(spec)); // the right length for the spec, or 'material'
    const fingerprint = createHash('sha256').update('alikms-imported-material-v1').update(material).digest('hex');
    return { ...this.wrap(material), fingerprint };
  }
}
