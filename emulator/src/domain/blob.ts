/**
 * The symmetric CiphertextBlob: an emulator-defined, versioned, self-describing format (kms-openapi.md §3.6 leaves
 * the real one undocumented; only our own Decrypt ever reads it).
 *
 *   "AKB" | format 0x01 | cipher (specs.ts BLOB_CIPHERS) | len | keyId | len | keyVersionId | iv(12) | tag(16) | ciphertext
 *
 * It names the key and the version, so Decrypt needs no KeyId and old versions keep decrypting after rotation.
 * The authenticated data is the header (everything before the IV) followed by the canonical EncryptionContext, so
 * changing any byte of the blob, or decrypting with another context, fails authentication.
 */
import type { Sealed } from './ports/crypto-backend';
import { KmsError } from './errors';
import { blobCipherOf, type KeySpec } from './specs';

const MAGIC = Buffer.from('AKB');
const FORMAT = 1;
const IV = 12;
const TAG = 16;

export interface BlobHeader {
  readonly keyId: string;
  readonly keyVersionId: string;
  readonly cipher: number;
  /** The header bytes, authenticated with the ciphertext. */
  readonly bytes: Buffer;
}

export function blobHeader(spec: KeySpec, keyId: string, keyVersionId: string): BlobHeader {
  const id = Buffer.from(keyId, 'utf8');
  const version = Buffer.from(keyVersionId, 'utf8');
  if (id.length > 255 || version.length > 255) throw new Error('identifier too long for a blob');
  const cipher = blobCipherOf(spec);
  if (cipher === undefined) throw new Error(`${spec} keys make no symmetric blobs`);
  const bytes = Buffer.concat([MAGIC, Buffer.from([FORMAT, cipher, id.length]), id, Buffer.from([version.length]), version]);
  return { keyId, keyVersionId, cipher, bytes };
}

export const encodeBlob = (header: BlobHeader, sealed: Sealed): string =>
  Buffer.concat([header.bytes, sealed.iv, sealed.tag, sealed.ciphertext]).toString('base64');

const invalid = () => new KmsError('InvalidCiphertext');

export function decodeBlob(raw: Buffer): { header: BlobHeader; sealed: Sealed } {
  if (raw.length < MAGIC.length + 5 + IV + TAG || !raw.subarray(0, 3).equals(MAGIC) || raw[3] !== FORMAT) throw invalid();
  let at = 5;
  const idLen = raw[at++];
  const keyId = raw.subarray(at, (at += idLen)).toString('utf8');
  if (at >= raw.length) throw invalid();
  const versionLen = raw[at++];
  const keyVersionId = raw.subarray(at, (at += versionLen)).toString('utf8');
  if (!idLen || !versionLen || raw.length < at + IV + TAG) throw invalid();
  const header = { keyId, keyVersionId, cipher: raw[4], bytes: raw.subarray(0, at) };
  const sealed = { iv: raw.subarray(at, at + IV), tag: raw.subarray(at + IV, at + IV + TAG), ciphertext: raw.subarray(at + IV + TAG) };
  return { header, sealed };
}

/** EncryptionContext as bytes: JSON with keys sorted, so `{a,b}` and `{b,a}` bind the same; absent = `{}`. */
export function canonicalContext(context: Readonly<Record<string, string>> | undefined): Buffer {
  // fromEntries defines own properties, so even a `__proto__` key is kept.
  const sorted = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(Object.fromEntries(sorted)), 'utf8');
}

export const blobAad = (header: BlobHeader, context: Readonly<Record<string, string>> | undefined) =>
  Buffer.concat([header.bytes, canonicalContext(context)]);
