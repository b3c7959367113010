/**
 * schema.json, the provider's resource definitions and sdk/nodejs agree: the schema is exactly what the definitions
 * produce, the SDK is exactly what the generator makes of the schema, it compiles, and at run time (setMocks) every
 * SDK class registers its schema token with exactly its schema inputs and enforces exactly its required inputs.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { buildSchema } from '../src/schema';
import { RESOURCES } from '../src/resources';
import { FUNCTIONS } from '../src/functions';
import { ENUMS } from '../src/enums';
import { CONFIG_KEYS } from '../src/config';
import { REPO } from './support/build';

const { generate } = require('../../sdk/gen-nodejs.js');
const schema = JSON.parse(readFileSync(join(REPO, 'schema.json'), 'utf8'));
const SDK = join(REPO, 'sdk', 'nodejs');

it('schema.json is what the provider definitions produce (run `node provider/dist/schema.js` after changing them)', () => {
  expect(schema).toEqual(buildSchema());
  expect(Object.keys(schema.resources).sort()).toEqual(RESOURCES.map((r) => r.token).sort());
  expect(Object.keys(schema.config.variables).sort()).toEqual([...CONFIG_KEYS].sort());
  for (const r of Object.values<any>(schema.resources)) {
    expect(r.description.length).toBeGreaterThan(20);
    for (const p of Object.values<any>(r.properties)) expect(p.description).toBeTruthy();
  }
  expect(schema.config.variables.accessKeySecret.secret).toBe(true);
  expect(schema.config.variables.securityToken.secret).toBe(true);
  expect(Object.keys(schema.functions).sort()).toEqual(FUNCTIONS.map((f) => f.token).sort());
});

it('enum types for key spec, key usage, origin, product version and payment type, referenced by the properties', () => {
  for (const name of ['KeySpec', 'KeyUsage', 'KeyOrigin', 'ProductVersion', 'PaymentType', 'KeyStorageMechanism'])
    expect(schema.types[`alikms:index:${name}`]).toMatchObject({ type: 'string', enum: expect.any(Array) });
  expect(schema.types['alikms:index:KeyUsage'].enum).toEqual(ENUMS.find((e) => e.token === 'alikms:index:KeyUsage')!.values);
  const key = schema.resources['alikms:index:Key'];
  expect(key.inputProperties.keySpec.$ref).toBe('#/types/alikms:index:KeySpec');
  expect(key.inputProperties.origin.$ref).toBe('#/types/alikms:index:KeyOrigin');
  expect(schema.resources['alikms:index:Instance'].inputProperties.productVersion.$ref).toBe('#/types/alikms:index:ProductVersion');
  // Key material is a secret input and never an output.
  expect(key.inputProperties.keyMaterial.secret).toBe(true);
  expect(key.properties.keyMaterial).toBeUndefined();
  expect(key.requiredInputs).toEqual([]);
});

it('sdk/nodejs is what the generator makes of schema.json (run `node sdk/gen-nodejs.js` after changing it)', () => {
  for (const [file, text] of Object.entries<string>(generate(schema)))
    expect([file, readFileSync(join(SDK, file), 'utf8')]).toEqual([file, text]);
});

describe('the SDK at run time', () => {
  let sdk: any;
  const registered: { type: string; name: string; inputs: Record<string, unknown>; id?: string }[] = [];
  const invoked: { token: string; inputs: Record<string, unknown> }[] = [];

  // Compiled into a fresh directory, never sdk/nodejs/bin (a user's `npm run build` output, left as it is). It sits under
  // node_modules so the compiled SDK resolves @pulumi/pulumi, the same instance as this test's.
  const out = mkdtempSync(join(REPO, 'node_modules', '.alikms-sdk-test-'));
  beforeAll(() => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(SDK, 'tsconfig.json'), '--outDir', out], {
      stdio: 'pipe',
    });
    copyFileSync(join(SDK, 'package.json'), join(out, 'package.json'));
    pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          registered.push({ type: a.type, name: a.name, inputs: a.inputs, id: a.id });
          return { id: a.id || `${a.name}-id`, state: a.inputs };
        },
        call: (a) => {
          invoked.push({ token: a.token, inputs: a.inputs });
          return { ...a.inputs, answeredBy: a.token };
        },
      },
      'alikms-sdk',
      'test',
    );
    sdk = require(out);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const sample = (p: any): unknown =>
    p.type === 'string' ? 'x' : p.type === 'boolean' ? true : p.type === 'integer' ? 7 : p.type === 'array' ? [] : { a: 'b' };

  it.each(Object.entries<any>(schema.resources))('%s: token, inputs and required inputs match the schema', async (token, r) => {
    const cls = sdk[token.split(':')[2]];
    const args = Object.fromEntries(Object.entries<any>(r.inputProperties).map(([k, p]) => [k, sample(p)]));
    const res = new cls(`all-${token}`, args);
    expect(cls.isInstance(res)).toBe(true);
    await new Promise<void>((done) => res.urn.apply(() => done()));
    const seen = registered.find((x) => x.name === `all-${token}`)!;
    expect(seen.type).toBe(token);
    expect(Object.keys(seen.inputs).sort()).toEqual(Object.keys(r.inputProperties).sort());
    for (const req of r.requiredInputs) {
      const { [req]: _omit, ...rest } = args;
      expect(() => new cls(`missing-${req}`, rest)).toThrow(`Missing required property '${req}'`);
    }
    const optional = Object.keys(r.inputProperties).filter((k) => !r.requiredInputs.includes(k));
    for (const k of optional) expect(r.requiredInputs).not.toContain(k);
    // get(): a read of an existing resource by ID.
    const got = cls.get(`got-${token}`, 'some-id');
    await new Promise<void>((done) => got.urn.apply(() => done()));
    expect(registered.find((x) => x.name === `got-${token}`)!.id).toBe('some-id');
  });

  it.each(Object.entries<any>(schema.functions))(
    '%s: the SDK function and its Output form invoke the token with every argument',
    async (token, f) => {
      const fn = token.split(':')[2];
      const args = Object.fromEntries(Object.entries<any>(f.inputs.properties).map(([k, p]) => [k, p.$ref ? 'x' : sample(p)]));
      const result = await sdk[fn](args);
      expect(result.answeredBy).toBe(token);
      expect(invoked.at(-1)).toEqual({ token, inputs: args });
      const out = sdk[`${fn}Output`](args);
      expect(await new Promise((r) => out.apply(r))).toMatchObject({ answeredBy: token });
      expect(invoked.at(-1)).toEqual({ token, inputs: args });
    },
  );

  it('enums are exported as values and types, as generated SDKs do', () => {
    expect(sdk.types.enums.KeySpec.Aliyun_SM4).toBe('Aliyun_SM4');
    expect(sdk.types.enums.KeyUsage.SignVerify).toBe('SIGN/VERIFY');
    expect(sdk.types.enums.ProductVersion.Hardware).toBe('5');
  });

  it('the provider resource carries every config key and keeps the secret ones secret', async () => {
    const p = new sdk.Provider('p', { endpoint: 'http://127.0.0.1:1', accessKeyId: 'a', accessKeySecret: 's' });
    expect(sdk.Provider.isInstance(p)).toBe(true);
    expect(await new Promise((r) => p.accessKeySecret.isSecret.then(r))).toBe(true);
    const seen = registered.find((x) => x.name === 'p')!;
    expect(seen.type).toBe('pulumi:providers:alikms');
  });
});

test("the provider's key specs are the emulator's registry (provider/src/key-specs.ts is generated from it)", () => {
  // A child process: the generator formats with prettier, which jest's module sandbox cannot load.
  expect(() => execFileSync(process.execPath, [join(REPO, 'scripts/gen-key-specs.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
});
