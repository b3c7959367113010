'use strict';
/**
 * A user's project, made the way a user makes one: the repository's packages packed with `npm pack` (their prepack
 * builds them) and installed from the tarballs into a fresh directory outside the repository, so nothing resolves from
 * the workspace's node_modules. Used by the consumer test (emulator/test/packaging) and `node bench/install.js`.
 */
const { execFileSync } = require('node:child_process');
const { mkdirSync, mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = join(__dirname, '..', '..');
const WORKSPACES = { alikms: 'alikms', provider: 'pulumi-resource-alikms', sdk: '@alikms/pulumi' };

/** The environment without what `npm run`/`npx` put in it for the repository (npm_config_*, npm_package_*, …). */
function cleanEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
  return { ...env, ...extra };
}

/** `npm pack` of the packages (keys of WORKSPACES, default all three) into a fresh directory: key -> { file, files }. */
function packAll(keys = Object.keys(WORKSPACES)) {
  const dir = mkdtempSync(join(tmpdir(), 'alikms-packs-'));
  const args = ['pack', '--json', '--pack-destination', dir, ...keys.flatMap((k) => ['-w', WORKSPACES[k]])];
  const packed = JSON.parse(execFileSync('npm', args, { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  const byName = Object.fromEntries(packed.map((p) => [p.name, { file: join(dir, p.filename), files: p.files.map((f) => f.path) }]));
  return Object.fromEntries(keys.map((key) => [key, byName[WORKSPACES[key]]]));
}

/** A fresh project directory (package.json only), outside the repository. */
function freshProject(name = 'alikms-consumer') {
  const dir = join(mkdtempSync(join(tmpdir(), 'alikms-consumer-')), name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }, null, 2) + '\n');
  return dir;
}

/** `npm install --save-dev <specs>` in `dir` from the warm npm cache; returns how long it took (ms). */
function npmInstall(dir, specs) {
  const t0 = performance.now();
  execFileSync('npm', ['install', '--save-dev', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs], {
    cwd: dir,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return performance.now() - t0;
}

/** Bytes on disk under `dir` (du, apparent sizes). */
const diskBytes = (dir) => Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);

module.exports = { ROOT, cleanEnv, packAll, freshProject, npmInstall, diskBytes };
