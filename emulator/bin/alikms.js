#!/usr/bin/env node
// The `alikms` command. dist/ is built by `npm run build` (in the repository) or before packing (`prepack`).
'use strict';
let cli;
try {
  cli = require('../dist/cli.js');
} catch (err) {
  if (err.code !== 'MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli.js')) throw err;
  console.error('alikms: the emulator is not built (no dist/cli.js): run `npm run build` in the alikms repository');
  process.exit(1);
}
cli.main(process.argv);
