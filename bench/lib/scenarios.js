'use strict';
/**
 * What is measured. Each scenario builds its fixed request parameters in `setup` (creating keys through the API)
 * and checks one real answer in `check` before it is loaded. A scenario whose action answers InvalidApi.NotFound
 * (not implemented yet), or whose setup needs an action that is not there, is skipped with the reason.
 */
const crypto = require('node:crypto');
const { callOk } = require('./call');

const PLAINTEXT = crypto.randomBytes(1024);
const PLAINTEXT_B64 = PLAINTEXT.toString('base64');
const MESSAGE = Buffer.from('alikms benchmark message');
const DIGEST_B64 = crypto.createHash('sha256').update(MESSAGE).digest('base64');
const SECRET32 = crypto.randomBytes(32);

/** Setup context: keys are created once per (spec, usage) and shared. */
function context(port) {
  const keys = new Map();
  const publicKeys = new Map();
  const ctx = {
    port,
    call: (action, params) => callOk(port, action, params),
    async key(spec, usage) {
      const id = `${spec}/${usage}`;
      if (!keys.has(id))
        keys.set(
          id,
          ctx.call('CreateKey', { KeySpec: spec, KeyUsage: usage, Description: 'alikms bench' }).then((r) => r.KeyMetadata),
        );
      return keys.get(id);
    },
    async publicKey(meta) {
      if (!publicKeys.has(meta.KeyId))
        publicKeys.set(
          meta.KeyId,
          ctx.call('GetPublicKey', { KeyId: meta.KeyId, KeyVersionId: meta.PrimaryKeyVersion }).then((r) => r.PublicKey),
        );
      return publicKeys.get(meta.KeyId);
    },
  };
  return ctx;
}

const b64eq = (a, buf) => typeof a === 'string' && Buffer.from(a, 'base64').equals(buf);

/** Verifies a signature over MESSAGE with the key's public key, when GetPublicKey answers. */
async function verifySignature(ctx, meta, body, options = {}) {
  let pem;
  try {
    pem = await ctx.publicKey(meta);
  } catch (e) {
    return `answered 200; signature not verified (GetPublicKey: ${e.message})`;
  }
  try {
    if (crypto.verify('sha256', MESSAGE, { key: pem, ...options }, Buffer.from(String(body.Value), 'base64'))) return undefined;
  } catch {}
  return 'signature does not verify against GetPublicKey';
}

const encryptParams = async (ctx) => ({ KeyId: (await ctx.key('Aliyun_AES_256', 'ENCRYPT/DECRYPT')).KeyId, Plaintext: PLAINTEXT_B64 });

const SCENARIOS = [
  {
    id: 'baseline-encrypt',
    label: 'baseline: node:http Encrypt 1 KiB',
    target: 'baseline',
    action: 'Encrypt',
    setup: async () => ({ KeyId: 'key-baseline0000000000000', Plaintext: PLAINTEXT_B64 }),
    check: (body) => (typeof body.CiphertextBlob === 'string' ? undefined : 'no CiphertextBlob'),
  },
  {
    id: 'encrypt',
    label: 'Encrypt 1 KiB (Aliyun_AES_256)',
    action: 'Encrypt',
    setup: encryptParams,
    check: (body) => (typeof body.CiphertextBlob === 'string' ? undefined : 'no CiphertextBlob'),
  },
  {
    // The same Encrypt against an emulator with nothing on disk (--in-memory): what persisting nonces costs.
    id: 'encrypt-in-memory',
    label: 'Encrypt 1 KiB, state and nonces in memory (--in-memory)',
    target: 'memory',
    action: 'Encrypt',
    setup: encryptParams,
    check: (body) => (typeof body.CiphertextBlob === 'string' ? undefined : 'no CiphertextBlob'),
  },
  {
    // The same Encrypt against an emulator started with --no-metrics: what collecting metrics costs the API.
    id: 'encrypt-no-metrics',
    label: 'Encrypt 1 KiB, metrics off (--no-metrics)',
    target: 'nometrics',
    action: 'Encrypt',
    setup: encryptParams,
    check: (body) => (typeof body.CiphertextBlob === 'string' ? undefined : 'no CiphertextBlob'),
  },
  {
    id: 'decrypt',
    label: 'Decrypt 1 KiB (Aliyun_AES_256)',
    action: 'Decrypt',
    setup: async (ctx) => ({ CiphertextBlob: (await ctx.call('Encrypt', await encryptParams(ctx))).CiphertextBlob }),
    check: (body) =>
      b64eq(body.Plaintext, PLAINTEXT) || body.Plaintext === PLAINTEXT_B64 ? undefined : 'Plaintext differs from what was encrypted',
  },
  {
    id: 'generate-data-key',
    label: 'GenerateDataKey (AES_256)',
    action: 'GenerateDataKey',
    setup: async (ctx) => ({ KeyId: (await ctx.key('Aliyun_AES_256', 'ENCRYPT/DECRYPT')).KeyId }),
    check: (body) =>
      typeof body.Plaintext === 'string' && Buffer.from(body.Plaintext, 'base64').length === 32 && body.CiphertextBlob
        ? undefined
        : 'no 32-byte data key',
  },
  {
    id: 'sign-ec-p256',
    label: 'AsymmetricSign EC_P256 ECDSA_SHA_256',
    action: 'AsymmetricSign',
    async setup(ctx) {
      this.meta = await ctx.key('EC_P256', 'SIGN/VERIFY');
      return { KeyId: this.meta.KeyId, KeyVersionId: this.meta.PrimaryKeyVersion, Algorithm: 'ECDSA_SHA_256', Digest: DIGEST_B64 };
    },
    check(body, ctx) {
      return verifySignature(ctx, this.meta, body);
    },
  },
  {
    id: 'sign-rsa-2048',
    label: 'AsymmetricSign RSA_2048 RSA_PSS_SHA_256',
    action: 'AsymmetricSign',
    async setup(ctx) {
      this.meta = await ctx.key('RSA_2048', 'SIGN/VERIFY');
      return { KeyId: this.meta.KeyId, KeyVersionId: this.meta.PrimaryKeyVersion, Algorithm: 'RSA_PSS_SHA_256', Digest: DIGEST_B64 };
    },
    check(body, ctx) {
      return verifySignature(ctx, this.meta, body, {
        padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO,
      });
    },
  },
  {
    id: 'asym-decrypt-rsa-2048',
    label: 'AsymmetricDecrypt RSA_2048 RSAES_OAEP_SHA_256',
    action: 'AsymmetricDecrypt',
    async setup(ctx) {
      const meta = await ctx.key('RSA_2048', 'ENCRYPT/DECRYPT');
      const pem = await ctx.publicKey(meta); // a public-key encryption is what a client would send
      const ct = crypto.publicEncrypt({ key: pem, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, SECRET32);
      return {
        KeyId: meta.KeyId,
        KeyVersionId: meta.PrimaryKeyVersion,
        Algorithm: 'RSAES_OAEP_SHA_256',
        CiphertextBlob: ct.toString('base64'),
      };
    },
    check: (body) => (b64eq(body.Plaintext, SECRET32) ? undefined : 'Plaintext differs from what was encrypted'),
  },
  {
    id: 'describe-key',
    label: 'DescribeKey (control plane)',
    action: 'DescribeKey',
    setup: async (ctx) => ({ KeyId: (await ctx.key('Aliyun_AES_256', 'ENCRYPT/DECRYPT')).KeyId }),
    check: (body) => (body.KeyMetadata && body.KeyMetadata.KeyId ? undefined : 'no KeyMetadata'),
  },
];

module.exports = { SCENARIOS, context };
