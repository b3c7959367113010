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
  let instance;
  const ctx = {
    /** A connected pay-as-you-go software instance at the top Spec (20000 QPS), so throttling never limits a cell. */
    instance() {
      instance ??= (async () => {
        const order = {
          Version: '2017-12-14',
          ProductCode: 'kms',
          ProductType: 'kms_ppi_public_cn',
          SubscriptionType: 'PayAsYouGo',
          'Parameter.1.Code': 'ProductVersion',
          'Parameter.1.Value': '3',
          'Parameter.2.Code': 'Spec',
          'Parameter.2.Value': '20000',
        };
        const id = (await ctx.call('CreateInstance', order)).Data.InstanceId;
        await ctx.call('ConnectKmsInstance', {
          KmsInstanceId: id,
          KMProvider: 'Aliyun',
          VpcId: 'vpc-bench',
          ZoneIds: 'cn-hangzhou-k,cn-hangzhou-j',
          VSwitchIds: 'vsw-bench',
        });
        while ((await ctx.call('GetKmsInstance', { KmsInstanceId: id })).KmsInstance.Status !== 'Connected')
          await new Promise((r) => setTimeout(r, 100));
        return id;
      })();
      return instance;
    },
    /** An AES key in the instance, with `policy` (or the default one). */
    async instanceKey(policy) {
      const params = { DKMSInstanceId: await ctx.instance(), Description: 'alikms bench', ...(policy && { Policy: policy }) };
      return (await ctx.call('CreateKey', params)).KeyMetadata;
    },
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

const hasCiphertext = (body) => (typeof body.CiphertextBlob === 'string' ? undefined : 'no CiphertextBlob');
const encryptParams = async (ctx) => ({ KeyId: (await ctx.key('Aliyun_AES_256', 'ENCRYPT/DECRYPT')).KeyId, Plaintext: PLAINTEXT_B64 });

/**
 * A 20-statement key policy of the kind a shared key carries: 19 statements for other identities of the account (RAM
 * users and roles, wildcard actions, key ARNs, encryption-context conditions), none of which matches the caller, then
 * the account's own. Every statement is looked at on every call (an explicit Deny anywhere would win).
 */
function twentyStatementPolicy(account) {
  const statements = [];
  for (let n = 0; n < 19; n++)
    statements.push({
      Sid: `team-${n}`,
      Effect: n % 5 === 4 ? 'Deny' : 'Allow',
      Principal: { RAM: [`acs:ram::${account}:user/svc-${n}`, `acs:ram::${account}:role/deploy-${n}-*`] },
      Action: n % 2 ? ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*'] : ['kms:Describe*', 'kms:List*', 'kms:Get*'],
      Resource: [`acs:kms:*:${account}:key/*`],
      ...(n % 3 === 0 && { Condition: { StringEquals: { 'kms:EncryptionContext:team': [`team-${n}`] } } }),
    });
  statements.push({ Sid: 'owner', Effect: 'Allow', Principal: { RAM: [`acs:ram::${account}:*`] }, Action: ['kms:*'], Resource: ['*'] });
  return JSON.stringify({ Version: '1', Statement: statements });
}

const SCENARIOS = [
  {
    id: 'baseline-encrypt',
    label: 'baseline: node:http Encrypt 1 KiB',
    target: 'baseline',
    action: 'Encrypt',
    setup: async () => ({ KeyId: 'key-baseline0000000000000', Plaintext: PLAINTEXT_B64 }),
    check: hasCiphertext,
  },
  {
    id: 'encrypt',
    label: 'Encrypt 1 KiB (Aliyun_AES_256)',
    action: 'Encrypt',
    setup: encryptParams,
    check: hasCiphertext,
  },
  {
    // The same Encrypt against an emulator with nothing on disk (--in-memory): what persisting nonces costs.
    id: 'encrypt-in-memory',
    label: 'Encrypt 1 KiB, state and nonces in memory (--in-memory)',
    target: 'memory',
    action: 'Encrypt',
    setup: encryptParams,
    check: hasCiphertext,
  },
  {
    // The same Encrypt against an emulator started with --no-metrics: what collecting metrics costs the API.
    id: 'encrypt-no-metrics',
    label: 'Encrypt 1 KiB, metrics off (--no-metrics)',
    target: 'nometrics',
    action: 'Encrypt',
    setup: encryptParams,
    check: hasCiphertext,
  },
  {
    // Key policies are evaluated for keys in instances: the same Encrypt against two such keys, one with the default
    // policy and one with 20 statements, measures what evaluating a policy costs (target: ratio >= 0.9).
    id: 'encrypt-policy-default',
    label: 'Encrypt 1 KiB, instance key, default key policy',
    action: 'Encrypt',
    setup: async (ctx) => ({ KeyId: (await ctx.instanceKey()).KeyId, Plaintext: PLAINTEXT_B64 }),
    check: hasCiphertext,
  },
  {
    id: 'encrypt-policy-20',
    label: 'Encrypt 1 KiB, instance key, 20-statement key policy',
    action: 'Encrypt',
    setup: async (ctx) => ({ KeyId: (await ctx.instanceKey(twentyStatementPolicy('1234567890123456'))).KeyId, Plaintext: PLAINTEXT_B64 }),
    check: hasCiphertext,
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
