/** Retry policy: throttling and transient failures are retried with growing delays; other errors and Cancel stop it. */
import { retrying, isTransient, type RetryPolicy } from '../src/retry';
import { ApiError, flattenQuery } from '../src/client';
import { resolveConfig } from '../src/config';

const policy = (delays: number[], extra: Partial<RetryPolicy> = {}): RetryPolicy => ({
  attempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  sleep: async (ms) => void delays.push(ms),
  ...extra,
});

it('retries Rejected.Throttling with exponential backoff, then succeeds', async () => {
  const delays: number[] = [];
  let calls = 0;
  const result = await retrying(policy(delays), 'CreateKey', async () => {
    if (++calls < 3) throw new ApiError('CreateKey', 'Rejected.Throttling', 'slow down');
    return 'ok';
  });
  expect(result).toBe('ok');
  expect(delays).toHaveLength(2);
  expect(delays[0]).toBeGreaterThanOrEqual(50);
  expect(delays[0]).toBeLessThanOrEqual(100);
  expect(delays[1]).toBeGreaterThanOrEqual(100);
  expect(delays[1]).toBeLessThanOrEqual(200);
});

it('gives up after the last attempt with the API code in the error', async () => {
  const err = await retrying(policy([]), 'DescribeKey', async () => {
    throw new ApiError('DescribeKey', 'InternalFailure', 'boom');
  }).catch((e) => e);
  expect(err.message).toBe('DescribeKey failed: InternalFailure: boom');
});

it('does not retry client errors, nor after Cancel', async () => {
  let calls = 0;
  await expect(
    retrying(policy([]), 'X', async () => {
      calls++;
      throw new ApiError('X', 'Forbidden.KeyNotFound', 'no');
    }),
  ).rejects.toThrow(/KeyNotFound/);
  expect(calls).toBe(1);
  await expect(
    retrying(policy([], { cancelled: () => true }), 'X', async () => {
      calls++;
      throw new ApiError('X', 'Rejected.Throttling', 'no');
    }),
  ).rejects.toThrow(/Throttling/);
  expect(calls).toBe(2);
  expect(isTransient('NetworkError', 'read ECONNRESET')).toBe(true);
  expect(isTransient('NetworkError', 'getaddrinfo ENOTFOUND')).toBe(false);
});

it('calls that must not run twice (CreateKey) retry throttling only, never an ambiguous failure', async () => {
  for (const [code, message, retried] of [
    ['Rejected.Throttling', 'slow down', true],
    ['InternalError', 'boom', false],
    ['NetworkError', 'ReadTimeout', false],
  ] as const) {
    let calls = 0;
    const attempt = async () => {
      if (++calls === 1) throw new ApiError('CreateKey', code, message, 500);
      return 'ok';
    };
    const result = await retrying(policy([]), 'CreateKey', attempt, false).catch((e) => e);
    expect([code, calls, result === 'ok']).toEqual([code, retried ? 2 : 1, retried]);
  }
});

it('flattens list parameters the way the SDKs do', () => {
  expect(flattenQuery({ ResourceId: ['k1'], Tag: [{ Key: 'a', Value: 'b' }], Skip: undefined })).toEqual({
    'ResourceId.1': 'k1',
    'Tag.1.Key': 'a',
    'Tag.1.Value': 'b',
  });
});

it('config falls back to the Alibaba and alicloud environment variables', () => {
  const { config } = resolveConfig({}, { ALICLOUD_ACCESS_KEY: 'id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sk', ALICLOUD_REGION: 'cn-beijing' });
  expect(config).toMatchObject({
    accessKeyId: 'id',
    accessKeySecret: 'sk',
    region: 'cn-beijing',
    endpoint: 'https://kms.cn-beijing.aliyuncs.com',
    bssEndpoint: 'https://business.aliyuncs.com',
  });
  expect(resolveConfig({ accessKeyId: 'x' }, {}).errors).toEqual([expect.stringMatching(/^accessKeySecret is not set/)]);
});
