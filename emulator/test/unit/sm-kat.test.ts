/**
 * Known-answer tests for the ShangMi algorithms, from the standards' published examples:
 * SM3 (GB/T 32905-2016 A.1/A.2), SM4 (GB/T 32907-2016 A.1), SM4-GCM (RFC 8998 A.1, the GM/T test vector),
 * SM2 signature and encryption (GB/T 32918 / GM/T 0003.5-2012 examples on the recommended curve, ID 1234567812345678).
 * The SM2 and SM4-GCM vectors run through the emulator's own code (crypto/software/sm2.ts, sm4-gcm.ts).
 */
import { createCipheriv, createHash } from 'node:crypto';
import { sm2, sm4 } from 'sm-crypto-v2';
import { derSignature } from '../../src/crypto/software/families/ecdsa';
import { sm2Decrypt, sm2Key, sm2Sign, sm2Verify } from '../../src/crypto/software/families/sm2';
import { sm4GcmDecrypt, sm4GcmEncrypt, sm4Key } from '../../src/crypto/software/families/sm4-gcm';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

test('SM3: "abc" and the 512-bit "abcd"x16 examples', () => {
  expect(createHash('sm3').update('abc').digest('hex')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  expect(createHash('sm3').update('abcd'.repeat(16)).digest('hex')).toBe(
    'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
  );
});

test('SM4: GB/T 32907 example (key = plaintext = 0123456789abcdeffedcba9876543210)', () => {
  const key = hex('0123456789abcdeffedcba9876543210');
  const c = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
  expect(Buffer.concat([c.update(key), c.final()]).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
});

test('SM4-GCM: RFC 8998 A.1 vector, encrypt and decrypt', () => {
  const k = sm4Key(hex('0123456789ABCDEFFEDCBA9876543210'));
  const iv = hex('00001234567800000000ABCD');
  const aad = hex('FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2');
  const pt = hex(
    'AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA',
  );
  const sealed = sm4GcmEncrypt(k, pt, aad, iv);
  expect(sealed.ciphertext.toString('hex').toUpperCase()).toBe(
    '17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D',
  );
  expect(sealed.tag.toString('hex').toUpperCase()).toBe('83DE3541E4C2B58177E065A9BF7B62EC');
  expect(sm4GcmDecrypt(k, sealed, aad)).toEqual(pt);
  expect(() => sm4GcmDecrypt(k, { ...sealed, tag: Buffer.alloc(16) }, aad)).toThrow('authentication failed');
});

test('SM4-GCM agrees with sm-crypto-v2 for AAD and plaintext lengths off the block size', () => {
  for (let n = 0; n < 40; n += 7) {
    const key = Buffer.alloc(16, n + 1);
    const iv = Buffer.alloc(12, n + 2);
    const aad = Buffer.alloc(n, 3);
    const pt = Buffer.alloc(n * 3 + 1, 4);
    const ours = sm4GcmEncrypt(sm4Key(key), pt, aad, iv);
    const theirs = sm4.encrypt(pt, key, { mode: 'gcm', iv, associatedData: aad, output: 'array', outputTag: true });
    expect(Buffer.from(theirs.output).toString('hex')).toBe(ours.ciphertext.toString('hex'));
    expect(Buffer.from(theirs.tag!).toString('hex')).toBe(ours.tag.toString('hex'));
  }
});

// GM/T 0003.5-2012 / GB/T 32918.5 examples on the recommended curve.
const D = '3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8';
const PUBLIC =
  '04' +
  '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020' +
  'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13';
/** The example key as the PKCS#8 DER the software backend stores (node's encoding of an SM2 key). */
const PKCS8 = hex('308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420' + D + 'a144034200' + PUBLIC);

test('SM2: the example private key has the example public key', () => {
  expect(sm2.getPublicKeyFromPrivateKey(D.toLowerCase()).toUpperCase()).toBe(PUBLIC);
  expect(sm2Key(PKCS8).publicHex.toUpperCase()).toBe(PUBLIC);
});

test('SM2DSA: the example signature of "message digest" (ID 1234567812345678) verifies, and its k gives its r, s', () => {
  const key = sm2Key(PKCS8);
  const e = hex(sm2.getHash(Buffer.from('message digest').toString('hex'), PUBLIC.toLowerCase()));
  const r = 0xf5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3n;
  const s = 0xb1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aan;
  expect(sm2Verify(key, e, derSignature(r, s))).toBe(true);
  expect(sm2Verify(key, e, derSignature(r, s + 1n))).toBe(false);
  // Deterministic reproduction with the example's k: x1 of k·G comes from the curve, the rest from the library.
  const k = 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n;
  const kG = sm2.getPublicKeyFromPrivateKey(k.toString(16).padStart(64, '0'));
  const x1 = BigInt('0x' + kG.slice(2, 66));
  const sig = sm2.doSignature(new Uint8Array(e), D.toLowerCase(), { hash: false, der: true, pointPool: [{ k, x1 }] });
  expect(sig).toBe(derSignature(r, s).toString('hex'));
  // And the emulator's own (randomised) signatures over e verify under the example key.
  expect(sm2Verify(key, e, sm2Sign(key, e))).toBe(true);
});

test('SM2PKE: the example ciphertext of "encryption standard" decrypts', () => {
  const c1x = '04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73';
  const c1y = 'E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0';
  const c3 = '59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766';
  const c2 = '21886CA989CA9C7D58087307CA93092D651EFA';
  const int = (h: string) => {
    const b = hex(h);
    const v = b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
    return Buffer.concat([Buffer.from([2, v.length]), v]);
  };
  const oct = (h: string) => Buffer.concat([Buffer.from([4, hex(h).length]), hex(h)]);
  const body = Buffer.concat([int(c1x), int(c1y), oct(c3), oct(c2)]);
  const der = Buffer.concat([Buffer.from([0x30, body.length]), body]);
  expect(sm2Decrypt(sm2Key(PKCS8), der).toString()).toBe('encryption standard');
});
