// lowdb, steno and the noble packages ship ES modules only; ts-jest turns them into CommonJS for the test VM.
// (Plain `node` loads them through require(esm), unflagged since Node 20.19.)
const esmOnly = ['lowdb', 'steno', '@noble'];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join('|')})/)`],
  // Examples import packages by name, as users do: `@alikms/pulumi` is the generated SDK (a file: dependency in
  // examples/*/package.json); tests use its sources.
  moduleNameMapper: { '^alikms/testing$': '<rootDir>/emulator/src/testing.ts', '^@alikms/pulumi$': '<rootDir>/sdk/nodejs/index.ts' },
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
