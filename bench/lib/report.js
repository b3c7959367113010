'use strict';
/** Results: the console table, bench/results/<date>-<commit>.md and the same data as .json. */
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const TARGET_RATIO = 0.8;
const TARGET_COLD_MS = 300;
/** What one feature costs: the same Encrypt with it (`measured`) ÷ without it (`against`), cell by cell. */
const COMPARISONS = [
  {
    title: 'What persisting used nonces costs: Encrypt on the state file ÷ Encrypt with --in-memory',
    measured: 'encrypt',
    measuredLabel: 'state file',
    against: 'encrypt-in-memory',
    againstLabel: '--in-memory',
    target: 0.95,
  },
  {
    title: 'What evaluating a key policy costs: Encrypt with a 20-statement policy ÷ with the default policy',
    measured: 'encrypt-policy-20',
    measuredLabel: '20-statement policy',
    against: 'encrypt-policy-default',
    againstLabel: 'default policy',
    target: 0.9,
  },
  {
    // Metrics are on by default (the console idle); collecting them may cost the API at most 5 %.
    title: 'What metrics cost: Encrypt with metrics on ÷ Encrypt with --no-metrics',
    measured: 'encrypt',
    measuredLabel: 'metrics on',
    against: 'encrypt-no-metrics',
    againstLabel: '--no-metrics',
    target: 0.95,
  },
];

const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

/** What limited a cell: the server's core, the client's, or neither (latency-bound, e.g. one connection). */
function bound(r) {
  if (r.serverCpuCores >= 0.9) return 'server';
  if (r.clientCpuCores >= 0.9 || r.clientEventLoopUtilization >= 0.95) return 'CLIENT';
  if (r.serverCpuCores + r.clientCpuCores + r.foreignCpuCores >= 1.8) return 'box';
  return 'latency';
}

const perServerCpuS = (r) => r.rps / r.serverCpuCores;

function cellLine(s, r) {
  if (r.failed) return `${s.id.padEnd(22)} c=${r.connections} FAILED: ${r.failed}`;
  return (
    `${s.id.padEnd(22)} c=${String(r.connections).padEnd(3)} ${f0(r.rps).padStart(7)} req/s  p50 ${f2(r.latencyMs.p50)} ms  p99 ${f2(r.latencyMs.p99)} ms  ` +
    `server ${f2(r.serverCpuCores)} client ${f2(r.clientCpuCores)} other ${f2(r.foreignCpuCores)} cores` +
    (r.non2xx || r.errors ? `  NON-2XX ${r.non2xx} ERR ${r.errors} ${r.sample || ''}` : '') +
    (r.noisy ? '  (noisy)' : '')
  );
}

function status(run) {
  const noisy = run.cells.filter((c) => c.noisy).length;
  const load = Math.max(run.loadavgBefore[0], run.loadavgAfter[0]);
  const isDry = run.config.dryRun || noisy > 0;
  const why = [
    run.config.dryRun && 'BENCH_DRY_RUN=1',
    noisy > 0 && `${noisy} of ${run.cells.length} cells had > ${run.config.noisyCores} core of foreign CPU`,
  ].filter(Boolean);
  return {
    isDry,
    text: isDry
      ? `DRY RUN / NOISY — ${why.join('; ')} (loadavg max ${load})`
      : `clean run (no cell above ${run.config.noisyCores} core of foreign CPU; loadavg max ${load})`,
  };
}

/** Encrypt req/s of scenario `over` divided by scenario `under`, per connection count (same run, back to back). */
function ratiosOf(run, over, under) {
  return run.config.connections.map((c) => {
    const b = run.cells.find((r) => r.scenario === under && r.connections === c && !r.failed);
    const e = run.cells.find((r) => r.scenario === over && r.connections === c && !r.failed);
    return {
      connections: c,
      baselineRps: b?.rps,
      encryptRps: e?.rps,
      ratio: b && e ? e.rps / b.rps : undefined,
      ratioPerServerCpu: b && e ? perServerCpuS(e) / perServerCpuS(b) : undefined,
    };
  });
}

const ratios = (run) => ratiosOf(run, 'encrypt', 'baseline-encrypt');

function coldStats(cs) {
  if (!cs) return undefined;
  const ok = cs.samples.map((s) => s.firstOkMs);
  const sorted = [...ok].sort((a, b) => a - b);
  return {
    medianMs: median(ok),
    minMs: sorted[0],
    p90Ms: sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))],
    maxMs: sorted[sorted.length - 1],
    medianListeningMs: median(cs.samples.map((s) => s.listeningMs)),
    nodeFloorMedianMs: median(cs.nodeFloorMs),
  };
}

function text(run) {
  const st = status(run);
  const L = [];
  L.push(
    `# alikms benchmark ${run.startedAt.slice(0, 10)} (${run.versions.commit}${run.versions.emulatorSourceDirty ? ', uncommitted emulator changes' : ''})`,
    '',
  );
  L.push(`**Status: ${st.text}.**`, '');
  const m = run.machine;
  const v = run.versions;
  L.push('## Machine and versions', '');
  L.push(`- CPU: ${m.cpu}, ${m.cores} cores (flags: ${m.cpuFlags.join(', ') || '–'}); RAM ${m.ramGiB} GiB; ${m.os}, kernel ${m.kernel}`);
  L.push(`- node ${v.node}, OpenSSL ${v.openssl}, V8 ${v.v8}, llhttp ${v.llhttp}; alikms ${v.alikms} @ ${v.commit}`);
  L.push(
    `- packages: ${Object.entries(v.dependencies)
      .map(([k, x]) => `${k} ${x}`)
      .join(', ')}`,
  );
  const cal = (c) => `sha256-1KiB ${f0(c.sha256_1KiB_opsPerCpuS)} ops/cpu-s, JS loop ${f0(c.jsLoop10k_opsPerCpuS)} ops/cpu-s`;
  L.push(
    `- calibration: start ${cal(run.calibrationStart)} · end ${cal(run.calibrationEnd)} (perf-baselines.md measured sha256-1KiB at 425–550 k on this kind of box; the JS loop is this harness's own and only comparable between runs of it)`,
  );
  L.push(
    `- loadavg before ${run.loadavgBefore.join(' ')}, after ${run.loadavgAfter.join(' ')}; whole run ${run.elapsedS.toFixed(0)} s`,
    '',
  );
  L.push('## Method', '');
  L.push(
    `Server and load generator are separate processes (the emulator is \`node emulator/bin/alikms.js serve\`, the baseline \`node bench/baseline-server.js\`; ` +
      `load from \`bench/lib/load.js\`, a fresh process per cell). Each cell: ${run.config.warmupS} s warm-up, then ${run.config.durationS} s measured; ` +
      `N keep-alive connections, one request in flight each, every request freshly signed (RPC v1 HMAC-SHA1, new nonce, current timestamp) ` +
      `and verified by the server. Latency from send to full response (µs resolution). CPU from /proc over the measured window: ` +
      `server and client in cores; "other" = every other process on the box (> ${run.config.noisyCores} marks the cell noisy, \\*). ` +
      `"bound": server = server used ≥ 0.9 core; CLIENT = the load generator was the bottleneck; latency = neither saturated. ` +
      `The baseline and the emulator's Encrypt run back to back at each connection count.`,
    '',
  );
  L.push('## Throughput and latency', '');
  L.push(
    '| scenario | conns | req/s | p50 ms | p99 ms | server cores | client cores | other cores | req per server-cpu-s | bound | non-2xx / errors |',
  );
  L.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of run.scenarios) {
    if (s.skipped) {
      L.push(`| ${s.label} | – | skipped: ${s.skipped} | | | | | | | | |`);
      continue;
    }
    for (const r of run.cells.filter((c) => c.scenario === s.id)) {
      if (r.failed) {
        L.push(`| ${s.label} | ${r.connections} | FAILED: ${r.failed.replace(/\|/g, '/').replace(/\n/g, ' ')} | | | | | | | | |`);
        continue;
      }
      L.push(
        `| ${s.label} | ${r.connections} | ${f0(r.rps)}${r.noisy ? '\\*' : ''} | ${f2(r.latencyMs.p50)} | ${f2(r.latencyMs.p99)} | ${f2(r.serverCpuCores)} | ` +
          `${f2(r.clientCpuCores)} | ${f2(r.foreignCpuCores)} | ${f0(perServerCpuS(r))} | ${bound(r)} | ${r.non2xx} / ${r.errors} |`,
      );
    }
  }
  const notes = run.scenarios.filter((s) => s.note).map((s) => `- ${s.label}: ${s.note}`);
  if (notes.length) L.push('', 'Probe notes:', ...notes);
  const samples = run.cells.filter((c) => c.sample).map((c) => `- ${c.scenario} c=${c.connections}: ${c.sample}`);
  if (samples.length) L.push('', 'First non-2xx answers:', ...samples);
  L.push('', `## Emulator Encrypt ÷ baseline (target ≥ ${TARGET_RATIO})`, '');
  L.push('| conns | baseline req/s | emulator Encrypt req/s | ratio | ratio per server-CPU-second |', '|---|---|---|---|---|');
  for (const x of ratios(run))
    L.push(
      `| ${x.connections} | ${f0(x.baselineRps)} | ${f0(x.encryptRps)} | ${x.ratio === undefined ? 'n/a (skipped)' : f2(x.ratio)} | ${f2(x.ratioPerServerCpu)} |`,
    );
  for (const c of COMPARISONS) {
    const rows = ratiosOf(run, c.measured, c.against);
    if (!rows.some((x) => x.ratio !== undefined)) continue;
    L.push('', `## ${c.title} (target ≥ ${c.target})`, '');
    L.push(`| conns | ${c.againstLabel} req/s | ${c.measuredLabel} req/s | ratio | ratio per server-CPU-second |`, '|---|---|---|---|---|');
    for (const x of rows)
      L.push(
        `| ${x.connections} | ${f0(x.baselineRps)} | ${f0(x.encryptRps)} | ${x.ratio === undefined ? 'n/a' : f2(x.ratio)} | ${f2(x.ratioPerServerCpu)} |`,
      );
  }
  const cs = coldStats(run.coldStart);
  if (cs) {
    L.push('', `## Cold start (target ≤ ${TARGET_COLD_MS} ms)`, '');
    L.push(
      `Spawn of \`node emulator/bin/alikms.js serve --port 0 --data <fresh dir>\` → first successful signed request (DescribeRegions), ${run.coldStart.runs} runs.`,
      '',
    );
    L.push(
      '| median ms | min | p90 | max | median to "listening" line | bare `node -e 0` spawn→exit (median) |',
      '|---|---|---|---|---|---|',
    );
    L.push(
      `| **${f0(cs.medianMs)}** | ${f0(cs.minMs)} | ${f0(cs.p90Ms)} | ${f0(cs.maxMs)} | ${f0(cs.medianListeningMs)} | ${f0(cs.nodeFloorMedianMs)} |`,
    );
  }
  return L.join('\n') + '\n';
}

function write(run, dir) {
  mkdirSync(dir, { recursive: true });
  const st = status(run);
  const base = join(dir, `${run.startedAt.slice(0, 10)}-${run.versions.commit}${st.isDry ? '-dryrun' : ''}`);
  const json = {
    ...run,
    status: st.text,
    ratios: ratios(run),
    nonceLedgerRatios: ratiosOf(run, 'encrypt', 'encrypt-in-memory'),
    policyRatios: ratiosOf(run, 'encrypt-policy-20', 'encrypt-policy-default'),
    metricsRatios: ratiosOf(run, 'encrypt', 'encrypt-no-metrics'),
    coldStartSummary: coldStats(run.coldStart),
  };
  writeFileSync(base + '.json', JSON.stringify(json, null, 2) + '\n');
  writeFileSync(base + '.md', text(run));
  return [base + '.md', base + '.json'];
}

module.exports = { cellLine, text, write };
