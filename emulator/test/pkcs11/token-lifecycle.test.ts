/**
 * What only the PKCS#11 backend has: token objects, the handle cache, reconnecting after the library or the sessions
 * are gone, finding the same keys after C_Finalize, and the startup errors (pkcs11-softhsm.md §5).
 * One SoftHSM2 folder for the file (see support/softhsm.ts); a second token in it for the wrong-token cases.
 */
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import { CryptoFailure, type KeyHandle } from '../../src/domain/ports/crypto-backend';
import { Pkcs11Backend } from '../../src/crypto/pkcs11/backend';
import { Pkcs11KeyMissing, Pkcs11StartupError } from '../../src/crypto/pkcs11/errors';
import type { KeySpec } from '../../src/domain/specs';
import { createSoftHsm, type SoftHsm } from '../support/softhsm';

const digest = createHash('sha256').update('lifecycle').digest();
let hsm: SoftHsm;
let backend: Pkcs11Backend;
const open: Pkcs11Backend[] = [];
const openBackend = async (options = hsm.options) => {
  const b = await Pkcs11Backend.open(options);
  open.push(b);
  return b;
};
const handle = async (b: Pkcs11Backend, spec: KeySpec): Promise<KeyHandle> => ({ spec, ref: await b.generate(spec) });

/** A second, raw view of the same process-wide library, as another component (or an outage) would touch it. */
function rawLibrary(): { p11: pkcs11js.PKCS11; slot: Buffer } {
  const p11 = new pkcs11js.PKCS11();
  p11.load(hsm.module);
  try {
    p11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (err) {
    if (!/CKR_CRYPTOKI_ALREADY_INITIALIZED/.test((err as Error).message)) throw err;
  }
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === hsm.token)!;
  return { p11, slot };
}

/**
 * Counts C_FindObjectsInit calls. pkcs11js copies its methods onto each instance when it is constructed, so the
 * counter is installed on the native prototype before the backend creates its (process-wide) instance.
 */
let finds = 0;
const nativeProto = Object.getPrototypeOf(pkcs11js.PKCS11.prototype) as { C_FindObjectsInit: (...a: unknown[]) => void };
const nativeFindObjectsInit = nativeProto.C_FindObjectsInit;
nativeProto.C_FindObjectsInit = function (this: unknown, ...args: unknown[]) {
  finds++;
  return nativeFindObjectsInit.apply(this, args);
};
async function countFinds(fn: () => Promise<unknown>): Promise<number> {
  const before = finds;
  await fn();
  return finds - before;
}

beforeAll(async () => {
  hsm = createSoftHsm('lifecycle');
  hsm.addToken('other');
  backend = await openBackend();
});

afterAll(async () => {
  for (const b of open) await b.close();
  hsm.remove();
  nativeProto.C_FindObjectsInit = nativeFindObjectsInit;
});

test('keys are sensitive, non-extractable token objects found by CKA_ID; the ref holds no key material', async () => {
  const key = await handle(backend, 'Aliyun_AES_256');
  expect(Object.keys(key.ref).sort()).toEqual(['backend', 'id', 'token']);
  expect(key.ref).toEqual({ backend: 'pkcs11', id: expect.stringMatching(/^[0-9a-f]{32}$/), token: 'lifecycle' });
  const { p11, slot } = rawLibrary();
  const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  p11.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_ID, value: Buffer.from(key.ref.id as string, 'hex') }]);
  const [object, ...more] = p11.C_FindObjects(session, 10);
  p11.C_FindObjectsFinal(session);
  expect(more).toHaveLength(0);
  const attrs = p11.C_GetAttributeValue(session, object, [
    { type: pkcs11js.CKA_TOKEN },
    { type: pkcs11js.CKA_SENSITIVE },
    { type: pkcs11js.CKA_EXTRACTABLE },
    { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
  ]);
  expect(attrs.map((a) => a.value[0])).toEqual([1, 1, 0, 1]);
  expect(() => p11.C_GetAttributeValue(session, object, [{ type: pkcs11js.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
  p11.C_CloseSession(session);
});

test('handles are cached: after the first lookup, operations search the token no more', async () => {
  const aes = await handle(backend, 'Aliyun_AES_256');
  const sealed = await backend.encrypt(aes, Buffer.from('x'), Buffer.alloc(0));
  // the generating backend knows the handles already
  expect(
    await countFinds(() => Promise.all(Array.from({ length: 10 }, () => backend.encrypt(aes, Buffer.from('y'), Buffer.alloc(0))))),
  ).toBe(0);
  // a second backend resolves the key once, then reuses the handle
  const second = await openBackend();
  expect(await countFinds(() => second.decrypt(aes, sealed, Buffer.alloc(0)))).toBe(1);
  expect(await countFinds(() => Promise.all(Array.from({ length: 10 }, () => second.decrypt(aes, sealed, Buffer.alloc(0)))))).toBe(0);
});

test('all sessions closed under it (logged out, handles invalid): the backend re-initialises and every call succeeds', async () => {
  const aes = await handle(backend, 'Aliyun_AES_256');
  const ec = await handle(backend, 'EC_P256');
  const sealed = await backend.encrypt(aes, Buffer.from('survives'), Buffer.from('aad'));
  const { p11, slot } = rawLibrary();
  p11.C_CloseAllSessions(slot);
  let results: Buffer[] = [];
  const searches = await countFinds(async () => {
    results = await Promise.all([
      ...Array.from({ length: 20 }, () => backend.decrypt(aes, sealed, Buffer.from('aad'))),
      backend.sign(ec, 'ECDSA_SHA_256', digest),
    ]);
  });
  expect(searches).toBeGreaterThan(0); // the handle cache died with the sessions and was rebuilt
  expect(results.slice(0, 20).every((pt) => pt.toString() === 'survives')).toBe(true);
  expect(await backend.verify(ec, 'ECDSA_SHA_256', digest, results[20])).toBe(true);
});

test('the library finalised under it: the backend re-initialises, and another backend on it reconnects too', async () => {
  const second = await openBackend();
  const aes = await handle(backend, 'Aliyun_AES_128');
  const sealed = await backend.encrypt(aes, Buffer.from('after finalize'), Buffer.alloc(0));
  rawLibrary().p11.C_Finalize();
  expect(
    await countFinds(async () => expect((await backend.decrypt(aes, sealed, Buffer.alloc(0))).toString()).toBe('after finalize')),
  ).toBe(1);
  expect((await second.decrypt(aes, sealed, Buffer.alloc(0))).toString()).toBe('after finalize');
});

test('a fresh copy of the backend module after C_Finalize finds the same token keys by CKA_ID', async () => {
  const aes = await handle(backend, 'Aliyun_AES_256');
  const rsa = await handle(backend, 'RSA_2048');
  const ec = await handle(backend, 'EC_P256K');
  const sealed = await backend.encrypt(aes, Buffer.from('kept in the token'), Buffer.from('ctx'));
  const rsaSignature = await backend.sign(rsa, 'RSA_PSS_SHA_256', digest);
  const ecPublicKey = await backend.publicKey(ec);
  for (const b of open.splice(0)) await b.close(); // the last close calls C_Finalize

  // As a restarted emulator would: new module state (fresh singleton), C_Initialize, login, find by CKA_ID.
  let Fresh!: typeof Pkcs11Backend;
  jest.isolateModules(
    () => (Fresh = (require('../../src/crypto/pkcs11/backend') as typeof import('../../src/crypto/pkcs11/backend')).Pkcs11Backend),
  );
  const restarted = await Fresh.open(hsm.options);
  try {
    expect((await restarted.decrypt(aes, sealed, Buffer.from('ctx'))).toString()).toBe('kept in the token');
    expect(await restarted.verify(rsa, 'RSA_PSS_SHA_256', digest, rsaSignature)).toBe(true);
    expect(await restarted.publicKey(ec)).toEqual(ecPublicKey);
    const signature = await restarted.sign(ec, 'ECDSA_SHA_256', digest);
    expect(
      nodeVerify('sha256', Buffer.from('lifecycle'), createPublicKey({ key: ecPublicKey, format: 'der', type: 'spki' }), signature),
    ).toBe(true);
    await expect(backend.verify(ec, 'ECDSA_SHA_256', digest, signature)).rejects.toThrow(/backend closed/);
  } finally {
    await restarted.close();
  }
  backend = await openBackend();
});

test('destroy removes every token object of the key; using it afterwards fails clearly; destroying again is fine', async () => {
  const rsa = await handle(backend, 'RSA_2048');
  await backend.sign(rsa, 'RSA_PKCS1_SHA_256', digest);
  await backend.destroy(rsa.ref);
  const { p11, slot } = rawLibrary();
  const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  p11.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_ID, value: Buffer.from(rsa.ref.id as string, 'hex') }]);
  expect(p11.C_FindObjects(session, 10)).toHaveLength(0);
  p11.C_FindObjectsFinal(session);
  p11.C_CloseSession(session);
  await expect(backend.sign(rsa, 'RSA_PKCS1_SHA_256', digest)).rejects.toThrow(Pkcs11KeyMissing);
  await expect(backend.destroy(rsa.ref)).resolves.toBeUndefined();
});

test('a key destroyed through another backend: the stale cached handle is dropped and the key reported missing', async () => {
  const aes = await handle(backend, 'Aliyun_AES_256');
  const other = await openBackend();
  await other.destroy(aes.ref);
  await expect(backend.encrypt(aes, Buffer.from('x'), Buffer.alloc(0))).rejects.toThrow(Pkcs11KeyMissing);
});

test('own input checks: digest size, algorithm for the spec, public key of a secret key, foreign refs', async () => {
  const rsa = await handle(backend, 'RSA_2048');
  const aes = await handle(backend, 'Aliyun_AES_256');
  const kind = (p: Promise<unknown>) =>
    p.then(
      () => 'none',
      (e: unknown) => (e instanceof CryptoFailure ? e.kind : String(e)),
    );
  expect(await kind(backend.sign(rsa, 'RSA_PSS_SHA_256', Buffer.alloc(20)))).toBe('input');
  expect(await kind(backend.sign(rsa, 'ECDSA_SHA_256', digest))).toBe('input');
  expect(await kind(backend.publicKey(aes))).toBe('input');
  expect(await kind(backend.encrypt(rsa, Buffer.from('x'), Buffer.alloc(0)))).toBe('input');
  expect(await kind(backend.asymmetricEncrypt(rsa, 'SM2PKE', Buffer.from('x')))).toBe('input');
  expect(await kind(backend.encryptToPublicKey(Buffer.alloc(0), 'SM2PKE', Buffer.from('x')))).toBe('unsupported');
  expect(await kind(backend.importMaterial('EC_P256', rsa, 'RSAES_OAEP_SHA_1', Buffer.alloc(256)))).toBe('unsupported');
  expect(await kind(backend.importMaterial('Aliyun_SM4', rsa, 'RSAES_OAEP_SHA_1', Buffer.alloc(256)))).toBe('unsupported');
  await expect(backend.encrypt({ ...aes, ref: { ...aes.ref, token: 'other' } }, Buffer.from('x'), Buffer.alloc(0))).rejects.toThrow(
    /lives in PKCS#11 token "other", this emulator uses "lifecycle"/,
  );
  await expect(
    backend.encrypt({ ...aes, ref: { backend: 'software', wrapped: 'abc' } }, Buffer.from('x'), Buffer.alloc(0)),
  ).rejects.toThrow(/not PKCS#11 material/);
});

describe('startup stops with a clear message', () => {
  test('wrong PIN', async () => {
    await expect(Pkcs11Backend.open({ ...hsm.options, pin: '0000' })).rejects.toThrow(Pkcs11StartupError);
    await expect(Pkcs11Backend.open({ ...hsm.options, pin: '0000' })).rejects.toThrow(/login to token "lifecycle" failed: wrong PIN/);
    await expect(Pkcs11Backend.open({ ...hsm.options, token: 'other', pin: '0000' })).rejects.toThrow(/wrong PIN/);
  });

  test('missing token', async () => {
    await expect(Pkcs11Backend.open({ ...hsm.options, token: 'nope' })).rejects.toThrow(
      /token "nope" not found .*tokens present: .*"lifecycle"/,
    );
  });

  test('missing module', async () => {
    await expect(Pkcs11Backend.open({ ...hsm.options, module: '/nonexistent/libpkcs11.so' })).rejects.toThrow(
      /PKCS#11 module not found: \/nonexistent/,
    );
  });

  test('a second token in the same module works with its own PIN, and the first backend is unaffected', async () => {
    const other = await openBackend({ ...hsm.options, token: 'other' });
    const key = await handle(other, 'EC_P256');
    expect(await other.verify(key, 'ECDSA_SHA_256', digest, await other.sign(key, 'ECDSA_SHA_256', digest))).toBe(true);
    const aes = await handle(backend, 'Aliyun_AES_256');
    expect(await backend.decrypt(aes, await backend.encrypt(aes, Buffer.from('ok'), Buffer.alloc(0)), Buffer.alloc(0))).toEqual(
      Buffer.from('ok'),
    );
  });
});
