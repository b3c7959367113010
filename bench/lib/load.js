'use strict';
/**
 * Load generator, run as its own process (child_process.fork) so the server and the client each get a core.
 * N keep-alive connections over raw sockets, one request in flight per connection (no pipelining), every request
 * freshly signed (new nonce, current timestamp). Latency is taken with performance.now() (µs resolution).
 * Measures, over the measured window only: completed requests, status classes, latency percentiles, its own CPU
 * and event-loop utilisation, the server's CPU and everybody else's (from /proc).
 *
 * Message in:  { port, serverPid, action, params, connections, warmupMs, durationMs, ticksPerSecond }
 * Message out: { result } or { error }
 */
const net = require('node:net');
const { performance } = require('node:perf_hooks');
const { fastSigner } = require('./sign');
const { processTicks, boxBusyTicks } = require('./proc');

function run(cfg) {
  const signer = fastSigner(cfg.action, cfg.params);
  const head = `POST / HTTP/1.1\r\nHost: 127.0.0.1:${cfg.port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: `;
  let lat = new Float64Array(1 << 16);
  let n = 0;
  let measuring = false;
  let running = true;
  const counts = { ok: 0, non2xx: 0, errors: 0, reconnects: 0 };
  let sample; // first non-2xx body, for the report
  const sockets = new Set();

  function record(ms, status, body) {
    if (!measuring) return;
    if (status >= 200 && status < 300) counts.ok++;
    else {
      counts.non2xx++;
      sample ??= `${status} ${body.slice(0, 300)}`;
    }
    if (n === lat.length) {
      const bigger = new Float64Array(lat.length * 2);
      bigger.set(lat);
      lat = bigger;
    }
    lat[n++] = ms;
  }

  function connect() {
    const sock = net.connect(cfg.port, '127.0.0.1');
    sock.setNoDelay(true);
    sockets.add(sock);
    let buf = null;
    let t0 = 0;
    const send = () => {
      const body = signer.next();
      t0 = performance.now();
      sock.write(head + body.length + '\r\n\r\n' + body, 'latin1');
    };
    sock.on('connect', send);
    sock.on('data', (chunk) => {
      buf = buf ? Buffer.concat([buf, chunk]) : chunk;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers = buf.latin1Slice(0, end);
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
      if (!m) throw new Error(`response without content-length: ${headers.slice(0, 200)}`);
      const total = end + 4 + Number(m[1]);
      if (buf.length < total) return;
      const status = Number(headers.slice(9, 12));
      record(performance.now() - t0, status, status >= 300 ? buf.latin1Slice(end + 4, total) : '');
      buf = buf.length > total ? buf.subarray(total) : null;
      if (running) send();
    });
    sock.on('error', () => {
      if (measuring) counts.errors++;
    });
    sock.on('close', () => {
      sockets.delete(sock);
      if (running) {
        counts.reconnects++;
        setTimeout(connect, 5);
      }
    });
  }

  return new Promise((resolve) => {
    for (let i = 0; i < cfg.connections; i++) connect();
    let start;
    setTimeout(() => {
      measuring = true;
      start = {
        t: performance.now(),
        cpu: process.cpuUsage(),
        elu: performance.eventLoopUtilization(),
        server: processTicks(cfg.serverPid),
        self: processTicks(process.pid),
        box: boxBusyTicks(),
      };
      setTimeout(() => {
        const seconds = (performance.now() - start.t) / 1000;
        const cpu = process.cpuUsage(start.cpu);
        const elu = performance.eventLoopUtilization(start.elu).utilization;
        const tps = cfg.ticksPerSecond;
        const serverTicks = processTicks(cfg.serverPid) - start.server;
        const selfTicks = processTicks(process.pid) - start.self;
        const boxTicks = boxBusyTicks() - start.box;
        measuring = false;
        running = false;
        for (const s of sockets) s.destroy();
        const sorted = lat.subarray(0, n).sort();
        const pct = (p) => (n ? sorted[Math.min(n - 1, Math.floor((p / 100) * n))] : NaN);
        resolve({
          connections: cfg.connections,
          seconds,
          requests: n,
          rps: counts.ok / seconds,
          ...counts,
          sample,
          latencyMs: {
            p50: pct(50),
            p90: pct(90),
            p99: pct(99),
            max: n ? sorted[n - 1] : NaN,
            mean: n ? sorted.reduce((a, b) => a + b, 0) / n : NaN,
          },
          clientCpuCores: (cpu.user + cpu.system) / 1e6 / seconds,
          clientEventLoopUtilization: elu,
          serverCpuCores: serverTicks / tps / seconds,
          foreignCpuCores: Math.max(0, (boxTicks - serverTicks - selfTicks) / tps / seconds),
        });
      }, cfg.durationMs);
    }, cfg.warmupMs);
  });
}

process.once('message', (cfg) => {
  run(cfg).then(
    (result) => process.send({ result }, () => process.exit(0)),
    (err) => process.send({ error: String(err && err.stack) }, () => process.exit(1)),
  );
});
