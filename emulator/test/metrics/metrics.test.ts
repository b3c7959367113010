/**
 * /_alikms/metrics: who may scrape it, and that what it says follows what happened through the official clients.
 */
import { ownerAccess } from '../../src/domain/authorization';
import { Accounts } from '../../src/wire/accounts';
import { acs3Client } from '../support/clients';
import { startTestEmulator, stopTestEmulator, useEmulator, type TestEmulator } from '../support/emulator';
import { readyInstance } from '../support/instances';

const TENANT = { accountId: '2222222222222222', id: 'tenant', secret: 'tenant-secret' };
const basic = (id: string, secret: string) => ({ authorization: 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64') });

let emu: TestEmulator;
let acs3: ReturnType<typeof acs3Client>;
useEmulator(
  (e) => {
    emu = e;
    acs3 = acs3Client(e);
  },
  {
    accounts: new Accounts([{ accountId: '1234567890123456', id: 'test', secret: 'test' }, TENANT], ['1234567890123456']),
    adminToken: 'token',
    schedulerIntervalMs: 0,
    kms: { connectDelayMs: 0 },
  },
);

const scrape = async (headers: Record<string, string> = basic('test', 'test')) => {
  const res = await fetch(`${emu.endpoint}/_alikms/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};
/** The value of one sample, `name{labels}`, in the exposition (undefined when absent). */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

test('admin credentials scrape it; a tenant is refused, and so is a request without credentials', async () => {
  const ok = await scrape();
  expect(ok).toMatchObject({ status: 200, type: 'text/plain; version=0.0.4; charset=utf-8' });
  expect(ok.text).toMatch(/^# TYPE alikms_requests_total counter$/m);
  expect(ok.text).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
  expect((await scrape({ authorization: 'Bearer token' })).status).toBe(200);
  expect((await scrape(basic(TENANT.id, TENANT.secret))).status).toBe(403);
  expect((await scrape({})).status).toBe(401);
});

test('requests by action and code, latency by action, keys by state and spec, instances by kind', async () => {
  const { KeyId } = (await acs3('CreateKey', {})).KeyMetadata;
  await acs3('Encrypt', { KeyId, Plaintext: 'aGk=' });
  await acs3('DisableKey', { KeyId });
  await expect(acs3('Encrypt', { KeyId, Plaintext: 'aGk=' })).rejects.toMatchObject({ code: 'Rejected.Disabled' });
  await readyInstance(emu, { productVersion: 'hardware' });
  const { text } = await scrape();
  expect(sample(text, 'alikms_requests_total{action="Encrypt",code="OK"}')).toBe(1);
  expect(sample(text, 'alikms_requests_total{action="Encrypt",code="Rejected.Disabled"}')).toBe(1);
  expect(sample(text, 'alikms_request_duration_seconds_count{action="Encrypt"}')).toBe(2);
  expect(sample(text, 'alikms_request_duration_seconds_bucket{le="+Inf",action="Encrypt"}')).toBe(2);
  expect(sample(text, 'alikms_keys{state="Disabled",spec="Aliyun_AES_256"}')).toBe(1);
  expect(sample(text, 'alikms_instances{kind="hardware"}')).toBe(1);
  expect(sample(text, 'alikms_requests_total{action="CreateInstance",code="OK"}')).toBe(1);
});

test('lifecycle events applied: a rotation when the clock moves past it', async () => {
  const { KeyId } = (await acs3('CreateKey', { EnableAutomaticRotation: true, RotationInterval: '7d' })).KeyMetadata;
  expect(sample((await scrape()).text, 'alikms_lifecycle_events_total{kind="rotate"}')).toBe(0);
  await emu.kms.lifecycle.advance(8 * 86_400_000);
  expect((await acs3('ListKeyVersions', { KeyId })).TotalCount).toBe(2);
  expect(sample((await scrape()).text, 'alikms_lifecycle_events_total{kind="rotate"}')).toBe(1);
});

test("throttled calls: an instance's Spec used up within one second", async () => {
  const instanceId = await readyInstance(emu, { spec: 200 });
  const { KeyId } = (await acs3('CreateKey', { DKMSInstanceId: instanceId })).KeyMetadata;
  const scope = { accountId: '1234567890123456', regionId: emu.region };
  // One frozen second of real time: the domain takes the instance's 200 calls, then the SDK's call is the 201st.
  const now = jest.spyOn(Date, 'now').mockReturnValue(Date.now());
  try {
    for (let n = 0; n < 200; n++) await emu.kms.symmetric.encrypt(ownerAccess(scope, 'Encrypt'), KeyId, Buffer.from('x'), undefined);
    await expect(acs3('Encrypt', { KeyId, Plaintext: 'aGk=' })).rejects.toMatchObject({ code: 'Rejected.Throttling' });
  } finally {
    now.mockRestore();
  }
  const { text } = await scrape();
  expect(sample(text, 'alikms_throttled_requests_total{action="Encrypt"}')).toBe(1);
  expect(sample(text, 'alikms_requests_total{action="Encrypt",code="Rejected.Throttling"}')).toBe(1);
});

describe('switches', () => {
  let other: TestEmulator | undefined;
  afterEach(async () => {
    if (other) await stopTestEmulator(other);
    other = undefined;
  });

  test('--metrics-open: anyone may scrape', async () => {
    other = await startTestEmulator({ metricsOpen: true, schedulerIntervalMs: 0 });
    expect((await fetch(`${other.endpoint}/_alikms/metrics`)).status).toBe(200);
  });

  test('--no-metrics: there is nothing to scrape, whoever asks', async () => {
    other = await startTestEmulator({ metrics: false, schedulerIntervalMs: 0 });
    for (const headers of [{}, basic('test', 'test')]) {
      const res = await fetch(`${other.endpoint}/_alikms/metrics`, { headers });
      expect([res.status, ((await res.json()) as { Code: string }).Code]).toEqual([404, 'InvalidApi.NotFound']);
    }
  });
});
