'use strict';
/**
 * `make bench`: throughput and latency of the emulator's KMS actions through the real HTTP path (signed requests,
 * signature verification on), against a bare node:http baseline doing an Encrypt's work, plus cold start.
 * See bench/README.md. Settings (environment): BENCH_DURATION=6 (s per cell), BENCH_WARMUP=1 (s),
 * BENCH_CONNECTIONS=1,16,64, BENCH_SCENARIOS=<comma list of ids>, BENCH_COLD_RUNS=10, BENCH_QUIET_WAIT=2 (s),
 * BENCH_DRY_RUN=1 (label the results as a dry run), BENCH_OUT=bench/results.
 */
const { join } = require('node:path');
const { call, describeError } = require('./lib/call');
const { selfCheck } = require('./lib/sign');
const { SCENARIOS, context } = require('./lib/scenarios');
const { ROOT, startServer, stopServer, startEmulator, stopEmulator, coldStart } = require('./lib/servers');
const { loadavg, foreignCores } = require('./lib/proc');
const { machine, versions, calibrate } = require('./lib/sys');
const report = require('./lib/report');
const { loadCell } = require('./lib/cell');

const env = process.env;
const cfg = {
  durationS: Number(env.BENCH_DURATION || 6),
  warmupS: Number(env.BENCH_WARMUP || 1),
  connections: (env.BENCH_CONNECTIONS || '1,16,64').split(',').map(Number),
  only: env.BENCH_SCENARIOS ? env.BENCH_SCENARIOS.split(',') : undefined,
  coldRuns: Number(env.BENCH_COLD_RUNS || 10),
  quietWaitS: Number(env.BENCH_QUIET_WAIT || 2),
  noisyCores: 0.3,
  dryRun: env.BENCH_DRY_RUN === '1',
  outDir: env.BENCH_OUT || join(ROOT, 'bench', 'results'),
};

const log = (m) => process.stderr.write(m + '\n');

/** Waits (bounded) until other processes use less than `noisyCores`; returns the last sample. */
async function waitQuiet(pids) {
  const until = Date.now() + cfg.quietWaitS * 1000;
  let f;
  do f = await foreignCores(pids, 250);
  while (f > cfg.noisyCores && Date.now() < until);
  return f;
}

/** setup + one real request; fills scenario.params or scenario.skipped. */
async function probe(scenario, server, ctx) {
  try {
    scenario.params = await scenario.setup(ctx);
  } catch (e) {
    const r = e.response;
    const notThere = r && r.status === 404 && r.body && r.body.Code === 'InvalidApi.NotFound';
    scenario.skipped = notThere ? `needs ${e.action}, which is not implemented yet` : `setup failed: ${e.message}`;
    return;
  }
  const r = await call(server.port, scenario.action, scenario.params);
  if (r.status === 404 && r.body && r.body.Code === 'InvalidApi.NotFound')
    scenario.skipped = `${scenario.action} not implemented yet (InvalidApi.NotFound)`;
  else if (r.status !== 200) scenario.skipped = `${scenario.action} answered HTTP ${r.status} ${describeError(r.body)}`;
  else scenario.note = await scenario.check(r.body, ctx);
}

async function main() {
  const started = Date.now();
  const run = { startedAt: new Date().toISOString(), config: cfg, machine: machine(), versions: versions(ROOT), loadavgBefore: loadavg() };
  log(`alikms bench: ${run.machine.cpu}, ${run.machine.cores} cores; node ${run.versions.node}; loadavg ${run.loadavgBefore.join(' ')}`);
  run.calibrationStart = calibrate();

  const scenarios = SCENARIOS.filter((s) => !cfg.only || cfg.only.includes(s.id));
  for (const s of scenarios) selfCheck(s.action, { KeyId: 'k', Plaintext: 'a+b/c==' });

  const emulator = await startEmulator();
  const memory = await startEmulator(['--in-memory']);
  const nometrics = await startEmulator(['--no-metrics']);
  const baseline = await startServer(['bench/baseline-server.js', '0']);
  const servers = { emulator, memory, nometrics, baseline };
  const serverOf = (s) => servers[s.target || 'emulator'];
  run.cells = [];
  try {
    for (const s of scenarios) {
      const server = serverOf(s);
      await probe(s, server, context(server.port));
      log(`probe ${s.id}: ${s.skipped ? 'SKIPPED - ' + s.skipped : 'ok' + (s.note ? ' (' + s.note + ')' : '')}`);
    }
    const active = scenarios.filter((s) => !s.skipped);
    // Baseline and emulator Encrypt run back to back at each connection count, so their ratio shares conditions.
    for (const c of cfg.connections) {
      for (const s of active) {
        const server = serverOf(s);
        const quietBefore = await waitQuiet([process.pid, emulator.pid, memory.pid, nometrics.pid, baseline.pid]);
        const r = await loadCell(server, s, c, cfg).catch((e) => ({ connections: c, failed: String(e.message).slice(0, 500) }));
        r.scenario = s.id;
        r.quietBefore = quietBefore;
        r.noisy = r.foreignCpuCores > cfg.noisyCores;
        run.cells.push(r);
        log(report.cellLine(s, r));
      }
    }
  } finally {
    await stopEmulator(emulator);
    await stopEmulator(memory);
    await stopEmulator(nometrics);
    await stopServer(baseline);
  }
  if (emulator.stderrTail()) log(`emulator stderr (last 4 KB):\n${emulator.stderrTail()}`);
  log(`cold start: ${cfg.coldRuns} runs`);
  run.coldStart = cfg.coldRuns > 0 ? await coldStart(cfg.coldRuns) : undefined;
  run.calibrationEnd = calibrate();
  run.loadavgAfter = loadavg();
  run.scenarios = scenarios.map(({ id, label, action, target, skipped, note }) => ({
    id,
    label,
    action,
    target: target || 'emulator',
    skipped,
    note,
  }));
  run.elapsedS = (Date.now() - started) / 1000;
  const files = report.write(run, cfg.outDir);
  process.stdout.write(report.text(run));
  log(`wrote ${files.join(', ')} in ${run.elapsedS.toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
