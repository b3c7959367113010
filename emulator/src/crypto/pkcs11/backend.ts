/**
 * CryptoBackend on a PKCS#11 token (pkcs11js), for the keys of hardware KMS instances.
 *
 * - Material is generated in the token (C_GenerateKeyAsync / C_GenerateKeyPairAsync) as token objects that are
 *   sensitive and non-extractable, with a random 16-byte CKA_ID. The emulator stores only the MaterialRef
 *   `{backend: 'pkcs11', id: <hex CKA_ID>, token: <label>}`: never key bytes, never handles.
 * - Every private/secret-key operation, and the public-key ones (OAEP encrypt, verify), run in the token through the
 *   *Async calls, so the event loop never waits on the token (pkcs11-softhsm.md §5). Inputs handed to an async call
 *   stay referenced until it settles: the native worker only keeps raw pointers to them (§5 "Async buffer lifetime").
 * - What the token lacks is refused with CryptoFailure('unsupported'), see mechanisms.ts for the table and the gaps.
 * - `random` uses node's randomBytes: the interface is synchronous and data keys leave the emulator in plaintext anyway.
 * - `encryptToPublicKey` uses node:crypto: the public key is the caller's, not a token key.
 */
import { constants, createPublicKey, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import type { MaterialRef } from '../../domain/model';
import { CryptoFailure, type CryptoBackend, type KeyHandle, type MaterialHome, type Sealed } from '../../domain/ports/crypto-backend';
import {
  algorithmsOf,
  ENCRYPTION_ALGORITHMS,
  SIGNING_ALGORITHMS,
  type EncryptionAlgorithm,
  type ImportWrappingAlgorithm,
  type KeySpec,
  type SigningAlgorithm,
} from '../../domain/specs';
import { ecdsaDerToRaw, ecdsaRawToDer, ecSpki, rsaSpki } from './der';
import { unwrapIntoToken } from './byok';
import { ckrOf, DECRYPT_FAILED, failAs, keepAlive, Refusals, unsupportedOnHsm } from './errors';
import {
  aesGcm,
  aesTemplate,
  keyPairMechanism,
  keyPairTemplates,
  oaepMaxPlaintext,
  planFor,
  rsaOaep,
  signing,
  type KeyPlan,
  type OaepHash,
} from './mechanisms';
import { Token, type Handle, type TokenOptions } from './token';

export type Pkcs11Options = TokenOptions;

export interface Pkcs11Material extends MaterialRef {
  readonly backend: 'pkcs11';
  /** Hex CKA_ID shared by the key's token objects. */
  readonly id: string;
  /** Label of the token holding them. */
  readonly token: string;
  /** Imported material only: hex AES-ECB(material, 0^128), the key check value, computed in the token. */
  readonly fingerprint?: string;
}

const { CKO_SECRET_KEY, CKO_PRIVATE_KEY, CKO_PUBLIC_KEY } = pkcs11js;
const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;
const BAD_SIGNATURE = new Set(['CKR_SIGNATURE_INVALID', 'CKR_SIGNATURE_LEN_RANGE']);

export class Pkcs11Backend implements CryptoBackend {
  readonly name = 'pkcs11';
  private readonly refusals = new Refusals();
  private readonly spkis = new Map<string, Buffer>();

  private constructor(private readonly token: Token) {}

  /** Loads the module, finds the token and logs in; a wrong PIN or a missing module/token throws Pkcs11StartupError. */
  static async open(options: Pkcs11Options): Promise<Pkcs11Backend> {
    return new Pkcs11Backend(Token.open(options));
  }

  get tokenLabel(): string {
    return this.token.label;
  }

  async close(): Promise<void> {
    this.token.close();
  }

  /** Always a token key: `home` matters only to a backend that can also keep material in software. */
  async generate(spec: KeySpec, _home?: MaterialHome): Promise<Pkcs11Material> {
    const plan = planFor(spec);
    const id = randomBytes(16);
    const hex = id.toString('hex');
    const p11 = this.token.p11;
    await this.token.run(async (s) => {
      if (plan.kind === 'aes') {
        this.token.remember(
          hex,
          CKO_SECRET_KEY,
          await p11.C_GenerateKeyAsync(s, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, aesTemplate(id, plan.bytes)),
        );
        return;
      }
      const { pub, priv } = keyPairTemplates(id, plan);
      const pair = await p11.C_GenerateKeyPairAsync(s, keyPairMechanism(plan), pub, priv);
      this.token.remember(hex, CKO_PUBLIC_KEY, pair.publicKey);
      this.token.remember(hex, CKO_PRIVATE_KEY, pair.privateKey);
    });
    return this.material(hex);
  }

  /** Operator-supplied material is never put into a token: seeds keep it as software material (HsmEncryptedDatabase). */
  async adopt(spec: KeySpec): Promise<Pkcs11Material> {
    throw unsupportedOnHsm(spec, 'material is generated or unwrapped inside the token, never written into it');
  }

  /** Destroys every token object of the key; material already gone is not an error (deletion is idempotent). */
  async destroy(ref: MaterialRef): Promise<void> {
    const id = this.idOf(ref);
    this.spkis.delete(id);
    await this.token.run((s) => {
      for (const object of this.token.findEvery(s, id)) this.token.p11.C_DestroyObject(s, object);
    });
  }

  random(bytes: number): Buffer {
    return randomBytes(bytes);
  }

  async encrypt(key: KeyHandle, plaintext: Buffer, aad: Buffer): Promise<Sealed> {
    const id = this.keyOf(key, 'aes');
    const iv = randomBytes(GCM_IV_BYTES);
    const p11 = this.token.p11;
    const out = await this.token.run(async (s) => {
      p11.C_EncryptInit(s, aesGcm(iv, aad), this.token.find(s, id, CKO_SECRET_KEY));
      // An empty single-part GCM input is CKR_ARGUMENTS_BAD on SoftHSM; Final alone yields just the tag (§7 pitfall 9).
      const sealed =
        plaintext.length === 0
          ? await p11.C_EncryptFinalAsync(s, Buffer.alloc(GCM_TAG_BYTES))
          : await p11.C_EncryptAsync(s, plaintext, Buffer.alloc(plaintext.length + GCM_TAG_BYTES));
      keepAlive(plaintext, aad, iv);
      return sealed;
    });
    // A token that drops the tag would give unauthenticated ciphertext (§7 pitfall 2): never hand that out.
    if (out.length !== plaintext.length + GCM_TAG_BYTES)
      throw new Error(`PKCS#11 AES-GCM returned ${out.length} bytes for ${plaintext.length}`);
    return { iv, ciphertext: Buffer.from(out.subarray(0, plaintext.length)), tag: Buffer.from(out.subarray(plaintext.length)) };
  }

  async decrypt(key: KeyHandle, sealed: Sealed, aad: Buffer): Promise<Buffer> {
    const id = this.keyOf(key, 'aes');
    if (sealed.iv.length !== GCM_IV_BYTES || sealed.tag.length !== GCM_TAG_BYTES)
      throw new CryptoFailure('decrypt', 'bad IV or tag length');
    const input = Buffer.concat([sealed.ciphertext, sealed.tag]); // PKCS#11 GCM takes ciphertext‖tag
    const p11 = this.token.p11;
    return failAs('decrypt', 'authentication failed', DECRYPT_FAILED, () =>
      this.token.run(async (s) => {
        p11.C_DecryptInit(s, aesGcm(sealed.iv, aad), this.token.find(s, id, CKO_SECRET_KEY));
        // SoftHSM wants room for the whole input, tag included, although it returns only the plaintext.
        const plaintext = await p11.C_DecryptAsync(s, input, Buffer.alloc(input.length));
        keepAlive(input, aad);
        return Buffer.from(plaintext);
      }),
    );
  }

  async asymmetricEncrypt(key: KeyHandle, algorithm: EncryptionAlgorithm, plaintext: Buffer): Promise<Buffer> {
    const { id, bytes, hash } = this.oaepKey(key, algorithm);
    const max = oaepMaxPlaintext(bytes, hash);
    if (plaintext.length > max) throw new CryptoFailure('input', `at most ${max} bytes for this key and algorithm`);
    const p11 = this.token.p11;
    return this.token.run(async (s) => {
      this.refusals.init(algorithm, () => p11.C_EncryptInit(s, rsaOaep(hash), this.token.find(s, id, CKO_PUBLIC_KEY)));
      const ciphertext = await p11.C_EncryptAsync(s, plaintext, Buffer.alloc(bytes));
      keepAlive(plaintext);
      return Buffer.from(ciphertext);
    });
  }

  async asymmetricDecrypt(key: KeyHandle, algorithm: EncryptionAlgorithm, ciphertext: Buffer): Promise<Buffer> {
    const { id, bytes, hash } = this.oaepKey(key, algorithm);
    if (ciphertext.length !== bytes) throw new CryptoFailure('decrypt', `ciphertext must be ${bytes} bytes`);
    const p11 = this.token.p11;
    return failAs('decrypt', 'OAEP decryption failed', DECRYPT_FAILED, () =>
      this.token.run(async (s) => {
        this.refusals.init(algorithm, () => p11.C_DecryptInit(s, rsaOaep(hash), this.token.find(s, id, CKO_PRIVATE_KEY)));
        const plaintext = await p11.C_DecryptAsync(s, ciphertext, Buffer.alloc(bytes));
        keepAlive(ciphertext);
        return Buffer.from(plaintext);
      }),
    );
  }

  async encryptToPublicKey(spki: Buffer, algorithm: EncryptionAlgorithm, plaintext: Buffer): Promise<Buffer> {
    if (algorithm === 'SM2PKE') throw unsupportedOnHsm('SM2PKE', 'the PKCS#11 backend has no SM2 implementation');
    const hash = oaepHashOf(algorithm);
    let pub: KeyObject;
    try {
      pub = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    } catch {
      throw new CryptoFailure('input', 'not a DER SubjectPublicKeyInfo');
    }
    if (pub.asymmetricKeyType !== 'rsa') throw new CryptoFailure('input', `${algorithm} needs an RSA public key`);
    const max = oaepMaxPlaintext(Math.ceil(pub.asymmetricKeyDetails!.modulusLength! / 8), hash);
    if (plaintext.length > max) throw new CryptoFailure('input', `at most ${max} bytes for this key and algorithm`);
    return publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, plaintext);
  }

  async sign(key: KeyHandle, algorithm: SigningAlgorithm, digest: Buffer): Promise<Buffer> {
    const { id, plan } = this.signingKey(key, algorithm, digest);
    const { mechanism, input } = signing(algorithm, digest);
    const p11 = this.token.p11;
    const size = plan.kind === 'rsa' ? plan.bits / 8 : 2 * plan.coordinateBytes; // exact: BUFFER_TOO_SMALL sticks (§7 pitfall 10)
    const signature = await this.token.run(async (s) => {
      p11.C_SignInit(s, mechanism, this.token.find(s, id, CKO_PRIVATE_KEY));
      const out = await p11.C_SignAsync(s, input, Buffer.alloc(size));
      keepAlive(input);
      return Buffer.from(out);
    });
    return plan.kind === 'ec' ? ecdsaRawToDer(signature) : signature;
  }

  /** A signature that does not verify, or is not even well-formed, is `false`; C_Verify throws for it (§7 pitfall 14). */
  async verify(key: KeyHandle, algorithm: SigningAlgorithm, digest: Buffer, signature: Buffer): Promise<boolean> {
    const { id, plan } = this.signingKey(key, algorithm, digest);
    const { mechanism, input } = signing(algorithm, digest);
    const raw =
      plan.kind === 'ec' ? ecdsaDerToRaw(signature, plan.coordinateBytes) : signature.length === plan.bits / 8 ? signature : undefined;
    if (!raw) return false;
    const p11 = this.token.p11;
    return this.token.run(async (s) => {
      p11.C_VerifyInit(s, mechanism, this.token.find(s, id, CKO_PUBLIC_KEY));
      try {
        return await p11.C_VerifyAsync(s, input, raw);
      } catch (err) {
        if (BAD_SIGNATURE.has(ckrOf(err) ?? '')) return false; // C_Verify ends the operation either way
        throw err;
      } finally {
        keepAlive(input, raw);
      }
    });
  }

  async publicKey(key: KeyHandle): Promise<Buffer> {
    const plan = planFor(key.spec);
    const id = this.idOf(key.ref);
    if (plan.kind === 'aes') throw new CryptoFailure('input', `${key.spec} is symmetric and has no public key`);
    const cached = this.spkis.get(id);
    if (cached) return cached;
    const spki = await this.token.run((s) => {
      const pub = this.token.find(s, id, CKO_PUBLIC_KEY);
      const attributes =
        plan.kind === 'rsa' ? [pkcs11js.CKA_MODULUS, pkcs11js.CKA_PUBLIC_EXPONENT] : [pkcs11js.CKA_EC_PARAMS, pkcs11js.CKA_EC_POINT];
      const [a, b] = this.token.p11
        .C_GetAttributeValue(
          s,
          pub,
          attributes.map((type) => ({ type })),
        )
        .map((attr) => attr.value);
      return plan.kind === 'rsa' ? rsaSpki(a, b) : ecSpki(a, b, plan.coordinateBytes);
    });
    this.spkis.set(id, spki);
    return spki;
  }

  /** BYOK, unwrapped inside the token: see byok.ts. */
  async importMaterial(
    spec: KeySpec,
    wrappingKey: KeyHandle,
    algorithm: ImportWrappingAlgorithm,
    wrapped: Buffer,
  ): Promise<Pkcs11Material> {
    const { id, fingerprint } = await unwrapIntoToken(this.token, this.refusals, { spec, wrappingKey, algorithm, wrapped }, (ref) =>
      this.idOf(ref),
    );
    return { ...this.material(id), fingerprint };
  }

  private material(id: string): Pkcs11Material {
    return { backend: 'pkcs11', id, token: this.token.label };
  }

  /** The hex CKA_ID of a ref this backend made; a ref for another backend or token is a wiring error, not user input. */
  private idOf(ref: MaterialRef): string {
    if (ref.backend !== 'pkcs11' || typeof ref.id !== 'string' || !/^[0-9a-f]+$/.test(ref.id))
      throw new Error(`not PKCS#11 material: ${JSON.stringify({ backend: ref.backend, id: ref.id })}`);
    if (ref.token !== this.token.label)
      throw new Error(`key material lives in PKCS#11 token "${String(ref.token)}", this emulator uses "${this.token.label}"`);
    return ref.id;
  }

  private keyOf(key: KeyHandle, kind: KeyPlan['kind']): string {
    if (planFor(key.spec).kind !== kind) throw new CryptoFailure('input', `this operation does not apply to ${key.spec}`);
    return this.idOf(key.ref);
  }

  private oaepKey(key: KeyHandle, algorithm: EncryptionAlgorithm): { id: string; bytes: number; hash: OaepHash } {
    if (!algorithmsOf(key.spec, 'ENCRYPT/DECRYPT').includes(algorithm))
      throw new CryptoFailure('input', `${algorithm} does not apply to ${key.spec}`);
    const plan = planFor(key.spec);
    if (plan.kind !== 'rsa') throw unsupportedOnHsm(algorithm, 'SoftHSM2 has no SM2/SM4 mechanisms');
    return { id: this.idOf(key.ref), bytes: plan.bits / 8, hash: oaepHashOf(algorithm) };
  }

  private signingKey(key: KeyHandle, algorithm: SigningAlgorithm, digest: Buffer): { id: string; plan: KeyPlan & { kind: 'rsa' | 'ec' } } {
    if (!algorithmsOf(key.spec, 'SIGN/VERIFY').includes(algorithm))
      throw new CryptoFailure('input', `${algorithm} does not apply to ${key.spec}`);
    const plan = planFor(key.spec);
    if (plan.kind === 'aes') throw new CryptoFailure('input', `${key.spec} cannot sign`);
    if (digest.length !== SIGNING_ALGORITHMS[algorithm].digestBytes)
      throw new CryptoFailure('input', `the digest must be ${SIGNING_ALGORITHMS[algorithm].digestBytes} bytes`);
    return { id: this.idOf(key.ref), plan };
  }
}

export type { Handle };

/** OAEP hash of an RSA encryption algorithm, from the registry. */
const oaepHashOf = (algorithm: EncryptionAlgorithm): OaepHash =>
  (ENCRYPTION_ALGORITHMS[algorithm] as { oaepHash?: OaepHash }).oaepHash ?? 'sha256';
