#!/usr/bin/env node
'use strict';
/**
 * Builds the `alikms` package into emulator/dist:
 *   types/**.d.ts  declarations, from tsc (which also type-checks the sources)
 *   alikms.js      the emulator, CLI and testing helper bundled into one CommonJS file by esbuild
 *   index.js, testing.js, cli.js   the package's entry points, each re-exporting its part of alikms.js
 *   THIRD-PARTY-NOTICES.md         licences of the packages bundled into alikms.js
 *
 * Why a bundle: lowdb, steno and the @noble packages ship ES modules only. Node (>= 20.19) loads them from CommonJS,
 * but jest's module system does not, so a user's jest suite would need transform settings for our dependencies.
 * Bundled, they are plain CommonJS inside alikms.js and are not installed at all. Packages that are CommonJS already
 * (the package.json `dependencies`) and the optional native/driver ones (pg, pkcs11js) stay external and installed.
 * One bundle, not one per entry point, so the testing helper and the library share one copy of every class.
 */
const { execFileSync } = require('node:child_process');
const { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const esbuild = require('esbuild');

const PKG_DIR = join(__dirname, '..');
const DIST = join(PKG_DIR, 'dist');
const pkg = require('../package.json');
// Installed with the package, so left out of the bundle (the optional ones are handled by optionalPlugin below).
const runtime = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies });

/**
 * Optional packages, loaded when first used: a missing one fails that feature with a message saying what to install,
 * not the whole emulator at start.
 */
const OPTIONAL = {
  pg: { entry: 'Pool', feature: 'a PostgreSQL store (--store, ALIKMS_STORE)', hint: '' },
  pkcs11js: {
    entry: 'PKCS11',
    feature: 'a PKCS#11 HSM (--pkcs11-module, ALIKMS_PKCS11_MODULE)',
    hint: ' (a native addon: if npm did not run its install script, allow it and run `npm rebuild pkcs11js`)',
  },
};

/**
 * The module the bundle gets for an optional package: its exports as getters that load the package on first use.
 * Without the package, its entry point (the class every use starts with) throws the message; other exports read as
 * undefined, so tables of constants built when the emulator loads do not stop an emulator that never uses them.
 */
function optionalModule(name) {
  const version = pkg.optionalDependencies[name];
  let names;
  try {
    names = Object.keys(require(name)).filter((n) => n !== '__esModule' && n !== 'default');
  } catch (err) {
    throw new Error(`building needs ${name} installed and loadable, to list its exports: ${err.message}`);
  }
  const { entry, feature, hint } = OPTIONAL[name];
  if (!names.includes(entry)) throw new Error(`${name} has no export ${entry}`);
  return `let loaded;
let failure;
function load(name) {
  if (loaded) return loaded[name];
  if (failure && name !== ${JSON.stringify(entry)}) return undefined;
  try {
    return (loaded = require(${JSON.stringify(name)}))[name];
  } catch (err) {
    failure = err;
    if (name !== ${JSON.stringify(entry)}) return undefined;
    const why = err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(${JSON.stringify(`'${name}'`)})
      ? 'which is not installed' : 'which could not be loaded (' + (err && err.message) + ')';
    throw new Error(${JSON.stringify(`${feature} needs the optional package ${name}, `)} + why +
      ${JSON.stringify(`: npm install ${name}@${version}${hint}`)});
  }
}
for (const name of ${JSON.stringify(names)})
  Object.defineProperty(module.exports, name, { enumerable: true, get: () => load(name) });
`;
}

const optionalPlugin = {
  name: 'optional-packages',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(OPTIONAL).join('|')})$`);
    build.onResolve({ filter }, (args) =>
      args.namespace === 'optional' ? { path: args.path, external: true } : { path: args.path, namespace: 'optional' },
    );
    build.onLoad({ filter: /.*/, namespace: 'optional' }, (args) => ({ contents: optionalModule(args.path), loader: 'js' }));
  },
};

/** The bundle's parts: name -> the source module (under src/) it exports. */
const PARTS = { library: 'index', testing: 'testing', cli: 'cli', jest: 'testing-shared' };
/** The entry points: file in dist/ -> the part of the bundle it exports. */
const ENTRIES = { 'index.js': 'library', 'testing.js': 'testing', 'cli.js': 'cli' };
/** Entry files that are one function (jest's globalSetup / globalTeardown take `module.exports = fn`). */
const FUNCTIONS = { 'jest-global-setup.js': ['jest', 'jestGlobalSetup'], 'jest-global-teardown.js': ['jest', 'jestGlobalTeardown'] };

function typecheckAndDeclare() {
  // Stale declarations of removed sources would otherwise ship.
  rmSync(join(DIST, 'types'), { recursive: true, force: true });
  rmSync(join(DIST, '.tsbuildinfo'), { force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(PKG_DIR, 'tsconfig.json')], {
    stdio: ['ignore', 2, 2],
  }); // stdout stays clean for `npm pack --json`
}

async function bundle() {
  const result = await esbuild.build({
    stdin: {
      contents: Object.entries(PARTS)
        .map(([name, module]) => `export * as ${name} from './${module}';`)
        .join('\n'),
      resolveDir: join(PKG_DIR, 'src'),
      sourcefile: 'alikms-bundle.ts',
      loader: 'ts',
    },
    absWorkingDir: PKG_DIR,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: join(DIST, 'alikms.js'),
    external: runtime.flatMap((d) => [d, `${d}/*`]),
    plugins: [optionalPlugin],
    keepNames: true,
    metafile: true,
    logLevel: 'silent',
    banner: {
      js: `/* alikms ${pkg.version}, bundled by emulator/scripts/build.js; licences of bundled packages: THIRD-PARTY-NOTICES.md */`,
    },
  });
  // A require() esbuild cannot follow (a computed name) would fail at run time where the package is installed:
  // every warning is an error here.
  if (result.warnings.length) {
    const text = await esbuild.formatMessages(result.warnings, { kind: 'warning' });
    throw new Error(`esbuild warnings:\n${text.join('\n')}`);
  }
  return result.metafile;
}

/** Entry files whose exports Node's CommonJS lexer can read, so `import { startEmulator } from 'alikms/testing'` works. */
function writeEntries() {
  const bundled = require(join(DIST, 'alikms.js'));
  for (const [file, part] of Object.entries(ENTRIES)) {
    const names = Object.keys(bundled[part]).sort();
    const lines = [
      "'use strict';",
      `// The ${part} part of alikms.js (see emulator/scripts/build.js).`,
      `const part = require('./alikms.js').${part};`,
      ...names.map((n) => `exports.${n} = part.${n};`),
    ];
    writeFileSync(join(DIST, file), lines.join('\n') + '\n');
  }
  for (const [file, [part, fn]] of Object.entries(FUNCTIONS)) {
    if (typeof bundled[part][fn] !== 'function') throw new Error(`${part}.${fn} is not a function`);
    writeFileSync(join(DIST, file), `'use strict';\nmodule.exports = require('./alikms.js').${part}.${fn};\n`);
  }
}

/** Name, version, licence and licence text of every package with code in the bundle. */
function writeNotices(metafile) {
  const roots = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) roots.add(m[1]);
  }
  const sections = [...roots]
    .map((root) => join(PKG_DIR, root))
    .map((dir) => {
      const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const licenceFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
      const text = licenceFile
        ? readFileSync(join(dir, licenceFile), 'utf8').trim()
        : `(no licence file; package.json says ${meta.license})`;
      return {
        id: `${meta.name}@${meta.version}`,
        section: `## ${meta.name}@${meta.version} (${meta.license})\n\n\`\`\`\n${text}\n\`\`\`\n`,
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  const unique = [...new Map(sections.map((s) => [s.id, s.section])).values()];
  writeFileSync(
    join(DIST, 'THIRD-PARTY-NOTICES.md'),
    `# Packages bundled into alikms.js\n\n${unique.length} packages; their licences follow.\n\n${unique.join('\n')}`,
  );
}

async function main() {
  mkdirSync(DIST, { recursive: true });
  typecheckAndDeclare();
  const metafile = await bundle();
  writeEntries();
  writeNotices(metafile);
  const size = readFileSync(join(DIST, 'alikms.js')).length;
  console.error(`${relative(process.cwd(), join(DIST, 'alikms.js')) || 'alikms.js'}: ${(size / 1024).toFixed(0)} KiB`);
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
