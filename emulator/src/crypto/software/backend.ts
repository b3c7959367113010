/**
 * Key material in software: raw bytes (symmetric) or PKCS#8 DER (asymmetric), wrapped under the root key.
 * RSA generation uses the async API: it takes 50-700 ms of CPU and the sync call would stall every other request.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import type { MaterialRef } from '../../domain/model';
import { SPECS, type KeySpec } from '../../domain/specs';
import type { CryptoBackend } from '../backend';
import type { RootKey } from '../root-key';

/** PKCS#8 DER of a new RSA or EC private key, generated on the libuv pool. */
function generatePkcs8(type: 'rsa' | 'ec', options: { modulusLength: number } | { namedCurve: string }): Promise<Buffer> {
  const encoding = { privateKeyEncoding: { type: 'pkcs8', format: 'der' }, publicKeyEncoding: { type: 'spki', format: 'der' } } as const;
  return new Promise((resolve, reject) =>
    generateKeyPair(type as 'rsa', { ...(options as { modulusLength: number }), ...encoding }, (err, _pub, priv) => (err ? reject(err) : resolve(priv as unknown as Buffer))),
  );
}

/** OpenSSL curve names for the EC specs. */
const CURVES: Partial<Record<KeySpec, string>> = { EC_P256: 'prime256v1', EC_P256K: 'secp256k1', EC_SM2: 'SM2' };

export interface SoftwareMaterial extends MaterialRef {
  readonly backend: 'software';
  /** base64(iv | tag | AES-GCM(root key, material)) */
  readonly wrapped: string;
}

export class SoftwareBackend implements CryptoBackend {
  readonly name = 'software';

  constructor(private readonly rootKey: RootKey) {}

  async generate(spec: KeySpec): Promise<SoftwareMaterial> {
    return this.wrap(await newMaterial(spec));
  }

  async destroy(): Promise<void> {}

  wrap(material: Buffer): SoftwareMaterial {
    return { backend: 'software', wrapped: this.rootKey.wrap(material) };
  }

  unwrap(ref: MaterialRef): Buffer {
    if (ref.backend !== 'software' || typeof ref.wrapped !== 'string') throw new Error(`not software material: ${ref.backend}`);
    return this.rootKey.unwrap(ref.wrapped);
  }
}

async function newMaterial(spec: KeySpec): Promise<Buffer> {
  const info = SPECS[spec];
  if (info.kind === 'symmetric') return randomBytes(info.bits / 8);
  return info.kind === 'rsa' ? generatePkcs8('rsa', { modulusLength: info.bits }) : generatePkcs8('ec', { namedCurve: CURVES[spec]! });
}
