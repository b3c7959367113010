// lowdb, steno and the noble packages ship ES modules only; ts-jest turns them into CommonJS for the test VM when tests
// run the emulator's sources. (The published package bundles them, so its users need none of this: emulator/scripts/build.js.)
const esmOnly = ['lowdb', 'steno', '@noble'];

// Build outputs and generated copies, which would otherwise collide in jest's module map (two package.json named
// @alikms/pulumi once `npm run build` ran in sdk/nodejs) or be collected as tests. Tests never delete them.
const buildOutputs = [
  '<rootDir>/dist/',
  '<rootDir>/emulator/dist/',
  '<rootDir>/provider/dist/',
  '<rootDir>/sdk/nodejs/bin/',
  '<rootDir>/examples/[^/]+/node_modules/',
  '<rootDir>/.alikms/',
];

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testPathIgnorePatterns: ['/node_modules/', ...buildOutputs],
  modulePathIgnorePatterns: buildOutputs,
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join('|')})/)`],
  // Examples import packages by name, as users do: `@alikms/pulumi` is the generated SDK (a file: dependency in
  // examples/*/package.json); tests use its sources, and `alikms/testing` the helper's.
  moduleNameMapper: {
    '^alikms/testing$': '<rootDir>/emulator/src/testing.ts',
    '^alikms$': '<rootDir>/emulator/src/index.ts',
    '^@alikms/pulumi$': '<rootDir>/sdk/nodejs/index.ts',
  },
};

module.exports = {
  projects: [
    // Everything but packaging: `npx jest --selectProjects default` while working.
    {
      ...shared,
      displayName: 'default',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '\\.packaging\\.test\\.ts$'],
    },
    // npm pack / npm install of the packages (plugin tarball, the consumer test): slower; `make test` and CI run them.
    { ...shared, displayName: 'packaging', testMatch: ['**/*.packaging.test.ts'] },
  ],
  // Test files are independent (each starts its own emulators, state dirs, PostgreSQL cluster and token), so both
  // cores run them.
  maxWorkers: 2,
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
