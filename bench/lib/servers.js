'use strict';
/** Starting the servers under test as child processes, and the cold-start measurement. */
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { call, describeError } = require('./call');

const ROOT = join(__dirname, '..', '..');
const LISTENING = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

/** Spawns `node <args>` and resolves once it prints "... listening on http://127.0.0.1:PORT". */
function startServer(args, { timeoutMs = 15_000 } = {}) {
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no "listening" line after ${timeoutMs} ms: ${out}`)), timeoutMs);
    const fail = (err) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(err);
    };
    const onData = (d) => {
      out += d;
      const m = LISTENING.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.stdout.off('data', onData);
      proc.stderr.off('data', onErr);
      proc.stdout.resume();
      let tail = '';
      proc.stderr.on('data', (d) => (tail = (tail + d).slice(-4000)));
      resolve({ proc, pid: proc.pid, port: Number(m[1]), listeningMs: performance.now() - t0, t0, stderrTail: () => tail });
    };
    proc.stdout.setEncoding('utf8').on('data', onData);
    const onErr = (d) => (out += d);
    proc.stderr.setEncoding('utf8').on('data', onErr);
    proc.once('exit', (code) => fail(new Error(`exited with ${code} before listening: ${out}`)));
  });
}

function stopServer(s) {
  return new Promise((resolve) => {
    if (s.proc.exitCode !== null || s.proc.signalCode !== null) return resolve();
    const timer = setTimeout(() => s.proc.kill('SIGKILL'), 3000);
    s.proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    s.proc.kill('SIGTERM');
  });
}

/** `node emulator/bin/alikms.js serve --port 0` on a fresh data dir, with `extra` options. */
async function startEmulator(extra = []) {
  const dir = mkdtempSync(join(tmpdir(), 'alikms-bench-'));
  const s = await startServer(['emulator/bin/alikms.js', 'serve', '--port', '0', '--data', join(dir, 'state.json'), ...extra]);
  s.dir = dir;
  return s;
}

async function stopEmulator(s) {
  await stopServer(s);
  rmSync(s.dir, { recursive: true, force: true });
}

/** Spawn -> first successful signed request (DescribeRegions), fresh data dir each run; plus bare `node -e 0`. */
async function coldStart(runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const s = await startEmulator();
    const r = await call(s.port, 'DescribeRegions', {});
    const firstOkMs = performance.now() - s.t0;
    await stopEmulator(s);
    if (r.status !== 200) throw new Error(`cold start: DescribeRegions answered ${r.status} ${describeError(r.body)}`);
    samples.push({ listeningMs: s.listeningMs, firstOkMs });
  }
  const nodeFloor = [];
  for (let i = 0; i < Math.min(runs, 5); i++) {
    const t0 = performance.now();
    await new Promise((resolve) => spawn(process.execPath, ['-e', '0']).once('exit', resolve));
    nodeFloor.push(performance.now() - t0);
  }
  return { runs, samples, nodeFloorMs: nodeFloor };
}

module.exports = { ROOT, startServer, stopServer, startEmulator, stopEmulator, coldStart };
