/**
 * Property tests for the data plane through the real HTTP path (ACS3 client, JSON EncryptionContext):
 * random plaintexts and contexts round-trip, a different context never decrypts, and any mutation of a blob
 * (bit flips, truncation, extension, splices) fails cleanly with a 4xx — never a 500, never a plaintext.
 */
import fc from 'fast-check';
import { decodeBlob } from '../../src/domain/blob';
import { KmsError } from '../../src/domain/errors';
import { acs3Client } from '../support/clients';
import { b64, unb64 } from '../support/crypto';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { wireError } from '../support/errors';

let emu: TestEmulator;
let acs3: ReturnType<typeof acs3Client>;
const keys: Record<string, string> = {};

useEmulator(async (e) => {
  emu = e;
  acs3 = acs3Client(emu);
  for (const spec of ['Aliyun_AES_256', 'Aliyun_SM4']) keys[spec] = (await acs3('CreateKey', { KeySpec: spec })).KeyMetadata.KeyId;
});

const plaintext = fc.uint8Array({ minLength: 1, maxLength: 6144 }).map((a) => Buffer.from(a));
const context = fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }), {
  nil: undefined,
});
const ctxParam = (c: Record<string, string> | undefined) => (c && Object.keys(c).length ? { EncryptionContext: JSON.stringify(c) } : {});
const sameContext = (a: Record<string, string> | undefined, b: Record<string, string> | undefined) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

/** The error status of `call`, or 200 when it succeeds. */
const statusOf = (call: Promise<unknown>) =>
  call.then(
    () => 200,
    (err: unknown) => wireError(err).status,
  );

describe.each(['Aliyun_AES_256', 'Aliyun_SM4'])('%s', (spec) => {
  test('random plaintexts and contexts round-trip; another context fails with 400', async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, context, context, async (pt, ctx, other) => {
        const enc = await acs3('Encrypt', { KeyId: keys[spec], Plaintext: b64(pt), ...ctxParam(ctx) });
        const dec = await acs3('Decrypt', { CiphertextBlob: enc.CiphertextBlob, ...ctxParam(ctx) });
        expect(unb64(dec.Plaintext)).toEqual(pt);
        if (!sameContext(ctx, other))
          expect(await statusOf(acs3('Decrypt', { CiphertextBlob: enc.CiphertextBlob, ...ctxParam(other) }))).toBe(400);
      }),
      { numRuns: 25 },
    );
  });

  test('any mutation of a blob fails cleanly with a 4xx', async () => {
    const enc = await acs3('Encrypt', { KeyId: keys[spec], Plaintext: b64('a secret worth protecting'), EncryptionContext: '{"k":"v"}' });
    const blob = unb64(enc.CiphertextBlob);
    const mutation = fc.oneof(
      fc.tuple(fc.nat(blob.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
        const b = Buffer.from(blob);
        b[i] ^= x;
        return b;
      }),
      fc.nat(blob.length - 1).map((n) => blob.subarray(0, n)),
      fc.uint8Array({ minLength: 1, maxLength: 32 }).map((extra) => Buffer.concat([blob, extra])),
      fc
        .tuple(fc.nat(blob.length - 1), fc.uint8Array({ minLength: 1, maxLength: 8 }))
        .map(([i, ins]) => Buffer.concat([blob.subarray(0, i), ins, blob.subarray(i)])),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (bad) => {
        fc.pre(bad.length > 0 && !bad.equals(blob));
        const status = await statusOf(acs3('Decrypt', { CiphertextBlob: b64(bad), EncryptionContext: '{"k":"v"}' }));
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });
});

test('the blob decoder answers any byte string with a blob or InvalidCiphertext, nothing else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, magic) => {
      const raw = magic ? Buffer.concat([Buffer.from('AKB\x01'), bytes]) : Buffer.from(bytes);
      try {
        decodeBlob(raw);
      } catch (err) {
        expect(err).toBeInstanceOf(KmsError);
        expect((err as KmsError).code).toBe('InvalidCiphertext');
      }
    }),
    { numRuns: 500 },
  );
});
