/** The package version, for `alikms --version`: package.json sits one level above both src/ and dist/. */
export const VERSION: string = (require('../package.json') as { version: string }).version;
