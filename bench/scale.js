'use strict';
/**
 * `make bench` (scale section): how the stores hold up as keys accumulate. For each store (the embedded lowdb store,
 * PostgreSQL on a private throwaway cluster) and each size (0 / 1k / 10k / 100k keys):
 *   1. fill: a fresh emulator applies a seed of N keys (through the domain, as any seed), then stops;
 *   2. restart without the seed: start-up time (spawn to "listening", and to the first answered request) and RSS;
 *   3. idle: the server's CPU over a quiet window, which is the scheduler's cost (every key rotates, so all are in
 *      the due-event index);
 *   4. load: CreateKey (8 connections), DescribeKey and Encrypt (16), a ListKeys page (1 connection: latency),
 *      the first page and one in the middle.
 * Settings: SCALE_SIZES=0,1000,10000,100000  SCALE_STORES=lowdb,postgres  SCALE_DURATION=3 (s)  BENCH_OUT.
 * Results: bench/results/<date>-<commit>-scale.md and .json.
 */
const { spawnSync } = require('node:child_process');
const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { callOk, call } = require('./lib/call');
const { loadCell } = require('./lib/cell');
const { processTicks, ticksPerSecond, loadavg } = require('./lib/proc');
const { ROOT, startServer, stopServer } = require('./lib/servers');
const { machine, versions } = require('./lib/sys');

const env = process.env;
const cfg = {
  sizes: (env.SCALE_SIZES || '0,1000,10000,100000').split(',').map(Number),
  stores: (env.SCALE_STORES || 'lowdb,postgres').split(','),
  warmupS: 1,
  durationS: Number(env.SCALE_DURATION || 3),
  idleS: 5,
  outDir: env.BENCH_OUT || join(ROOT, 'bench', 'results'),
};
const log = (m) => process.stderr.write(m + '\n');

/** A seed of `n` instance-less AES keys with automatic rotation on (far in the future: indexed, never due). */
function seedFile(dir, n) {
  const keys = Array.from({ length: n }, (_, i) => ({
    keyId: `key-scale-${String(i).padStart(7, '0')}`,
    description: `scale ${i}`,
    tags: { team: `t${i % 50}` },
    rotation: { interval: '365d' },
  }));
  const file = join(dir, 'seed.json');
  writeFileSync(file, JSON.stringify({ keys }));
  return file;
}

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))[1]) / 1024;

/** The emulator's CPU (share of one core) over `seconds` with no requests. */
async function idleCpu(pid, seconds) {
  const t0 = processTicks(pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return (processTicks(pid) - t0) / ticksPerSecond() / seconds;
}

async function measureSize(store, size, storeArgs) {
  const dir = mkdtempSync(join(tmpdir(), 'alikms-scale-'));
  const args = ['emulator/bin/alikms.js', 'serve', '--port', '0', '--no-throttling', ...storeArgs(dir)];
  const row = { store, size };
  try {
    const fillStart = performance.now();
    const filling = await startServer([...args, '--seed', seedFile(dir, size)], { timeoutMs: 1_200_000 });
    row.fillS = (performance.now() - fillStart) / 1000;
    await stopServer(filling);

    const server = await startServer(args, { timeoutMs: 120_000 });
    await callOk(server.port, 'DescribeRegions', {});
    row.startupMs = performance.now() - server.t0;
    row.listeningMs = server.listeningMs;
    row.rssMb = rssMb(server.pid);
    row.idleCpu = await idleCpu(server.pid, cfg.idleS);
    const keyId = size > 0 ? 'key-scale-0000000' : (await callOk(server.port, 'CreateKey', {})).KeyMetadata.KeyId;
    const cell = (action, params, connections) => loadCell(server, { action, params }, connections, cfg);
    const summary = (r) => ({ rps: r.rps, p50: r.latencyMs.p50, p99: r.latencyMs.p99, non2xx: r.non2xx, errors: r.errors });
    row.createKey = summary(await cell('CreateKey', {}, 8));
    row.describeKey = summary(await cell('DescribeKey', { KeyId: keyId }, 16));
    row.encrypt = summary(await cell('Encrypt', { KeyId: keyId, Plaintext: Buffer.alloc(1024, 7).toString('base64') }, 16));
    const total = (await callOk(server.port, 'ListKeys', { PageSize: '10' })).TotalCount;
    row.listFirst = summary(await cell('ListKeys', { PageSize: '10', PageNumber: '1' }, 1));
    const middle = String(Math.max(1, Math.floor(total / 20)));
    row.listMiddle = summary(await cell('ListKeys', { PageSize: '10', PageNumber: middle }, 1));
    await stopServer(server);
    if (server.stderrTail()) log(server.stderrTail());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return row;
}

/** A private PostgreSQL cluster from the tests' own helper (TypeScript, bundled here on the fly). */
async function startPostgres() {
  // Inside node_modules/.cache, so the bundle finds `pg` (left out of it) the way the tests do.
  const out = join(ROOT, 'node_modules', '.cache', 'alikms-bench', 'postgres.js');
  const built = spawnSync(
    process.execPath,
    [
      require.resolve('esbuild/bin/esbuild'),
      'emulator/test/support/postgres.ts',
      '--bundle',
      '--platform=node',
      `--outfile=${out}`,
      '--external:pg',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(built.stderr);
  return require(out).startPostgres();
}

async function main() {
  const run = {
    startedAt: new Date().toISOString(),
    config: cfg,
    machine: machine(),
    versions: versions(ROOT),
    loadavgBefore: loadavg(),
    rows: [],
  };
  let pg;
  try {
    for (const store of cfg.stores) {
      if (store === 'postgres') {
        pg = await startPostgres();
        process.env.ALIKMS_ROOT_KEY = Buffer.alloc(32, 1).toString('base64');
      }
      for (const size of cfg.sizes) {
        const url = store === 'postgres' ? await pg.createDatabase() : undefined;
        const storeArgs = (dir) => (url ? ['--store', url] : ['--data', join(dir, 'state.json')]);
        log(`scale: ${store} ${size} keys …`);
        const row = await measureSize(store, size, storeArgs).catch((e) => ({ store, size, failed: String(e.message).slice(0, 500) }));
        log(`  ${JSON.stringify(row)}`);
        run.rows.push(row);
      }
    }
  } finally {
    await pg?.stop();
  }
  run.loadavgAfter = loadavg();
  const files = write(run);
  log(`wrote ${files.join(', ')}`);
}

function write(run) {
  mkdirSync(cfg.outDir, { recursive: true });
  const base = join(cfg.outDir, `${run.startedAt.slice(0, 10)}-${run.versions.commit}-scale`);
  writeFileSync(`${base}.json`, JSON.stringify(run, null, 2) + '\n');
  writeFileSync(`${base}.md`, report(run));
  return [`${base}.md`, `${base}.json`];
}

const f0 = (x) => (x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const f1 = (x) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(1));
const f2 = (x) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(2));

function report(run) {
  const L = [
    `# Scale: ${run.startedAt.slice(0, 10)}, commit ${run.versions.commit}`,
    '',
    `- machine: ${run.machine.cpu}, ${run.machine.cores} cores, ${run.machine.ramGiB} GiB; node ${run.versions.node}`,
    `- loadavg before ${run.loadavgBefore.join(' ')}, after ${run.loadavgAfter.join(' ')} (other work on the box shows here)`,
    `- each load cell: ${cfg.warmupS} s warm-up, ${cfg.durationS} s measured; idle CPU over ${cfg.idleS} s; keys from a seed, every one rotating`,
    '',
    '| store | keys | CreateKey/s (8 conns) | DescribeKey/s | Encrypt/s | ListKeys p50 ms (page 1) | ListKeys p50 ms (middle) | start-up ms | RSS MB | idle CPU (core) | seed fill s |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of run.rows) {
    if (r.failed) {
      L.push(`| ${r.store} | ${f0(r.size)} | failed: ${r.failed} |`);
      continue;
    }
    L.push(
      `| ${r.store} | ${f0(r.size)} | ${f0(r.createKey.rps)} | ${f0(r.describeKey.rps)} | ${f0(r.encrypt.rps)} | ${f2(r.listFirst.p50)} | ${f2(r.listMiddle.p50)} | ${f0(r.startupMs)} | ${f0(r.rssMb)} | ${f2(r.idleCpu)} | ${f1(r.fillS)} |`,
    );
  }
  L.push('', 'CreateKey at each size ÷ at 0 keys (goal ≥ 0.5: lowdb at 10k, PostgreSQL at 100k):', '');
  for (const store of cfg.stores) {
    const rows = run.rows.filter((r) => r.store === store && !r.failed);
    const zero = rows.find((r) => r.size === 0);
    if (!zero) continue;
    L.push(`- ${store}: ${rows.map((r) => `${f0(r.size)} keys ${f2(r.createKey.rps / zero.createKey.rps)}`).join(', ')}`);
  }
  return L.join('\n') + '\n';
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
