/**
 * Imported material past KeyMaterialExpireUnix: once the clock passes it the key is PendingImport (DescribeKey shows
 * it without any cryptographic call), and importing the same material again brings the key back.
 */
import * as $Kms from '@alicloud/kms20160120';
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { kmsClient } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';

let emu: TestEmulator;
let kms: ReturnType<typeof kmsClient>;
useEmulator(
  (e) => {
    emu = e;
    kms = kmsClient(emu);
  },
  { schedulerIntervalMs: 0 },
);

async function importMaterial(keyId: string, material: Buffer, expireUnix: number) {
  const p = await kms.getParametersForImport(
    new $Kms.GetParametersForImportRequest({ keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' }),
  );
  const wrapped = publicEncrypt(
    {
      key: createPublicKey({ key: Buffer.from(p.publicKey, 'base64'), format: 'der', type: 'spki' }),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
    },
    material,
  );
  await kms.importKeyMaterial(
    new $Kms.ImportKeyMaterialRequest({
      keyId,
      importToken: p.importToken,
      encryptedKeyMaterial: wrapped.toString('base64'),
      keyMaterialExpireUnix: expireUnix,
    }),
  );
}

test('expired material makes the key PendingImport until the same material is imported again', async () => {
  const { keyId } = (await kms.createKey(new $Kms.CreateKeyRequest({ origin: 'EXTERNAL' }))).keyMetadata;
  const material = randomBytes(32);
  const expiresAt = Math.floor(emu.clock.now() / 1000) + 3600;
  await importMaterial(keyId, material, expiresAt);
  const sealed = await kms.encrypt(new $Kms.EncryptRequest({ keyId, plaintext: 'aGVsbG8=' }));

  const res = await fetch(`${emu.endpoint}/_alikms/clock`, {
    method: 'POST',
    headers: { authorization: 'Basic ' + Buffer.from('test:test').toString('base64'), 'content-type': 'application/json' },
    body: JSON.stringify({ advance: '2h' }),
  });
  const { events } = (await res.json()) as { events: { kind: string; keyId: string; at: string }[] };
  expect(events).toEqual([{ kind: 'expireMaterial', keyId, at: new Date(expiresAt * 1000).toISOString().replace('.000Z', 'Z') }]);
  expect((await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata.keyState).toBe('PendingImport');
  await expect(kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: sealed.ciphertextBlob }))).rejects.toMatchObject({
    code: 'Rejected.PendingImportError',
  });

  await expect(importMaterial(keyId, randomBytes(32), 0)).rejects.toMatchObject({ code: 'InvalidKeyMaterialError' });
  await importMaterial(keyId, material, 0);
  expect((await kms.describeKey(new $Kms.DescribeKeyRequest({ keyId }))).keyMetadata.keyState).toBe('Enabled');
  expect((await kms.decrypt(new $Kms.DecryptRequest({ ciphertextBlob: sealed.ciphertextBlob }))).plaintext).toBe('aGVsbG8=');
});
