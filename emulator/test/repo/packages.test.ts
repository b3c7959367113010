/**
 * The workspace's packages as their users see them: publishable packages carry what npm shows and needs (licence,
 * repository, engines, a prepack that builds, a files list), the toolchain pins hold, and jest keeps away from every
 * package's build output so `npm run build` in any of them leaves `make test` working.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');
const json = (path: string) => JSON.parse(readFileSync(join(REPO, path), 'utf8'));
const root = json('package.json');
const PACKAGES = { emulator: 'alikms', provider: 'pulumi-resource-alikms', 'sdk/nodejs': '@alikms/pulumi' } as const;

test('the root is a private workspace of the three packages', () => {
  expect(root.private).toBe(true);
  expect(root.workspaces).toEqual(Object.keys(PACKAGES));
  expect(root.dependencies).toBeUndefined();
});

test.each(Object.entries(PACKAGES))('%s is %s, publishable, with licence, repository, engines, prepack and files', (dir, name) => {
  const pkg = json(`${dir}/package.json`);
  expect(pkg).toMatchObject({ name, version: root.version, license: 'Apache-2.0', engines: { node: '^20.19.0 || ^22.12.0 || ^24.0.0' } });
  expect(pkg.private).toBeUndefined();
  expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//), directory: dir });
  expect(pkg.scripts.prepack).toBeTruthy();
  expect(pkg.files.length).toBeGreaterThan(0);
});

test('the emulator package depends on no Pulumi, gRPC or protobuf package; pg and pkcs11js are optional', () => {
  const pkg = json('emulator/package.json');
  const runtime = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies });
  expect(runtime.filter((d) => /pulumi|grpc|protobuf|opentelemetry/.test(d))).toEqual([]);
  expect(Object.keys(pkg.optionalDependencies).sort()).toEqual(['pg', 'pkcs11js']);
  expect(pkg.peerDependenciesMeta['pulumi-resource-alikms']).toEqual({ optional: true });
});

test('toolchain pins: TypeScript ~5.9, google-protobuf 3.21.4, exact @pulumi/pulumi and @grpc/grpc-js', () => {
  expect(root.devDependencies.typescript).toMatch(/^~5\.9\./);
  const provider = json('provider/package.json').dependencies;
  expect(provider['google-protobuf']).toBe('3.21.4');
  expect(provider['@pulumi/pulumi']).toMatch(/^\d+\.\d+\.\d+$/);
  expect(provider['@grpc/grpc-js']).toMatch(/^\d+\.\d+\.\d+$/);
  expect(json('package-lock.json').packages['node_modules/google-protobuf'].version).toBe('3.21.4');
});

test("jest ignores every package's build output (module map and test paths)", () => {
  const config = require(join(REPO, 'jest.config.js'));
  const outputs = ['emulator/dist/', 'provider/dist/', 'sdk/nodejs/bin/'];
  for (const project of config.projects) {
    for (const out of outputs) {
      expect(project.modulePathIgnorePatterns).toContain(`<rootDir>/${out}`);
      expect(project.testPathIgnorePatterns).toContain(`<rootDir>/${out}`);
    }
  }
});
