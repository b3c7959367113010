/**
 * BYOK (kms-openapi.md §3.7) through the official 1.2.0 client: EXTERNAL keys start in PendingImport; material
 * wrapped by node:crypto (RSA OAEP SHA-256 / SHA-1 / PKCS#1 v1.5) or sm-crypto-v2 (SM2PKE) is imported and really
 * used; token, length, expiry and re-import rules; DeleteKeyMaterial; material never at rest in the clear.
 */
import * as $Kms from '@alicloud/kms20160120';
import { constants, createDecipheriv, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import { LIMITS } from '../../src/domain/limits';
import { diskText } from '../support/disk';
import { kmsClient } from '../support/clients';
import { b64, createKey, unb64 } from '../support/crypto';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';

let emu: TestEmulator;
let kms: ReturnType<typeof kmsClient>;
useEmulator((e) => {
  emu = e;
  kms = kmsClient(emu);
});

const PADDING = {
  RSAES_OAEP_SHA_256: { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
  RSAES_OAEP_SHA_1: { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
  RSAES_PKCS1_V1_5: { padding: constants.RSA_PKCS1_PADDING },
} as const;

async function parameters(keyId: string, wrappingAlgorithm: string, wrappingKeySpec = 'RSA_2048') {
  return kms.getParametersForImport(new $Kms.GetParametersForImportRequest({ keyId, wrappingAlgorithm, wrappingKeySpec }));
}

/** `material` wrapped as the client would, for the parameters GetParametersForImport gave. */
function wrap(p: { publicKey: string }, algorithm: string, material: Buffer): string {
  const der = unb64(p.publicKey);
  if (algorithm === 'SM2PKE')
    return b64(
      Buffer.from(sm2.doEncrypt(new Uint8Array(material), der.subarray(der.length - 65).toString('hex'), 1, { asn1: true }), 'hex'),
    );
  return b64(
    publicEncrypt(
      { key: createPublicKey({ key: der, format: 'der', type: 'spki' }), ...PADDING[algorithm as keyof typeof PADDING] },
      material,
    ),
  );
}

const importMaterial = (keyId: string, importToken: string, encryptedKeyMaterial: string, keyMaterialExpireUnix = 0) =>
  kms.importKeyMaterial(new $Kms.ImportKeyMaterialRequest({ keyId, importToken, encryptedKeyMaterial, keyMaterialExpireUnix }));
const describe_ = (keyId: string) => kms.describeKey(new $Kms.DescribeKeyRequest({ keyId })).then((r) => r.keyMetadata);
const encrypt = (keyId: string, text: string) => kms.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: b64(text) }));

/** Opens our blob format with the imported material directly: proof the key really uses what was imported. */
function openBlob(blob: string, material: Buffer): string {
  const raw = unb64(blob);
  const headerEnd = 5 + 1 + raw[5] + 1 + raw[6 + raw[5]];
  const iv = raw.subarray(headerEnd, headerEnd + 12);
  const d = createDecipheriv('aes-256-gcm', material, iv).setAAD(Buffer.concat([raw.subarray(0, headerEnd), Buffer.from('{}')]));
  d.setAuthTag(raw.subarray(headerEnd + 12, headerEnd + 28));
  return Buffer.concat([d.update(raw.subarray(headerEnd + 28)), d.final()]).toString();
}

describe.each(Object.keys(PADDING))('RSA_2048 / %s', (algorithm) => {
  test('import makes the key Enabled and it encrypts with exactly that material', async () => {
    const { keyId } = await createKey(kms, 'Aliyun_AES_256', undefined, 'EXTERNAL');
    expect((await describe_(keyId)).keyState).toBe('PendingImport');
    await expectError(encrypt(keyId, 'x'), 'Rejected.PendingImport', 409);
    const p = await parameters(keyId, algorithm);
    expect(p.keyId).toBe(keyId);
    expect(Date.parse(p.tokenExpireTime) - emu.clock.now()).toBeGreaterThan(23.9 * 3600e3);
    const material = randomBytes(32);
    await importMaterial(keyId, p.importToken, wrap(p, algorithm, material));
    expect((await describe_(keyId)).keyState).toBe('Enabled');
    const enc = await encrypt(keyId, 'imported');
    expect(openBlob(enc.ciphertextBlob, material)).toBe('imported');
    expect(diskText(emu.dataFile)).not.toContain(material.toString('base64'));
  });
});

test('EC_SM2 / SM2PKE wrapping for an Aliyun_SM4 key', async () => {
  const { keyId } = await createKey(kms, 'Aliyun_SM4', undefined, 'EXTERNAL');
  const p = await parameters(keyId, 'SM2PKE', 'EC_SM2');
  await importMaterial(keyId, p.importToken, wrap(p, 'SM2PKE', randomBytes(16)));
  const enc = await encrypt(keyId, 'sm4');
  expect(unb64((await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: enc.ciphertextBlob }))).plaintext).toString()).toBe('sm4');
});

test('DeleteKeyMaterial returns the key to PendingImport; only the same material may come back', async () => {
  const { keyId } = await createKey(kms, 'Aliyun_AES_256', undefined, 'EXTERNAL');
  const material = randomBytes(32);
  const p = await parameters(keyId, 'RSAES_OAEP_SHA_256');
  await importMaterial(keyId, p.importToken, wrap(p, 'RSAES_OAEP_SHA_256', material));
  const enc = await encrypt(keyId, 'before');
  await kms.deleteKeyMaterial(new $Kms.DeleteKeyMaterialRequest({ keyId }));
  expect((await describe_(keyId)).keyState).toBe('PendingImport');
  await expectError(kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: enc.ciphertextBlob })), 'Rejected.PendingImport', 409);
  await expectError(importMaterial(keyId, p.importToken, wrap(p, 'RSAES_OAEP_SHA_256', randomBytes(32))), 'InvalidKeyMaterial', 400);
  await importMaterial(keyId, p.importToken, wrap(p, 'RSAES_OAEP_SHA_256', material));
  expect(unb64((await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: enc.ciphertextBlob }))).plaintext).toString()).toBe('before');
});

test('wrapping keys of dropped import tokens, deleted material and refused material are destroyed in the backend', async () => {
  // Software material is only ever wrapped in the record, but an HSM keeps each of these as a token object.
  const destroyed: unknown[] = [];
  const destroy = jest.spyOn(emu.crypto, 'destroy').mockImplementation(async (ref) => void destroyed.push(ref));
  try {
    const { keyId } = await createKey(kms, 'Aliyun_AES_256', undefined, 'EXTERNAL');
    const first = await parameters(keyId, 'RSAES_OAEP_SHA_256');
    const firstWrappingKey = (await emu.store.getKey(keyId))!.importTokens![0].wrappingKey;
    let p = first;
    for (let i = 0; i < LIMITS.importTokensPerKey; i++) p = await parameters(keyId, 'RSAES_OAEP_SHA_256');
    expect(destroyed).toEqual([firstWrappingKey]); // pushed out by the newest tokens

    const material = randomBytes(32);
    await importMaterial(keyId, p.importToken, wrap(p, 'RSAES_OAEP_SHA_256', material));
    const imported = (await emu.store.getKey(keyId))!.versions[0].material;
    await kms.deleteKeyMaterial(new $Kms.DeleteKeyMaterialRequest({ keyId }));
    expect(destroyed).toContainEqual(imported);

    destroyed.length = 0;
    await expectError(importMaterial(keyId, p.importToken, wrap(p, 'RSAES_OAEP_SHA_256', randomBytes(32))), 'InvalidKeyMaterial', 400);
    expect(destroyed).toHaveLength(1); // the other material, unwrapped and then refused
    expect((await emu.store.getKey(keyId))!.versions[0].material).toBeUndefined();
  } finally {
    destroy.mockRestore();
  }
});

test('KeyMaterialExpireUnix: shown by DescribeKey, then the key is unusable once it passes', async () => {
  const { keyId } = await createKey(kms, 'Aliyun_AES_128', undefined, 'EXTERNAL');
  const p = await parameters(keyId, 'RSAES_OAEP_SHA_1');
  const nowSec = Math.floor(emu.clock.now() / 1000);
  await expectError(
    importMaterial(keyId, p.importToken, wrap(p, 'RSAES_OAEP_SHA_1', randomBytes(16)), nowSec - 10),
    'InvalidParameter',
    400,
  );
  await importMaterial(keyId, p.importToken, wrap(p, 'RSAES_OAEP_SHA_1', randomBytes(16)), nowSec + 3600);
  expect((await describe_(keyId)).materialExpireTime).toBe(new Date((nowSec + 3600) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  await encrypt(keyId, 'ok');
  emu.clock.advance(2 * 3600e3);
  await expectError(encrypt(keyId, 'too late'), 'Rejected.PendingImport', 409);
  expect((await describe_(keyId)).keyState).toBe('PendingImport');
});

test("import tokens: wrong, another key's, expired; material of the wrong length or garbage", async () => {
  const a = await createKey(kms, 'Aliyun_AES_256', undefined, 'EXTERNAL');
  const b = await createKey(kms, 'Aliyun_AES_256', undefined, 'EXTERNAL');
  const pa = await parameters(a.keyId, 'RSAES_OAEP_SHA_256');
  const pb = await parameters(b.keyId, 'RSAES_OAEP_SHA_256');
  expect(pa.publicKey).not.toBe(pb.publicKey);
  const good = wrap(pa, 'RSAES_OAEP_SHA_256', randomBytes(32));
  await expectError(importMaterial(a.keyId, 'bm90IGEgdG9rZW4=', good), 'InvalidImportToken', 400);
  await expectError(importMaterial(a.keyId, pb.importToken, good), 'InvalidImportToken', 400);
  await expectError(importMaterial(a.keyId, pa.importToken, wrap(pa, 'RSAES_OAEP_SHA_256', randomBytes(16))), 'InvalidKeyMaterial', 400);
  await expectError(importMaterial(a.keyId, pa.importToken, b64(randomBytes(256))), 'InvalidKeyMaterial', 400);
  await expectError(importMaterial(a.keyId, pa.importToken, wrap(pb, 'RSAES_OAEP_SHA_256', randomBytes(32))), 'InvalidKeyMaterial', 400);
  emu.clock.advance(25 * 3600e3);
  await expectError(importMaterial(a.keyId, pa.importToken, good), 'ExpiredImportToken', 400);
});

test('wrong origins, specs and states', async () => {
  const native = await createKey(kms, 'Aliyun_AES_256');
  await expectError(parameters(native.keyId, 'RSAES_OAEP_SHA_256'), 'Unsupported.Origin', 400);
  await expectError(kms.deleteKeyMaterial(new $Kms.DeleteKeyMaterialRequest({ keyId: native.keyId })), 'Unsupported.Origin', 400);
  const ext = await createKey(kms, 'Aliyun_AES_256', undefined, 'EXTERNAL');
  await expectError(parameters(ext.keyId, 'SM2PKE', 'RSA_2048'), 'InvalidParameter', 400);
  await expectError(parameters(ext.keyId, 'RSAES_OAEP_SHA_256', 'RSA_4096'), 'InvalidParameter', 400);
  await expectError(kms.createKey(new $Kms.CreateKeyRequest({ keySpec: 'RSA_2048', origin: 'EXTERNAL' })), 'Unsupported.Origin', 400);
  const p = await parameters(ext.keyId, 'RSAES_OAEP_SHA_256');
  await kms.scheduleKeyDeletion(new $Kms.ScheduleKeyDeletionRequest({ keyId: ext.keyId, pendingWindowInDays: 7 }));
  await parameters(ext.keyId, 'RSAES_OAEP_SHA_256'); // every state (§3.4)
  await expectError(
    importMaterial(ext.keyId, p.importToken, wrap(p, 'RSAES_OAEP_SHA_256', randomBytes(32))),
    'Rejected.StateModifiedFailed',
    409,
  );
  await kms.deleteKeyMaterial(new $Kms.DeleteKeyMaterialRequest({ keyId: ext.keyId }));
  expect((await describe_(ext.keyId)).keyState).toBe('PendingDeletion');
});
