/**
 * Logging that never touches stdout (the engine reads the port from it and keeps the rest as noise): messages go to
 * the engine's Log service when the engine address is known, else to stderr.
 */
import * as grpc from '@grpc/grpc-js';
import { EngineClient } from '@pulumi/pulumi/proto/engine_grpc_pb';
import { LogRequest, LogSeverity } from '@pulumi/pulumi/proto/engine_pb';

export type Level = 'debug' | 'info' | 'warning' | 'error';

export interface Logger {
  log(level: Level, message: string, urn?: string): void;
}

const SEVERITY: Record<Level, LogSeverity> = {
  debug: LogSeverity.DEBUG,
  info: LogSeverity.INFO,
  warning: LogSeverity.WARNING,
  error: LogSeverity.ERROR,
};

export class EngineLogger implements Logger {
  private engine?: EngineClient;

  /** Called with argv's engine address at start and again by Handshake/Attach. */
  connect(address: string | undefined): void {
    if (!address) return;
    this.engine?.close();
    this.engine = new EngineClient(address, grpc.credentials.createInsecure());
  }

  log(level: Level, message: string, urn = ''): void {
    if (!this.engine) {
      process.stderr.write(`[alikms] ${level}: ${message}\n`);
      return;
    }
    const req = new LogRequest().setSeverity(SEVERITY[level]).setMessage(message).setUrn(urn);
    this.engine.log(req, (err) => {
      // An unreachable engine must not lose the message silently: fall back to stderr.
      if (err) process.stderr.write(`[alikms] ${level}: ${message}\n`);
    });
  }

  close(): void {
    this.engine?.close();
  }
}
