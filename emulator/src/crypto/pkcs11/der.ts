/**
 * The few DER shapes the token does not speak: PKCS#11 gives ECDSA signatures as raw r‖s and public keys as bare
 * attributes, while KMS callers expect DER signatures and SubjectPublicKeyInfo (pkcs11-softhsm.md §3, §7 pitfalls 6–7).
 */
import { createPublicKey } from 'node:crypto';

/** id-ecPublicKey (1.2.840.10045.2.1) */
const EC_PUBLIC_KEY_OID = Buffer.from('06072a8648ce3d0201', 'hex');

function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

/** SPKI DER of an RSA public key from CKA_MODULUS / CKA_PUBLIC_EXPONENT (big-endian, as PKCS#11 stores them). */
export function rsaSpki(modulus: Buffer, exponent: Buffer): Buffer {
  const jwk = { kty: 'RSA', n: modulus.toString('base64url'), e: exponent.toString('base64url') };
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
}

/**
 * SPKI DER of an EC public key from CKA_EC_PARAMS (the named-curve OID, DER) and CKA_EC_POINT. SoftHSM returns the
 * point wrapped in a DER OCTET STRING (04 41 04‖X‖Y); other tokens return it bare, so both are accepted.
 */
export function ecSpki(params: Buffer, point: Buffer, coordinateBytes: number): Buffer {
  const raw = point.length === 2 * coordinateBytes + 3 && point[0] === 0x04 ? point.subarray(2) : point;
  const algorithm = tlv(0x30, Buffer.concat([EC_PUBLIC_KEY_OID, params]));
  return tlv(0x30, Buffer.concat([algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), raw]))]));
}

function derInteger(unsigned: Buffer): Buffer {
  let i = 0;
  while (i < unsigned.length - 1 && unsigned[i] === 0) i++;
  const body = unsigned.subarray(i);
  return tlv(0x02, body[0] & 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body);
}

/** CKM_ECDSA's raw r‖s (each `coordinateBytes` long) as the DER ECDSA-Sig-Value KMS returns. */
export function ecdsaRawToDer(raw: Buffer): Buffer {
  const half = raw.length / 2;
  return tlv(0x30, Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]));
}

/** A DER ECDSA-Sig-Value as raw r‖s for C_Verify; undefined when it is not one (a bad signature, not an error). */
export function ecdsaDerToRaw(der: Buffer, coordinateBytes: number): Buffer | undefined {
  let pos = 0;
  const readLength = (): number | undefined => {
    const first = der[pos++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    if (first !== 0x81) return undefined; // ECDSA signatures on 256-bit curves are never longer than 255 bytes
    const n = der[pos++];
    return n !== undefined && n >= 0x80 ? n : undefined;
  };
  const readInteger = (): Buffer | undefined => {
    if (der[pos++] !== 0x02) return undefined;
    const len = readLength();
    if (len === undefined || len === 0 || pos + len > der.length) return undefined;
    let value = der.subarray(pos, pos + len);
    pos += len;
    if (value[0] & 0x80) return undefined; // negative
    while (value.length > 1 && value[0] === 0) value = value.subarray(1);
    return value.length <= coordinateBytes ? value : undefined;
  };
  if (der[pos++] !== 0x30) return undefined;
  const total = readLength();
  if (total === undefined || pos + total !== der.length) return undefined;
  const r = readInteger();
  const s = readInteger();
  if (!r || !s || pos !== der.length) return undefined;
  const out = Buffer.alloc(2 * coordinateBytes);
  r.copy(out, coordinateBytes - r.length);
  s.copy(out, 2 * coordinateBytes - s.length);
  return out;
}
