/** The emulator's backend with an HSM configured: material goes where `home` says, operations follow the ref. */
import { createHash } from 'node:crypto';
import { Pkcs11Backend } from '../../src/crypto/pkcs11/backend';
import { HsmRouter } from '../../src/crypto/pkcs11/hsm-router';
import { RootKey } from '../../src/crypto/root-key';
import { SoftwareBackend } from '../../src/crypto/software/backend';
import { createSoftHsm, type SoftHsm } from '../support/softhsm';

let hsm: SoftHsm;
let router: HsmRouter;

beforeAll(async () => {
  hsm = createSoftHsm('router');
  router = new HsmRouter(new SoftwareBackend(RootKey.loadOrCreate(undefined, undefined)), await Pkcs11Backend.open(hsm.options));
});

afterAll(async () => {
  await router?.close();
  hsm.remove();
});

test("home 'hsm' makes token keys, anything else software material; each key keeps working where it lives", async () => {
  const inToken = { spec: 'Aliyun_AES_256' as const, ref: await router.generate('Aliyun_AES_256', 'hsm') };
  const inSoftware = { spec: 'Aliyun_AES_256' as const, ref: await router.generate('Aliyun_AES_256', 'software') };
  expect([inToken.ref.backend, inSoftware.ref.backend, (await router.generate('EC_P256')).backend]).toEqual([
    'pkcs11',
    'software',
    'software',
  ]);
  for (const key of [inToken, inSoftware]) {
    const sealed = await router.encrypt(key, Buffer.from('routed'), Buffer.alloc(0));
    expect((await router.decrypt(key, sealed, Buffer.alloc(0))).toString()).toBe('routed');
  }
  // sealed by one store, never opened by the other
  const sealed = await router.encrypt(inToken, Buffer.from('x'), Buffer.alloc(0));
  await expect(router.decrypt(inSoftware, sealed, Buffer.alloc(0))).rejects.toMatchObject({ kind: 'decrypt' });
});

test('HSM gaps stay refusals through the router (no silent software fallback)', async () => {
  await expect(router.generate('Aliyun_SM4', 'hsm')).rejects.toMatchObject({ kind: 'unsupported' });
  const rsa = { spec: 'RSA_2048' as const, ref: await router.generate('RSA_2048', 'hsm') };
  await expect(router.asymmetricEncrypt(rsa, 'RSAES_OAEP_SHA_256', Buffer.from('x'))).rejects.toMatchObject({ kind: 'unsupported' });
  const digest = createHash('sha256').update('m').digest();
  expect(await router.verify(rsa, 'RSA_PSS_SHA_256', digest, await router.sign(rsa, 'RSA_PSS_SHA_256', digest))).toBe(true);
  await router.destroy(rsa.ref);
  await expect(router.sign(rsa, 'RSA_PSS_SHA_256', digest)).rejects.toThrow(/not in token "router"/);
});
