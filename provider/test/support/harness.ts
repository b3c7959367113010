/** One test file's world: a real emulator, a fake engine, the plugin process, the engine model and an official SDK client. */
import { startTestEmulator, removeDir, type TestEmulator } from '../../../emulator/test/support/emulator';
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

export async function startHarness(env: NodeJS.ProcessEnv = {}): Promise<Harness> {
  // Instances connect at once here: the harness does not wait on the emulator clock.
  const emulator = await startTestEmulator({ kms: { connectDelayMs: 0 } });
  const engine = new FakeEngine();
  await engine.start();
  const plugin = await launchPlugin(engine.address, env);
  const sim = new EngineSim(plugin, engine.address);
  await sim.startup({ endpoint: emulator.endpoint, region: 'cn-hangzhou', accessKeyId: 'test', accessKeySecret: secret('test') });
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
