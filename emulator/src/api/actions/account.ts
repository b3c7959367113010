/**
 * Account-level calls: OpenKmsService, DescribeAccountKmsStatus, GetDefaultKmsInstance. KMS is always open in the
 * emulator; the "default instance" is the account's first instance in the region (the one a KMS 1.0 migration makes).
 */
import { z } from 'zod';
import { defineAction } from '../action';

export const OpenKmsService = defineAction({
  name: 'OpenKmsService',
  input: z.object({}),
  // Every emulated account has KMS open; answering success (not the cloud's Forbidden.Opened) keeps setup scripts idempotent.
  handle: () => ({}),
});

export const DescribeAccountKmsStatus = defineAction({
  name: 'DescribeAccountKmsStatus',
  input: z.object({}),
  handle: () => ({ AccountStatus: 'Enabled' }),
});

export const GetDefaultKmsInstance = defineAction({
  name: 'GetDefaultKmsInstance',
  input: z.object({}),
  async handle(_i, { kms, scope }) {
    const [first] = (await kms.instances.list(scope)).sort((a, b) => a.createdAt - b.createdAt);
    return { DefaultKmsInstanceId: first?.instanceId ?? '' };
  },
});
