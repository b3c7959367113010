/**
 * The tarball `make provider-tarball` builds, extracted the way `pulumi plugin install resource alikms 0.1.0 --file`
 * does (into $PULUMI_HOME/plugins/resource-alikms-v0.1.0/), serves the plugin on its own production node_modules.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { ResourceProviderClient } from '@pulumi/pulumi/proto/provider_grpc_pb';
import { GetSchemaRequest, type GetSchemaResponse } from '@pulumi/pulumi/proto/provider_pb';
import type { PluginInfo } from '@pulumi/pulumi/proto/plugin_pb';
import { REPO } from './support/build';

const home = mkdtempSync(join(tmpdir(), 'alikms-plugins-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

it('builds, installs into the plugin cache layout and serves from there', async () => {
  const tarball = execFileSync('bash', [join(REPO, 'provider', 'scripts', 'pack-plugin.sh')], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  expect(tarball).toMatch(/pulumi-resource-alikms-v0\.1\.0-linux-(amd64|arm64)\.tar\.gz$/);
  const dir = join(home, 'plugins', 'resource-alikms-v0.1.0');
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  expect(statSync(join(dir, 'pulumi-resource-alikms')).mode & 0o111).toBeTruthy();
  expect(readFileSync(join(dir, 'PulumiPlugin.yaml'), 'utf8')).toMatch(/runtime: nodejs/);
  // Only production dependencies: no jest, no emulator code.
  expect(() => statSync(join(dir, 'node_modules', 'jest'))).toThrow();
  expect(() => statSync(join(dir, 'node_modules', '@pulumi', 'pulumi'))).not.toThrow();

  // Launched from the extracted directory with a PATH that has node but no repo node_modules in reach.
  const child = spawn(join(dir, 'pulumi-resource-alikms'), ['127.0.0.1:1'], {
    cwd: home,
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.on('exit', (c) => reject(new Error(`exited ${c}`)));
  });
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const info = await new Promise<PluginInfo>((r, j) => client.getPluginInfo(new Empty(), (e, v) => (e ? j(e) : r(v))));
  expect(info.getVersion()).toBe('0.1.0');
  const schema = await new Promise<GetSchemaResponse>((r, j) => client.getSchema(new GetSchemaRequest(), (e, v) => (e ? j(e) : r(v))));
  expect(JSON.parse(schema.getSchema())).toEqual(JSON.parse(readFileSync(join(REPO, 'schema.json'), 'utf8')));
  client.close();
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}, 240_000);
