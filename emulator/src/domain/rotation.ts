/**
 * Automatic rotation policy: who may rotate, and when the next rotation falls due.
 * Eligibility follows the UpdateRotationPolicy doc: symmetric, Aliyun_KMS-generated, user-created keys only.
 * (The scheduler that performs due rotations lives with the clock work; here is only the policy.)
 */
import { KmsError, invalid } from './errors';
import { LIMITS } from './limits';
import type { Key, RotationPolicy } from './model';
import { SPECS } from './specs';

const UNITS: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };

/** `7d`, `168h`, `604800s` -> seconds; undefined when malformed. */
export function parseInterval(text: string): number | undefined {
  const m = /^(\d{1,12})([dhms])$/.exec(text);
  return m ? Number(m[1]) * UNITS[m[2]] : undefined;
}

export const nextRotation = (policy: RotationPolicy, from: number) =>
  policy.intervalSeconds === undefined ? undefined : from + policy.intervalSeconds * 1000;

export function assertRotatable(key: Key): void {
  if (SPECS[key.keySpec].kind !== 'symmetric') throw new KmsError('Rejected.UnsupportedOperation', 'asymmetric keys do not rotate automatically');
  if (key.origin === 'EXTERNAL') throw new KmsError('Unsupported.Origin');
  if (key.creatorType === 'Service') throw new KmsError('Rejected.UnsupportedOperation', 'service keys are managed by their service');
}

/** The policy `key` gets when rotation is switched on or off. */
export function rotationPolicyFor(key: Key, enabled: boolean, intervalSeconds?: number): RotationPolicy {
  if (!enabled) return { enabled: false, lastRotatedAt: key.rotation.lastRotatedAt };
  assertRotatable(key);
  if (intervalSeconds === undefined) throw new KmsError('MissingParameter', 'RotationInterval');
  const { min, max } = LIMITS.rotationIntervalSeconds;
  if (intervalSeconds < min || intervalSeconds > max) throw invalid('RotationInterval');
  const policy = { enabled: true, intervalSeconds, lastRotatedAt: key.rotation.lastRotatedAt ?? key.createdAt };
  return { ...policy, nextRotationAt: nextRotation(policy, policy.lastRotatedAt) };
}
