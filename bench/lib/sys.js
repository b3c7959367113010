'use strict';
/** Machine and version facts for the results, and a CPU calibration figure to compare runs across boxes. */
const os = require('node:os');
const { readFileSync, existsSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { join } = require('node:path');

const read = (f) => {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
};

function machine() {
  const cpuinfo = read('/proc/cpuinfo');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo);
  const flags = (/^flags\s*:\s*(.+)$/m.exec(cpuinfo) || [, ''])[1].split(' ');
  const memKb = Number((/^MemTotal:\s+(\d+)/m.exec(read('/proc/meminfo')) || [, 0])[1]);
  const osName = (/^PRETTY_NAME="?([^"\n]+)/m.exec(read('/etc/os-release')) || [, os.type()])[1];
  return {
    cpu: model ? model[1].trim() : os.cpus()[0]?.model,
    cores: os.cpus().length,
    cpuFlags: ['aes', 'vaes', 'sha_ni', 'avx512f'].filter((f) => flags.includes(f)),
    ramGiB: Math.round((memKb / 1024 / 1024) * 10) / 10,
    os: osName,
    kernel: os.release(),
  };
}

function versions(root) {
  const pkg = JSON.parse(read(join(root, 'emulator', 'package.json')) || '{}'); // the alikms package
  const installed = {};
  for (const name of Object.keys({ ...pkg.dependencies })) {
    const f = join(root, 'node_modules', name, 'package.json');
    installed[name] = existsSync(f) ? JSON.parse(read(f)).version : 'missing';
  }
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain', '--', 'emulator'], { cwd: root, encoding: 'utf8' }).trim() !== '';
  } catch {}
  const { node, openssl, v8, llhttp } = process.versions;
  return { node, openssl, v8, llhttp, alikms: pkg.version, commit, emulatorSourceDirty: dirty, dependencies: installed };
}

/** ops per CPU-second of SHA-256 over 1 KiB and of a 10k-step integer loop (same figures as perf-baselines.md). */
function calibrate(ms = 300) {
  const buf = Buffer.alloc(1024, 7);
  const loop = () => {
    let x = 0;
    for (let i = 0; i < 10_000; i++) x = (x + i * 31) | 0;
    return x;
  };
  const rate = (fn) => {
    for (let i = 0; i < 2000; i++) fn();
    const c0 = process.cpuUsage();
    const t0 = Date.now();
    let n = 0;
    while (Date.now() - t0 < ms) for (let i = 0; i < 200; i++, n++) fn();
    const c = process.cpuUsage(c0);
    return Math.round(n / ((c.user + c.system) / 1e6));
  };
  return { sha256_1KiB_opsPerCpuS: rate(() => createHash('sha256').update(buf).digest()), jsLoop10k_opsPerCpuS: rate(loop) };
}

module.exports = { machine, versions, calibrate };
