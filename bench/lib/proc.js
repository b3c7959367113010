'use strict';
/** Linux /proc readers: CPU time of a process, of the whole box, and the load average. */
const { readFileSync } = require('node:fs');
const { execFileSync } = require('node:child_process');

let clkTck;
/** Clock ticks per second of /proc times (USER_HZ, normally 100). */
function ticksPerSecond() {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** utime + stime of a process (all threads), in ticks; NaN if it is gone. */
function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // fields 14 and 15 of proc(5), counted from field 3
  } catch {
    return NaN;
  }
}

/** Busy ticks of the whole box (all CPUs), from the first line of /proc/stat. */
function boxBusyTicks() {
  const f = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return user + nice + system + irq + softirq + (steal || 0);
}

const loadavg = () => readFileSync('/proc/loadavg', 'latin1').trim().split(' ').slice(0, 3).map(Number);

/** Cores used by everything except `pids` over `ms` milliseconds (a quick sample). */
async function foreignCores(pids, ms = 300) {
  const t = ticksPerSecond();
  const b0 = boxBusyTicks();
  const p0 = pids.map(processTicks);
  await new Promise((r) => setTimeout(r, ms));
  const b1 = boxBusyTicks();
  const own = pids.reduce((s, pid, i) => s + (processTicks(pid) - p0[i] || 0), 0) + 0;
  return Math.max(0, (b1 - b0 - own) / t / (ms / 1000));
}

module.exports = { ticksPerSecond, processTicks, boxBusyTicks, loadavg, foreignCores };
