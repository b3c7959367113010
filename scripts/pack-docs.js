#!/usr/bin/env node
'use strict';
/**
 * `prepack` of each package: copies the repository's LICENSE (and, for packages without their own, README.md) into
 * the package directory being packed, where npm picks them up. The copies are git-ignored.
 */
const { copyFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const repo = join(__dirname, '..');
const pkgDir = process.cwd();
copyFileSync(join(repo, 'LICENSE'), join(pkgDir, 'LICENSE'));
if (!existsSync(join(pkgDir, 'README.md'))) copyFileSync(join(repo, 'README.md'), join(pkgDir, 'README.md'));
