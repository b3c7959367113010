'use strict';
/**
 * `node bench/install.js`: what `npm install --save-dev alikms` costs a user. Packs the emulator package (npm pack,
 * which builds it), then installs the tarball into fresh projects outside the repository from the warm npm cache
 * (one unmeasured install first warms it), and records node_modules' size, package count and install time, next to
 * the same for the provider package. Writes bench/results/<date>-<commit>-install.{json,md}.
 * Settings: INSTALL_RUNS=3, BENCH_OUT=bench/results.
 */
const { readdirSync, rmSync, mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { ROOT, packAll, freshProject, npmInstall, diskBytes } = require('./lib/consumer');
const { machine, versions } = require('./lib/sys');

const RUNS = Number(process.env.INSTALL_RUNS || 3);
const OUT = process.env.BENCH_OUT || join(ROOT, 'bench', 'results');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Packages under node_modules (scoped ones counted one by one). */
const countPackages = (dir) =>
  readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .reduce((n, name) => n + (name.startsWith('@') ? readdirSync(join(dir, name)).length : 1), 0);

function measure(tarball) {
  const warm = freshProject();
  npmInstall(warm, [tarball]);
  rmSync(dirname(warm), { recursive: true, force: true });
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = freshProject();
    const ms = npmInstall(dir, [tarball]);
    runs.push({ ms: Math.round(ms), bytes: diskBytes(join(dir, 'node_modules')), packages: countPackages(join(dir, 'node_modules')) });
    rmSync(dirname(dir), { recursive: true, force: true });
  }
  return { runs, medianMs: median(runs.map((r) => r.ms)), bytes: runs[0].bytes, packages: runs[0].packages };
}

const packs = packAll(['alikms', 'provider']);
const result = {
  kind: 'install',
  date: new Date().toISOString(),
  machine: machine(),
  versions: versions(ROOT),
  method: `npm pack of each package, then \`npm install --save-dev --prefer-offline <tarball>\` into a fresh project outside the repository, warm npm cache, median of ${RUNS}`,
  alikms: measure(packs.alikms.file),
  provider: measure(packs.provider.file),
};
rmSync(dirname(packs.alikms.file), { recursive: true, force: true });

const mb = (b) => (b / 1e6).toFixed(1);
const md = `# Install cost, ${result.date.slice(0, 10)} at ${result.versions.commit}

${result.method}. Goal for \`alikms\`: ≤ 40 MB of node_modules, ≤ 20 s (issue 11; before the packages were split the
one package installed 137–149 MB).

| package | node_modules | packages | install time (median) | runs (s) |
|---|---|---|---|---|
| \`alikms\` (emulator, CLI, alikms/testing) | ${mb(result.alikms.bytes)} MB | ${result.alikms.packages} | ${(result.alikms.medianMs / 1000).toFixed(1)} s | ${result.alikms.runs.map((r) => (r.ms / 1000).toFixed(1)).join(', ')} |
| \`pulumi-resource-alikms\` (provider, for \`alikms drift\` and Pulumi) | ${mb(result.provider.bytes)} MB | ${result.provider.packages} | ${(result.provider.medianMs / 1000).toFixed(1)} s | ${result.provider.runs.map((r) => (r.ms / 1000).toFixed(1)).join(', ')} |

Machine: ${result.machine.cpu}, ${result.machine.cores} cores; node ${result.versions.node}.
`;
mkdirSync(OUT, { recursive: true });
const base = join(OUT, `${result.date.slice(0, 10)}-${result.versions.commit}-install`);
writeFileSync(`${base}.json`, JSON.stringify(result, null, 2) + '\n');
writeFileSync(`${base}.md`, md);
console.log(md);
console.log(`wrote ${base}.md`);
