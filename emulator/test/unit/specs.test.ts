/**
 * The key-spec registry is the one place a spec is described; these check that its rows agree with each other and
 * with the code that reads them (a new row that forgot a fact fails here, or does not compile).
 */
import { FAMILIES } from '../../src/crypto/software/families';
import { planFor } from '../../src/crypto/pkcs11/mechanisms';
import { CryptoFailure } from '../../src/domain/ports/crypto-backend';
import { ENCRYPTION_ALGORITHMS, KEY_SPECS, SIGNING_ALGORITHMS, specOf, BLOB_CIPHERS } from '../../src/domain/specs';

describe.each(KEY_SPECS)('%s', (spec) => {
  const row = specOf(spec);
  const family = FAMILIES[row.family];

  test('its software family has every operation its usages need', () => {
    if (row.kind === 'symmetric') expect([family.encrypt, family.decrypt].every(Boolean)).toBe(true);
    if (row.usages.includes('SIGN/VERIFY')) expect([family.sign, family.verify, family.publicKey].every(Boolean)).toBe(true);
    if (row.kind === 'asymmetric' && row.usages.includes('ENCRYPT/DECRYPT'))
      expect([family.asymmetricEncrypt, family.asymmetricDecrypt].every(Boolean)).toBe(true);
  });

  test('its algorithms belong to its family, and only its usages have any', () => {
    if (row.kind === 'symmetric') return;
    for (const a of row.algorithms['ENCRYPT/DECRYPT']) expect(ENCRYPTION_ALGORITHMS[a].family).toBe(row.family);
    for (const a of row.algorithms['SIGN/VERIFY']) expect(SIGNING_ALGORITHMS[a].family).toBe(row.family);
    for (const usage of ['ENCRYPT/DECRYPT', 'SIGN/VERIFY'] as const)
      expect(row.algorithms[usage].length > 0).toBe(row.usages.includes(usage));
  });

  test('generated material parses back as a key of the spec', async () => {
    const material = await family.generate(row);
    expect(() => family.parse(material, row)).not.toThrow();
  });

  test('a PKCS#11 plan exists exactly for the families PKCS#11 has mechanisms for', () => {
    if (row.family === 'sm2' || row.family === 'sm4') expect(() => planFor(spec)).toThrow(CryptoFailure);
    else expect(planFor(spec)).toBeDefined();
  });
});

test('each blob cipher id belongs to one symmetric family', () => {
  const familyOf = new Map<number, string>();
  for (const spec of KEY_SPECS) {
    const row = specOf(spec);
    if (row.kind !== 'symmetric') continue;
    expect(familyOf.get(row.blobCipher) ?? row.family).toBe(row.family);
    familyOf.set(row.blobCipher, row.family);
  }
  expect([...familyOf.keys()].sort()).toEqual(Object.values(BLOB_CIPHERS).sort());
});
