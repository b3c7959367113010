/**
 * A test helper for jest and node's test runner:
 *
 *   const kms = await startEmulator({ clock: { at: '2030-01-01T00:00:00Z' } });
 *   // point an SDK at kms.endpoint with kms.credentials …
 *   await kms.clock.advance('30d');   // due rotations and deletions happen before this resolves
 *   await kms.stop();
 *
 * The emulator runs in-process on a free 127.0.0.1 port, with its state in memory unless `dataFile` is given.
 */
import { isoDate } from './domain/clock';
import type { DueEvent } from './domain/lifecycle';
import { parseInterval } from './domain/rotation';
import { DEFAULT_ACCOUNT_ID } from './wire/accounts';
import { startEmulator as start, type EmulatorOptions } from './emulator';

export interface TestEmulatorOptions extends Omit<EmulatorOptions, 'clock' | 'port'> {
  /** Start the emulator clock at this time instead of now. */
  clock?: { at?: string | Date };
  port?: number;
}

/** Something the emulator did when its clock moved: a rotation, a completed deletion, or expired material. */
export interface ClockEvent {
  kind: DueEvent['kind'];
  keyId: string;
  /** When it fell due, as KMS dates are written (`2030-01-31T00:00:00Z`). */
  at: string;
}

export interface ClockControls {
  now(): Date;
  /** `30d`, `12h`, `90m`, `3600s`, or milliseconds. */
  advance(by: string | number): Promise<ClockEvent[]>;
  set(to: string | Date): Promise<ClockEvent[]>;
}

const events = (due: DueEvent[]): ClockEvent[] => due.map((e) => ({ kind: e.kind, keyId: e.keyId, at: isoDate(e.at) }));

export interface EmulatorHandle {
  endpoint: string;
  /** host:port, the form @alicloud/*'s `endpoint` option takes with `protocol: 'http'`. */
  host: string;
  region: string;
  accountId: string;
  credentials: { accessKeyId: string; accessKeySecret: string };
  clock: ClockControls;
  /** Forgets every key, alias and instance of the account (all regions): a clean slate between tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmulator(opts: TestEmulatorOptions = {}): Promise<EmulatorHandle> {
  const emulator = await start({ schedulerIntervalMs: 0, ...opts, clock: undefined, port: opts.port ?? 0 });
  if (opts.clock?.at !== undefined) {
    emulator.clock.set(new Date(opts.clock.at).getTime());
    await emulator.kms.lifecycle.runDue();
  }
  const [key] = emulator.accounts.all();
  return {
    endpoint: emulator.endpoint,
    host: `${emulator.host}:${emulator.port}`,
    region: emulator.region,
    accountId: key?.accountId ?? DEFAULT_ACCOUNT_ID,
    credentials: { accessKeyId: key.id, accessKeySecret: key.secret },
    clock: {
      now: () => new Date(emulator.clock.now()),
      advance(by) {
        const ms = typeof by === 'number' ? by : (parseInterval(by) ?? Number.NaN) * 1000;
        if (!Number.isFinite(ms)) throw new RangeError(`not a duration: ${by}`);
        return emulator.kms.lifecycle.advance(ms).then(events);
      },
      set: (to) => emulator.kms.lifecycle.setTime(new Date(to).getTime()).then(events),
    },
    reset: () => emulator.kms.reset(key?.accountId ?? DEFAULT_ACCOUNT_ID).then(() => undefined),
    stop: () => emulator.stop(),
  };
}

// One emulator per jest run (globalSetup / globalTeardown), reached from test files through the environment.
export { sharedEmulator, type SharedEmulator } from './testing-shared';
