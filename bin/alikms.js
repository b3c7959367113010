#!/usr/bin/env node
// Entry point of the `alikms` command; the TypeScript sources are compiled to dist/ by `npm run build`.
require('../dist/emulator/src/cli.js')
  .cli()
  .parseAsync(process.argv)
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
