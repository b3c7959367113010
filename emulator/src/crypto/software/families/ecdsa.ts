/**
 * ECDSA_SHA_256 over a caller's digest for EC_P256 (secp256r1) and EC_P256K (secp256k1). Signatures are DER.
 *
 * node:crypto cannot sign or verify a bare digest with ECDSA: `crypto.sign(null, digest, ecKey)` hashes it again.
 * Measured (perf-baselines.md §b), per spec:
 * - P-256 signing: OpenSSL computes k·G (through ECDH key generation on the curve), BigInt finishes r and s:
 *   6.6 k/s, against 1.7 k/s for @noble/curves. Not constant-time in the BigInt part: fine for an emulator.
 * - secp256k1 signing: @noble/curves (`prehash: false`, RFC 6979, low-S): 2.0 k/s, against 0.76 k/s for the
 *   OpenSSL path (its generic secp256k1 code is slow). Low-S is what secp256k1 (blockchain) users expect.
 * - Verification of a digest: @noble/curves only (no node path), with `lowS: false` — OpenSSL never normalises s,
 *   and noble's default rejected half of OpenSSL's signatures.
 */
import { createECDH, createPrivateKey, createPublicKey } from 'node:crypto';
import { CryptoFailure } from '../../../domain/ports/crypto-backend';
import { lazyModule } from '../../lazy';
import { curveOf, generatePkcs8, type SoftwareFamily } from './family';

export type EcdsaCurve = 'prime256v1' | 'secp256k1';

export interface EcdsaKey {
  readonly curve: EcdsaCurve;
  readonly d: Uint8Array;
  readonly dInt: bigint;
  /** Uncompressed public point (65 bytes). */
  readonly point: Uint8Array;
  readonly spki: Buffer;
}

// The noble curves cost ~25 ms to load: they load on first use, keeping the emulator's cold start short.
const nist = lazyModule(() => require('@noble/curves/nist.js') as typeof import('@noble/curves/nist.js'));
const k1 = lazyModule(() => require('@noble/curves/secp256k1.js') as typeof import('@noble/curves/secp256k1.js'));
const noble = (curve: EcdsaCurve) => (curve === 'prime256v1' ? nist().p256 : k1().secp256k1);

const b64u = (s: string) => Buffer.from(s, 'base64url');
const toInt = (b: Uint8Array) => BigInt('0x' + Buffer.from(b).toString('hex'));

export function ecdsaKey(curve: EcdsaCurve, pkcs8: Buffer): EcdsaKey {
  const priv = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const jwk = priv.export({ format: 'jwk' });
  const d = new Uint8Array(b64u(jwk.d!));
  const point = new Uint8Array(Buffer.concat([Buffer.from([4]), b64u(jwk.x!), b64u(jwk.y!)]));
  return { curve, d, dInt: toInt(d), point, spki: createPublicKey(priv).export({ type: 'spki', format: 'der' }) };
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  base %= mod;
  for (; exp > 0n; exp >>= 1n, base = (base * base) % mod) if (exp & 1n) result = (result * base) % mod;
  return result;
}

/** Minimal DER INTEGER for a positive bigint. */
function derInt(v: bigint): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let b = Buffer.from(hex, 'hex');
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([2, b.length]), b]);
}

export const derSignature = (r: bigint, s: bigint): Buffer => {
  const body = Buffer.concat([derInt(r), derInt(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
};

/** ECDSA with OpenSSL doing the k·G multiplication: createECDH picks k in [1, n-1] and returns k·G. */
function signWithOpenSsl(k: EcdsaKey, digest: Buffer): Buffer {
  const n = noble(k.curve).Point.CURVE().n;
  const e = toInt(digest) % n; // digests are exactly 256 bits = the order's size, so no truncation is needed
  for (;;) {
    const ecdh = createECDH(k.curve);
    const R = ecdh.generateKeys();
    const nonce = toInt(ecdh.getPrivateKey());
    const r = toInt(R.subarray(1, 33)) % n;
    if (r === 0n) continue;
    const s = (modPow(nonce, n - 2n, n) * ((e + r * k.dInt) % n)) % n;
    if (s !== 0n) return derSignature(r, s);
  }
}

export function ecdsaSign(k: EcdsaKey, digest: Buffer): Buffer {
  if (k.curve === 'prime256v1') return signWithOpenSsl(k, digest);
  return Buffer.from(k1().secp256k1.sign(digest, k.d, { prehash: false, format: 'der' }));
}

export function ecdsaVerify(k: EcdsaKey, digest: Buffer, signature: Buffer): boolean {
  try {
    return noble(k.curve).verify(signature, digest, k.point, { prehash: false, lowS: false, format: 'der' });
  } catch {
    return false; // not DER, or r/s out of range
  }
}

/** An EC key on the spec's curve, or CryptoFailure('material'). */
function ecdsaKeyOf(pkcs8: Buffer, curve: string): EcdsaKey {
  let named: string | undefined;
  try {
    named = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).asymmetricKeyDetails?.namedCurve;
  } catch {
    throw new CryptoFailure('material', 'not a PKCS#8 private key');
  }
  if (named !== curve) throw new CryptoFailure('material', `expected a key on ${curve}, got ${named ?? 'no named curve'}`);
  return ecdsaKey(curve as EcdsaCurve, pkcs8);
}

export const ecdsa: SoftwareFamily<EcdsaKey> = {
  generate: (spec) => generatePkcs8('ec', { namedCurve: curveOf(spec) }),
  parse: (material, spec) => ecdsaKeyOf(material, curveOf(spec)),
  sign: (k, _algorithm, digest) => ecdsaSign(k, digest),
  verify: (k, _algorithm, digest, signature) => ecdsaVerify(k, digest, signature),
  publicKey: (k) => k.spki,
};
