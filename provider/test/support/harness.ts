/** One test file's world: a real emulator, a fake engine, the plugin process, the engine model and an official SDK client. */
import { startTestEmulator, removeDir, type TestEmulator } from '../../../emulator/test/support/emulator';
import type { EmulatorOptions } from '../../../emulator/src/emulator';
import { acs3Client, popClient } from '../../../emulator/test/support/clients';
import { EngineSim } from './engine';
import { FakeEngine, launchPlugin, type RunningPlugin } from './plugin';
import { SIG_KEY, SECRET_SIG } from '../../src/values';

export const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

export interface Harness {
  emulator: TestEmulator;
  engine: FakeEngine;
  plugin: RunningPlugin;
  sim: EngineSim;
  /** The official SDK (openapi-client callApi) against the emulator: the "out of band" actor. */
  cloud: ReturnType<typeof acs3Client>;
  /** A connected pay-as-you-go software instance bought out of band (BssOpenApi + ConnectKmsInstance). */
  instanceId: string;
  close(): Promise<void>;
}

/** Buys and connects an instance with the official SDKs, as an operator would before running a program. */
export async function makeInstance(endpoint: string, cloud: ReturnType<typeof acs3Client>): Promise<string> {
  const bss = popClient({ endpoint });
  (bss as any).apiVersion = '2017-12-14';
  const bought: any = await bss.request(
    'CreateInstance',
    {
      ProductCode: 'kms',
      SubscriptionType: 'PayAsYouGo',
      'Parameter.1.Code': 'ProductVersion',
      'Parameter.1.Value': '3',
      'Parameter.2.Code': 'KeyNum',
      'Parameter.2.Value': '1000',
    },
    { method: 'POST' },
  );
  const instanceId = bought.Data.InstanceId as string;
  await cloud('ConnectKmsInstance', {
    KmsInstanceId: instanceId,
    KMProvider: 'Aliyun',
    VpcId: 'vpc-test',
    ZoneIds: 'cn-hangzhou-k,cn-hangzhou-j',
    VSwitchIds: 'vsw-test',
  });
  return instanceId;
}

/** The provider config the harness starts with (credentials test/test, the emulator as KMS and BSS endpoint). */
export const providerConfig = (endpoint: string) => ({
  endpoint,
  region: 'cn-hangzhou',
  accessKeyId: 'test',
  accessKeySecret: secret('test'),
});

/**
 * `emulator` options go to the emulator (a seed, a connect delay); by default instances connect at once, so the harness
 * does not wait on the emulator clock.
 */
export async function startHarness(env: NodeJS.ProcessEnv = {}, emulatorOptions: EmulatorOptions = {}): Promise<Harness> {
  const emulator = await startTestEmulator({ ...emulatorOptions, kms: { connectDelayMs: 0, ...emulatorOptions.kms } });
  const engine = new FakeEngine();
  await engine.start();
  const plugin = await launchPlugin(engine.address, env);
  const sim = new EngineSim(plugin, engine.address);
  await sim.startup(providerConfig(emulator.endpoint));
  const cloud = acs3Client({ endpoint: emulator.endpoint });
  const instanceId = await makeInstance(emulator.endpoint, cloud);
  return {
    instanceId,
    emulator,
    engine,
    plugin,
    sim,
    cloud,
    async close() {
      await plugin.stop();
      await engine.stop();
      await emulator.stop();
      removeDir(emulator.dir);
    },
  };
}

/** Moves the emulator clock forward through its admin endpoint (as `alikms clock advance` does). */
export async function advanceClock(endpoint: string, by: string): Promise<void> {
  const res = await fetch(`${endpoint}/_alikms/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('test:test').toString('base64')}` },
    body: JSON.stringify({ advance: by }),
  });
  if (!res.ok) throw new Error(`advancing the emulator clock failed: ${res.status} ${await res.text()}`);
}
