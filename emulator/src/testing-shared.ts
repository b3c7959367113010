/**
 * One emulator for a whole test run, shared by every test file through the environment:
 *
 *   // jest.config.js
 *   module.exports = { globalSetup: 'alikms/jest-global-setup', globalTeardown: 'alikms/jest-global-teardown' };
 *   // in any test file (any worker)
 *   const kms = sharedEmulator();   // { endpoint, host, region, credentials, clock }
 *
 * globalSetup starts the emulator in jest's main process (state in memory, a free port) and publishes it in
 * ALIKMS_ENDPOINT, ALIKMS_REGION and ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET, which jest hands to its workers; the
 * workers reach it over HTTP. ALIKMS_SEED (a seed file) and ALIKMS_REGION, when set before the run, are applied.
 */
import type { ClockEvent } from './testing';
import { startEmulator, type EmulatorHandle } from './testing';
import { normalizeEndpoint } from './endpoint';

/** What globalSetup leaves for globalTeardown (they share jest's main process). */
const RUNNING = Symbol.for('alikms.sharedEmulator');
type Holder = { [RUNNING]?: EmulatorHandle };

export async function jestGlobalSetup(): Promise<void> {
  const emulator = await startEmulator({ seed: process.env.ALIKMS_SEED || undefined, region: process.env.ALIKMS_REGION || undefined });
  (globalThis as Holder)[RUNNING] = emulator;
  process.env.ALIKMS_ENDPOINT = emulator.endpoint;
  process.env.ALIKMS_REGION = emulator.region;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = emulator.credentials.accessKeyId;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = emulator.credentials.accessKeySecret;
}

export async function jestGlobalTeardown(): Promise<void> {
  const emulator = (globalThis as Holder)[RUNNING];
  delete (globalThis as Holder)[RUNNING];
  await emulator?.stop();
}

export interface SharedEmulator {
  endpoint: string;
  /** host:port, the form @alicloud/*'s `endpoint` option takes with `protocol: 'http'`. */
  host: string;
  region: string;
  credentials: { accessKeyId: string; accessKeySecret: string };
  /** The shared emulator's clock, moved through its admin endpoint (every test file sees the move). */
  clock: { advance(by: string | number): Promise<ClockEvent[]>; set(to: string | Date): Promise<ClockEvent[]> };
  /** Forgets every key, alias and instance of the account (POST /_alikms/reset; the default account is an admin). */
  reset(): Promise<void>;
}

/** The emulator globalSetup started, as the environment describes it. */
export function sharedEmulator(env: NodeJS.ProcessEnv = process.env): SharedEmulator {
  if (!env.ALIKMS_ENDPOINT)
    throw new Error(
      "ALIKMS_ENDPOINT is not set: add globalSetup: 'alikms/jest-global-setup' and globalTeardown: 'alikms/jest-global-teardown' to the jest config",
    );
  const endpoint = normalizeEndpoint(env.ALIKMS_ENDPOINT, 'ALIKMS_ENDPOINT');
  const credentials = {
    accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID ?? 'test',
    accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? 'test',
  };
  const admin = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${endpoint}/_alikms/${path}`, {
      method: 'POST',
      headers: {
        authorization: 'Basic ' + Buffer.from(`${credentials.accessKeyId}:${credentials.accessKeySecret}`).toString('base64'),
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`alikms ${path}: ${res.status} ${String(json.Message ?? '')}`);
    return json;
  };
  const clock = async (body: unknown): Promise<ClockEvent[]> =>
    (((await admin('clock', body)).events as ClockEvent[] | undefined) ?? []).map(({ kind, keyId, at }) => ({ kind, keyId, at }));
  return {
    endpoint,
    host: new URL(endpoint).host,
    region: env.ALIKMS_REGION ?? 'cn-hangzhou',
    credentials,
    clock: {
      advance: (by) => clock({ advance: by }),
      set: (to) => clock({ set: new Date(to).toISOString() }),
    },
    reset: () => admin('reset', {}).then(() => undefined),
  };
}
