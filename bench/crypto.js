'use strict';
/**
 * The per-algorithm comparison behind the software backend's choices (emulator/src/crypto/software/families/*.ts): for each
 * operation, the implementation the emulator uses (its sources, bundled as the package bundles them) against the
 * alternatives on npm. Interleaved rounds, median ops per CPU-second of this process. Writes
 * bench/results/<date>-<commit>-crypto.md. Run: `node bench/crypto.js`.
 */
const crypto = require('node:crypto');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const esbuild = require('esbuild');

/** One module of emulator/src/crypto/software, bundled to CommonJS the way emulator/scripts/build.js bundles the package. */
function sw(name) {
  const out = join(mkdtempSync(join(tmpdir(), 'alikms-bench-')), `${name}.js`);
  esbuild.buildSync({
    entryPoints: [join(__dirname, '..', 'emulator', 'src', 'crypto', 'software', 'families', `${name}.ts`)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: out,
    logLevel: 'error',
  });
  return require(out);
}

const { aesKey, aesGcmEncrypt, aesGcmDecrypt } = sw('aes-gcm');
const { ecdsaKey, ecdsaSign, ecdsaVerify } = sw('ecdsa');
const { rsaKey, rsaSign } = sw('rsa');
const { sm2Key, sm2Sign, sm2Verify } = sw('sm2');
const { sm4Key, sm4GcmEncrypt, sm4GcmDecrypt } = sw('sm4-gcm');
const { gcm } = require('@noble/ciphers/aes.js');
const { p256 } = require('@noble/curves/nist.js');
const { secp256k1 } = require('@noble/curves/secp256k1.js');
const smCrypto = require('sm-crypto-v2');

const ROUNDS = Number(process.env.CRYPTO_ROUNDS ?? 7);
const ROUND_MS = Number(process.env.CRYPTO_ROUND_MS ?? 250);

const pkcs8 = (type, opts) =>
  crypto.generateKeyPairSync(type, {
    ...opts,
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    publicKeyEncoding: { type: 'spki', format: 'der' },
  });
const digest = crypto.createHash('sha256').update('message').digest();
const kib = crypto.randomBytes(1024);
const aad = Buffer.from('{"k":"v"}');

const aesRaw = crypto.randomBytes(32);
const aes = aesKey(aesRaw);
const aesSealed = aesGcmEncrypt(aes, kib, aad);
const sm4Raw = crypto.randomBytes(16);
const sm4 = sm4Key(sm4Raw);
const sm4Sealed = sm4GcmEncrypt(sm4, kib, aad);
const p256Pair = pkcs8('ec', { namedCurve: 'prime256v1' });
const p256Key = ecdsaKey('prime256v1', p256Pair.privateKey);
const p256Sig = ecdsaSign(p256Key, digest);
const k1Pair = pkcs8('ec', { namedCurve: 'secp256k1' });
const k1Key = ecdsaKey('secp256k1', k1Pair.privateKey);
const rsa = rsaKey(pkcs8('rsa', { modulusLength: 2048 }).privateKey);
const rsaObj = crypto.createPrivateKey({ key: pkcs8('rsa', { modulusLength: 2048 }).privateKey, format: 'der', type: 'pkcs8' });
const sm2 = sm2Key(pkcs8('ec', { namedCurve: 'SM2' }).privateKey);
const sm2Sig = sm2Sign(sm2, digest);
const iv = crypto.randomBytes(12);

/** [operation, chosen implementation, alternative(s)] */
const CASES = [
  [
    'AES-256-GCM encrypt+decrypt 1 KiB',
    {
      'node:crypto (chosen)': () => aesGcmDecrypt(aes, aesGcmEncrypt(aes, kib, aad), aad),
      '@noble/ciphers gcm': () => {
        const c = gcm(aesRaw, iv, aad);
        gcm(aesRaw, iv, aad).decrypt(c.encrypt(kib));
      },
    },
  ],
  [
    'SM4-GCM encrypt+decrypt 1 KiB',
    {
      'node sm4-ctr + noble GHASH (chosen)': () => sm4GcmDecrypt(sm4, sm4GcmEncrypt(sm4, kib, aad), aad),
      'sm-crypto-v2 sm4 gcm': () => {
        const o = { mode: 'gcm', iv, associatedData: aad, output: 'array', outputTag: true };
        const r = smCrypto.sm4.encrypt(kib, sm4Raw, o);
        smCrypto.sm4.decrypt(r.output, sm4Raw, { ...o, tag: r.tag });
      },
    },
  ],
  [
    'ECDSA P-256 sign over a digest',
    {
      'OpenSSL k·G + BigInt (chosen)': () => ecdsaSign(p256Key, digest),
      '@noble/curves prehash:false': () => p256.sign(digest, p256Key.d, { prehash: false, format: 'der' }),
    },
  ],
  [
    'ECDSA P-256 verify over a digest',
    {
      '@noble/curves lowS:false (chosen; node has no digest verify)': () => ecdsaVerify(p256Key, digest, p256Sig),
    },
  ],
  [
    'ECDSA secp256k1 sign over a digest',
    {
      '@noble/curves, low-S (chosen)': () => ecdsaSign(k1Key, digest),
      'node:crypto sign (hashes again: not usable, for scale)': () =>
        crypto.sign('sha256', digest, crypto.createPrivateKey({ key: k1Pair.privateKey, format: 'der', type: 'pkcs8' })),
    },
  ],
  [
    'RSA-2048 PSS sign over a digest',
    {
      'EMSA-PSS in JS + raw RSA (chosen)': () => rsaSign(rsa, 'RSA_PSS_SHA_256', digest),
      'node:crypto sign over the message (not usable, for scale)': () =>
        crypto.sign('sha256', digest, { key: rsaObj, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
    },
  ],
  [
    'SM2DSA sign',
    {
      'sm-crypto-v2 (chosen)': () => sm2Sign(sm2, digest),
    },
  ],
  [
    'SM2DSA verify',
    {
      'sm-crypto-v2, precomputed public key (chosen)': () => sm2Verify(sm2, digest, sm2Sig),
      'sm-crypto-v2, public key per call': () =>
        smCrypto.sm2.doVerifySignature(new Uint8Array(digest), sm2Sig.toString('hex'), sm2.publicHex, { hash: false, der: true }),
    },
  ],
  [
    'SM3 of 1 KiB',
    {
      'node:crypto sm3 (chosen)': () => crypto.createHash('sm3').update(kib).digest(),
      'sm-crypto-v2 sm3': () => smCrypto.sm3(new Uint8Array(kib)),
    },
  ],
];

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function round(fn) {
  const start = cpuMs();
  let n = 0;
  while (cpuMs() - start < ROUND_MS) for (let i = 0; i < 8; i++, n++) fn();
  return (n * 1000) / (cpuMs() - start);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (const [op, impls] of CASES) {
  const names = Object.keys(impls);
  for (const name of names) impls[name](); // warm-up and a first check that it runs
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) for (const name of r % 2 ? [...names].reverse() : names) samples[name].push(round(impls[name]));
  const chosen = median(samples[names[0]]);
  for (const name of names)
    rows.push({ op, impl: name, opsPerCpuSecond: Math.round(median(samples[name])), vsChosen: median(samples[name]) / chosen });
  process.stderr.write(`${op}: done\n`);
}

const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: __dirname }).toString().trim();
  } catch {
    return 'unknown';
  }
})();
const date = new Date().toISOString().slice(0, 10);
const cpu = require('node:os').cpus()[0]?.model ?? 'unknown';
const lines = [
  `# Crypto implementation comparison ${date} (${commit})`,
  '',
  `Machine: ${cpu}, ${require('node:os').cpus().length} cores, loadavg ${require('node:os')
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}. ` +
    `node ${process.versions.node}, OpenSSL ${process.versions.openssl}. ${ROUNDS} interleaved rounds of ${ROUND_MS} ms of CPU per implementation; median ops per CPU-second.`,
  '',
  '| operation | implementation | ops/cpu-s | × chosen |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.op} | ${r.impl} | ${r.opsPerCpuSecond.toLocaleString('en-US')} | ${r.vsChosen.toFixed(2)} |`),
  '',
];
const file = join(__dirname, 'results', `${date}-${commit}-crypto.md`);
writeFileSync(file, lines.join('\n'));
console.log(lines.join('\n'));
console.log(`wrote ${file}`);
