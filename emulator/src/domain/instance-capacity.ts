/**
 * What a KMS instance can be bought with (kms-openapi.md §3.8, ROS and terraform docs): product versions, the range of
 * each capacity, what an order that leaves capacity out gets, and the check every purchase, upgrade and seed passes.
 */
import { invalid } from './errors';
import type { ChargeType } from './model';
import type { InstanceKind } from './specs';

export const PRODUCT_VERSIONS: Readonly<Record<string, InstanceKind>> = {
  '3': 'software',
  software: 'software',
  'software-small': 'software',
  '5': 'hardware',
  hardware: 'hardware',
  'hardware-small': 'hardware',
};

export const INSTANCE_LIMITS = {
  specs: [200, 1000, 2000, 4000, 10000, 20000],
  keyNum: { min: 100, max: 100_000 },
  secretNum: { min: 0, max: 100_000 },
  vpcNum: { min: 0, max: 10_000 },
  logStorage: { min: 0, max: 500_000 },
  periodMonths: [1, 2, 3, 6, 12, 24, 36],
} as const;

/**
 * What an order leaves out (terraform sends only what its user set). A pay-as-you-go instance is billed by use and its
 * provider sends no capacity at all: our choice is that its quotas default to the maxima, so nothing it does is capped.
 */
export const DEFAULT_CAPACITY: Record<ChargeType, Capacity> = {
  PREPAY: { spec: 1000, keyNum: 1000, secretNum: 0, vpcNum: 1, log: false, logStorage: 0 },
  POSTPAY: {
    spec: 1000,
    keyNum: INSTANCE_LIMITS.keyNum.max,
    secretNum: INSTANCE_LIMITS.secretNum.max,
    vpcNum: INSTANCE_LIMITS.vpcNum.max,
    log: false,
    logStorage: 0,
  },
};

export interface Capacity {
  spec: number;
  keyNum: number;
  secretNum: number;
  vpcNum: number;
  log: boolean;
  logStorage: number;
}

export function assertCapacity(c: Capacity): void {
  if (!(INSTANCE_LIMITS.specs as readonly number[]).includes(c.spec)) throw invalid('Spec');
  const inRange = (v: number, r: { min: number; max: number }) => Number.isInteger(v) && v >= r.min && v <= r.max;
  if (!inRange(c.keyNum, INSTANCE_LIMITS.keyNum)) throw invalid('KeyNum');
  if (!inRange(c.secretNum, INSTANCE_LIMITS.secretNum)) throw invalid('SecretNum');
  if (!inRange(c.vpcNum, INSTANCE_LIMITS.vpcNum)) throw invalid('VpcNum');
  if (!inRange(c.logStorage, INSTANCE_LIMITS.logStorage)) throw invalid('LogStorage');
}
