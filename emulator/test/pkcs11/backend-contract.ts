/**
 * One contract suite for every CryptoBackend ("one suite, many backends", code-style-anchors.md §1): each test runs
 * the operation through the backend and checks the result independently with node:crypto against the backend's
 * public key or against material the test itself imported. What a backend cannot do is declared by the caller and
 * must be refused with CryptoFailure('unsupported'), never done some other way.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  verify as nodeVerify,
} from 'node:crypto';
import type { CryptoBackend, KeyHandle } from '../../src/domain/ports/crypto-backend';
import type { EncryptionAlgorithm, ImportWrappingAlgorithm } from '../../src/domain/specs';
import { CryptoFailure } from '../../src/domain/ports/crypto-backend';
import type { KeySpec } from '../../src/domain/specs';

export interface ContractSubject {
  readonly backend: CryptoBackend;
  /** Specs the backend must refuse to generate (kind 'unsupported'). */
  readonly unsupportedSpecs: readonly KeySpec[];
  /** Algorithms the backend must refuse (kind 'unsupported') on keys it does support. */
  readonly unsupportedAlgorithms: readonly (EncryptionAlgorithm | ImportWrappingAlgorithm)[];
  close(): Promise<void>;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

/** Resolves to the CryptoFailure kind the promise rejects with ('none' when it resolves, 'other' for other errors). */
async function failureKind(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (err) {
    return err instanceof CryptoFailure ? err.kind : `other: ${String(err)}`;
  }
}

/** Digest length and algorithm/spec fit are the domain's to check (SPECS); the suite does not rely on the backend's. */
export function backendContract(name: string, open: () => Promise<ContractSubject>): void {
  describe(`CryptoBackend contract: ${name}`, () => {
    let subject: ContractSubject;
    let b: CryptoBackend;
    const keys = new Map<KeySpec, KeyHandle>();
    const key = async (spec: KeySpec): Promise<KeyHandle> => {
      if (!keys.has(spec)) keys.set(spec, { spec, ref: await b.generate(spec) });
      return keys.get(spec)!;
    };
    const spki = async (k: KeyHandle) => createPublicKey({ key: await b.publicKey(k), format: 'der', type: 'spki' });

    beforeAll(async () => {
      subject = await open();
      b = subject.backend;
    });
    afterAll(() => subject?.close());

    test('random returns the requested number of bytes', () => {
      expect(b.random(32)).toHaveLength(32);
      expect(b.random(32).equals(b.random(32))).toBe(false);
    });

    describe.each(['Aliyun_AES_256', 'Aliyun_AES_192', 'Aliyun_AES_128'] as const)('%s', (spec) => {
      test('AES-GCM round trip with AAD, a 12-byte IV and a 16-byte tag', async () => {
        const k = await key(spec);
        const plaintext = randomBytes(1000);
        const sealed = await b.encrypt(k, plaintext, Buffer.from('ctx'));
        expect([sealed.iv.length, sealed.tag.length, sealed.ciphertext.length]).toEqual([12, 16, 1000]);
        expect(await b.decrypt(k, sealed, Buffer.from('ctx'))).toEqual(plaintext);
      });

      test('empty plaintext seals to a tag alone and opens again', async () => {
        const k = await key(spec);
        const sealed = await b.encrypt(k, Buffer.alloc(0), Buffer.alloc(0));
        expect(sealed.ciphertext).toHaveLength(0);
        expect(await b.decrypt(k, sealed, Buffer.alloc(0))).toEqual(Buffer.alloc(0));
      });

      test('a wrong AAD, tag, ciphertext or IV length is a decrypt failure', async () => {
        const k = await key(spec);
        const sealed = await b.encrypt(k, Buffer.from('secret'), Buffer.from('a'));
        const flipped = (buf: Buffer) => Buffer.from(buf.map((x, i) => (i === 0 ? x ^ 1 : x)));
        expect(await failureKind(b.decrypt(k, sealed, Buffer.from('b')))).toBe('decrypt');
        expect(await failureKind(b.decrypt(k, { ...sealed, tag: flipped(sealed.tag) }, Buffer.from('a')))).toBe('decrypt');
        expect(await failureKind(b.decrypt(k, { ...sealed, ciphertext: flipped(sealed.ciphertext) }, Buffer.from('a')))).toBe('decrypt');
        expect(await failureKind(b.decrypt(k, { ...sealed, iv: Buffer.alloc(16) }, Buffer.from('a')))).toBe('decrypt');
        // the key still works after the failures (no session left in a half-finished operation)
        expect(await b.decrypt(k, sealed, Buffer.from('a'))).toEqual(Buffer.from('secret'));
      });
    });

    describe.each(['RSA_2048', 'RSA_3072'] as const)('%s', (spec) => {
      const bytes = spec === 'RSA_2048' ? 256 : 384;

      test('public key is an SPKI of the right size', async () => {
        const pub = await spki(await key(spec));
        expect(pub.asymmetricKeyType).toBe('rsa');
        expect(pub.asymmetricKeyDetails?.modulusLength).toBe(bytes * 8);
      });

      test.each(['RSA_PKCS1_SHA_256', 'RSA_PSS_SHA_256'] as const)('%s signs a digest that node:crypto verifies', async (algorithm) => {
        const k = await key(spec);
        const message = randomBytes(100);
        const signature = await b.sign(k, algorithm, sha256(message));
        expect(signature).toHaveLength(bytes);
        const padding = algorithm === 'RSA_PSS_SHA_256' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
        expect(nodeVerify('sha256', message, { key: await spki(k), padding, saltLength: 32 }, signature)).toBe(true);
        expect(await b.verify(k, algorithm, sha256(message), signature)).toBe(true);
        expect(await b.verify(k, algorithm, sha256(randomBytes(5)), signature)).toBe(false);
        expect(await b.verify(k, algorithm, sha256(message), Buffer.from(signature.map((x, i) => (i === 9 ? x ^ 1 : x))))).toBe(false);
        expect(await b.verify(k, algorithm, sha256(message), signature.subarray(1))).toBe(false);
        expect(await b.verify(k, algorithm, sha256(message), Buffer.alloc(bytes, 0xff))).toBe(false);
      });
    });

    test('RSAES_OAEP_SHA_1: node encrypts to the public key, the backend decrypts; and the backend round trip', async () => {
      const k = await key('RSA_2048');
      const secret = randomBytes(32);
      const wrapped = publicEncrypt({ key: await spki(k), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, secret);
      expect(await b.asymmetricDecrypt(k, 'RSAES_OAEP_SHA_1', wrapped)).toEqual(secret);
      const ciphertext = await b.asymmetricEncrypt(k, 'RSAES_OAEP_SHA_1', secret);
      expect(await b.asymmetricDecrypt(k, 'RSAES_OAEP_SHA_1', ciphertext)).toEqual(secret);
      expect(await failureKind(b.asymmetricEncrypt(k, 'RSAES_OAEP_SHA_1', Buffer.alloc(215)))).toBe('input');
      expect(await failureKind(b.asymmetricDecrypt(k, 'RSAES_OAEP_SHA_1', randomBytes(256)))).toBe('decrypt');
      expect(await failureKind(b.asymmetricDecrypt(k, 'RSAES_OAEP_SHA_1', ciphertext.subarray(1)))).toBe('decrypt');
    });

    test('RSAES_OAEP_SHA_256 works, or is refused as unsupported where declared', async () => {
      const k = await key('RSA_2048');
      const secret = randomBytes(32);
      const wrapped = publicEncrypt({ key: await spki(k), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, secret);
      if (subject.unsupportedAlgorithms.includes('RSAES_OAEP_SHA_256')) {
        expect(await failureKind(b.asymmetricDecrypt(k, 'RSAES_OAEP_SHA_256', wrapped))).toBe('unsupported');
        expect(await failureKind(b.asymmetricEncrypt(k, 'RSAES_OAEP_SHA_256', secret))).toBe('unsupported');
        expect(await failureKind(b.asymmetricDecrypt(k, 'RSAES_OAEP_SHA_256', wrapped))).toBe('unsupported'); // remembered
      } else {
        expect(await b.asymmetricDecrypt(k, 'RSAES_OAEP_SHA_256', wrapped)).toEqual(secret);
        expect(await b.asymmetricDecrypt(k, 'RSAES_OAEP_SHA_256', await b.asymmetricEncrypt(k, 'RSAES_OAEP_SHA_256', secret))).toEqual(
          secret,
        );
      }
      // SHA-1 still works on the same key afterwards
      expect(await b.asymmetricDecrypt(k, 'RSAES_OAEP_SHA_1', await b.asymmetricEncrypt(k, 'RSAES_OAEP_SHA_1', secret))).toEqual(secret);
    });

    describe.each([
      ['EC_P256', 'prime256v1'],
      ['EC_P256K', 'secp256k1'],
    ] as const)('%s', (spec, curve) => {
      test('ECDSA_SHA_256 over a digest: DER signatures both ways with node:crypto', async () => {
        const k = await key(spec);
        const pub = await spki(k);
        expect(pub.asymmetricKeyDetails?.namedCurve).toBe(curve);
        const message = randomBytes(64);
        const signature = await b.sign(k, 'ECDSA_SHA_256', sha256(message));
        expect(signature[0]).toBe(0x30);
        expect(nodeVerify('sha256', message, pub, signature)).toBe(true);
        expect(await b.verify(k, 'ECDSA_SHA_256', sha256(message), signature)).toBe(true);
        expect(await b.verify(k, 'ECDSA_SHA_256', sha256(randomBytes(3)), signature)).toBe(false);
        expect(await b.verify(k, 'ECDSA_SHA_256', sha256(message), randomBytes(70))).toBe(false);
        expect(await b.verify(k, 'ECDSA_SHA_256', sha256(message), Buffer.alloc(0))).toBe(false);
      });
    });

    test('encryptToPublicKey encrypts to a caller RSA key for both OAEP hashes', async () => {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const der = publicKey.export({ type: 'spki', format: 'der' });
      for (const [algorithm, oaepHash] of [
        ['RSAES_OAEP_SHA_256', 'sha256'],
        ['RSAES_OAEP_SHA_1', 'sha1'],
      ] as const) {
        const ciphertext = await b.encryptToPublicKey(der, algorithm, Buffer.from('data key'));
        expect(privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, ciphertext).toString()).toBe(
          'data key',
        );
      }
      expect(await failureKind(b.encryptToPublicKey(Buffer.from('junk'), 'RSAES_OAEP_SHA_1', Buffer.from('x')))).toBe('input');
    });

    describe('importMaterial (BYOK)', () => {
      const wrap = async (wrappingKey: KeyHandle, algorithm: ImportWrappingAlgorithm, material: Buffer) => {
        const key = await spki(wrappingKey);
        if (algorithm === 'RSAES_PKCS1_V1_5') return publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, material);
        return publicEncrypt(
          { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: algorithm === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256' },
          material,
        );
      };

      test.each(['RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_256'] as const)(
        '%s: the imported key is exactly the material',
        async (algorithm) => {
          const wrappingKey = { spec: 'RSA_2048' as const, ref: await b.generate('RSA_2048') };
          const material = randomBytes(32);
          const imported = b.importMaterial('Aliyun_AES_256', wrappingKey, algorithm, await wrap(wrappingKey, algorithm, material));
          if (subject.unsupportedAlgorithms.includes(algorithm)) {
            expect(await failureKind(imported)).toBe('unsupported');
            return;
          }
          const k = { spec: 'Aliyun_AES_256' as const, ref: await imported };
          expect(typeof k.ref.fingerprint).toBe('string');
          // sealed by the backend, opened by node with the known material; and the other way round
          const sealed = await b.encrypt(k, Buffer.from('hello'), Buffer.from('aad'));
          const d = createDecipheriv('aes-256-gcm', material, sealed.iv).setAAD(Buffer.from('aad'));
          d.setAuthTag(sealed.tag);
          expect(Buffer.concat([d.update(sealed.ciphertext), d.final()]).toString()).toBe('hello');
          const iv = randomBytes(12);
          const c = createCipheriv('aes-256-gcm', material, iv).setAAD(Buffer.alloc(0));
          const ciphertext = Buffer.concat([c.update('from node'), c.final()]);
          expect((await b.decrypt(k, { iv, tag: c.getAuthTag(), ciphertext }, Buffer.alloc(0))).toString()).toBe('from node');
          await b.destroy(wrappingKey.ref);
        },
      );

      test('the same material gives the same fingerprint, other material another one', async () => {
        const wrappingKey = { spec: 'RSA_2048' as const, ref: await b.generate('RSA_2048') };
        const material = randomBytes(32);
        const importOnce = async (m: Buffer) =>
          (await b.importMaterial('Aliyun_AES_256', wrappingKey, 'RSAES_OAEP_SHA_1', await wrap(wrappingKey, 'RSAES_OAEP_SHA_1', m)))
            .fingerprint;
        const first = await importOnce(material);
        expect(await importOnce(material)).toBe(first);
        expect(await importOnce(randomBytes(32))).not.toBe(first);
      });

      test('wrong length or garbage is a material failure', async () => {
        const wrappingKey = { spec: 'RSA_2048' as const, ref: await b.generate('RSA_2048') };
        const short = await wrap(wrappingKey, 'RSAES_OAEP_SHA_1', randomBytes(16));
        expect(await failureKind(b.importMaterial('Aliyun_AES_256', wrappingKey, 'RSAES_OAEP_SHA_1', short))).toBe('material');
        expect(await failureKind(b.importMaterial('Aliyun_AES_256', wrappingKey, 'RSAES_OAEP_SHA_1', randomBytes(256)))).toBe('material');
      });
    });

    test('declared unsupported specs are refused as unsupported', async () => {
      for (const spec of subject.unsupportedSpecs) expect(await failureKind(b.generate(spec))).toBe('unsupported');
    });

    test('concurrent operations on several keys all succeed', async () => {
      const [aes, ec, rsa] = await Promise.all([key('Aliyun_AES_256'), key('EC_P256'), key('RSA_2048')]);
      const digest = sha256(Buffer.from('concurrent'));
      const results = await Promise.all([
        ...Array.from({ length: 60 }, async (_, i) => {
          const pt = Buffer.from(`message ${i}`);
          return (await b.decrypt(aes, await b.encrypt(aes, pt, Buffer.alloc(0)), Buffer.alloc(0))).equals(pt);
        }),
        ...Array.from({ length: 20 }, async () => b.verify(ec, 'ECDSA_SHA_256', digest, await b.sign(ec, 'ECDSA_SHA_256', digest))),
        ...Array.from({ length: 4 }, async () => b.verify(rsa, 'RSA_PSS_SHA_256', digest, await b.sign(rsa, 'RSA_PSS_SHA_256', digest))),
      ]);
      expect(results.every(Boolean)).toBe(true);
    });
  });
}
