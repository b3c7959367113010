/**
 * Launches pulumi-resource-alikms exactly as the engine does (exec with [flags] <engine address>, read the port from
 * the first stdout line) and talks to it through the grpc-js client stubs shipped in @pulumi/pulumi.
 */
import * as grpc from '@grpc/grpc-js';
import { spawn, type ChildProcess } from 'node:child_process';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';
import { ResourceProviderClient } from '@pulumi/pulumi/proto/provider_grpc_pb';
import { EngineService } from '@pulumi/pulumi/proto/engine_grpc_pb';
import type { LogRequest } from '@pulumi/pulumi/proto/engine_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { buildProvider, LAUNCHER } from './build';

export type Props = Record<string, unknown>;
export const toStruct = (p: Props) => Struct.fromJavaScript(p as Record<string, any>);
export const fromStruct = (s: Struct | undefined): Props => (s ? (s.toJavaScript() as Props) : {});

/** A stand-in for the engine's Engine service: collects Log calls. */
export class FakeEngine {
  readonly logs: { severity: number; message: string; urn: string }[] = [];
  private server = new grpc.Server();
  address = '';

  async start(): Promise<void> {
    this.server.addService(EngineService, {
      log: (call: grpc.ServerUnaryCall<LogRequest, Empty>, cb: grpc.sendUnaryData<Empty>) => {
        this.logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
        cb(null, new Empty());
      },
      getRootResource: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb({ code: grpc.status.UNIMPLEMENTED } as grpc.ServiceError, null),
      setRootResource: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb({ code: grpc.status.UNIMPLEMENTED } as grpc.ServiceError, null),
      startDebugging: (_c: unknown, cb: grpc.sendUnaryData<Empty>) => cb(null, new Empty()),
      requirePulumiVersion: (_c: unknown, cb: grpc.sendUnaryData<Empty>) => cb(null, new Empty()),
    });
    const port = await new Promise<number>((res, rej) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
    );
    this.address = `127.0.0.1:${port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.tryShutdown(() => r()));
  }
}

export interface RunningPlugin {
  client: ResourceProviderClient;
  process: ChildProcess;
  /** Everything written to stdout (must be the port line only). */
  stdout(): string;
  stderr(): string;
  /** Promisified unary call: `call('check', req)`. */
  call<Res>(method: string, req: unknown): Promise<Res>;
  stop(): Promise<void>;
}

export async function launchPlugin(engineAddress: string, env: NodeJS.ProcessEnv = {}): Promise<RunningPlugin> {
  buildProvider();
  // The engine adds flags before the address; pass the usual ones so argument parsing is exercised.
  const child = spawn(LAUNCHER, ['--logtostderr', '-v=9', engineAddress], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PULUMI_PROJECT: 'alikms-test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '',
    err = '';
  child.stderr!.on('data', (d) => (err += d));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(Number(out.slice(0, nl).trim()));
    });
    child.on('exit', (code) => reject(new Error(`plugin exited (${code}) before printing its port: ${err}`)));
  });
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    client,
    process: child,
    stdout: () => out,
    stderr: () => err,
    call<Res>(method: string, req: unknown) {
      return new Promise<Res>((resolve, reject) =>
        (client as any)[method](req, (e: grpc.ServiceError | null, res: Res) => (e ? reject(e) : resolve(res))),
      );
    },
    async stop() {
      client.close();
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    },
  };
}
