'use strict';
/** One measured cell: a fresh load-generator process (lib/load.js) against a running server. */
const { fork } = require('node:child_process');
const { join } = require('node:path');
const { ticksPerSecond } = require('./proc');

/** `scenario`: { action, params }; `cfg`: { warmupS, durationS }. Resolves to load.js's result. */
function loadCell(server, scenario, connections, cfg) {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let done = false;
    child.once('message', (m) => {
      done = true;
      m.error ? reject(new Error(m.error)) : resolve(m.result);
    });
    child.once('exit', (code) => done || reject(new Error(`load generator exited with ${code}`)));
    child.send({
      port: server.port,
      serverPid: server.pid,
      action: scenario.action,
      params: scenario.params,
      connections,
      warmupMs: cfg.warmupS * 1000,
      durationMs: cfg.durationS * 1000,
      ticksPerSecond: ticksPerSecond(),
    });
  });
}

module.exports = { loadCell };
