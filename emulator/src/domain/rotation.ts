/**
 * Automatic rotation policy: who may rotate, and when the next rotation falls due.
 * Eligibility follows the UpdateRotationPolicy doc: symmetric, Aliyun_KMS-generated, user-created keys only.
 * (The scheduler that performs due rotations lives with the clock work; here is only the policy.)
 */
import { KmsError, invalid } from './errors';
import { LIMITS } from './limits';
import type { Key, RotationPolicy } from './model';
import { specOf } from './specs';

const UNITS: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };

/** `7d`, `168h`, `604800s` -> seconds; undefined when malformed. */
export function parseInterval(text: string): number | undefined {
  const m = /^(\d{1,12})([dhms])$/.exec(text);
  return m ? Number(m[1]) * UNITS[m[2]] : undefined;
}

export const nextRotation = (policy: RotationPolicy, from: number) =>
  policy.intervalSeconds === undefined ? undefined : from + policy.intervalSeconds * 1000;

/** Emulator-wide rotation settings. */
export interface RotationRules {
  /** Longest interval for software keys: 365d by default (CreateKey doc); 730d per UpdateRotationPolicy's doc. */
  maxIntervalSeconds: number;
  /** Default-key rotation is a separately bought add-on; off unless the emulator is started with it. */
  defaultKeyRotation: boolean;
}

export const DEFAULT_ROTATION_RULES: RotationRules = { maxIntervalSeconds: LIMITS.rotationIntervalSeconds.max, defaultKeyRotation: false };

const refuse = (why: string) => new KmsError('Rejected.UnsupportedOperation', why);

/** Throws unless `key` may rotate automatically (UpdateRotationPolicy and CreateKey docs). */
export function assertRotatable(key: Key, rules: RotationRules): void {
  if (!specOf(key.keySpec).rotates) throw refuse(`${key.keySpec} keys do not rotate automatically`);
  if (key.origin === 'EXTERNAL') throw new KmsError('Unsupported.Origin');
  if (key.creatorType === 'Service') throw refuse('service keys are managed by their service');
  if (key.protectionLevel === 'HSM' && key.dkmsInstanceId && key.keyStorageMechanism !== 'HsmEncryptedDatabase')
    throw refuse('keys stored inside an HSM (HsmInternal) do not rotate; use KeyStorageMechanism=HsmEncryptedDatabase');
  if (key.defaultKey && !rules.defaultKeyRotation) throw refuse('default key rotation is an add-on that is not enabled on this emulator');
}

/** The policy `key` gets when rotation is switched on or off. */
export function rotationPolicyFor(key: Key, enabled: boolean, intervalSeconds: number | undefined, rules: RotationRules): RotationPolicy {
  if (!enabled) return { enabled: false, lastRotatedAt: key.rotation.lastRotatedAt };
  assertRotatable(key, rules);
  if (intervalSeconds === undefined) throw new KmsError('MissingParameter', 'RotationInterval');
  const { min } = LIMITS.rotationIntervalSeconds;
  if (intervalSeconds < min || intervalSeconds > rules.maxIntervalSeconds) throw invalid('RotationInterval');
  if (key.defaultKey && intervalSeconds !== 365 * 86400) throw new KmsError('InvalidParameter', 'RotationInterval');
  const policy = { enabled: true, intervalSeconds, lastRotatedAt: key.rotation.lastRotatedAt ?? key.createdAt };
  return { ...policy, nextRotationAt: nextRotation(policy, policy.lastRotatedAt) };
}
