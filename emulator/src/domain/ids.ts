/** Identifiers and ARNs shaped like the cloud's (kms-openapi.md §3.1). */
import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** The 3-letter region code Alibaba puts after `key-` (`key-hzz…` for cn-hangzhou, `kst-bjj…` for cn-beijing). */
const REGION_CODES: Record<string, string> = {
  'cn-hangzhou': 'hzz',
  'cn-shanghai': 'shh',
  'cn-beijing': 'bjj',
  'cn-shenzhen': 'szz',
  'cn-qingdao': 'qdd',
  'cn-zhangjiakou': 'zjk',
  'cn-hongkong': 'hkk',
  'ap-southeast-1': 'sgg',
};

export function regionCode(region: string): string {
  return (
    REGION_CODES[region] ??
    (region.split('-').pop() ?? 'xxx')
      .replace(/[^a-z]/g, '')
      .padEnd(3, 'x')
      .slice(0, 3)
  );
}

export const newKeyId = (region: string) => `key-${regionCode(region)}${randomToken(21)}`;
export const newKeyVersionId = () => randomUUID();
export const newRequestId = () => randomUUID().toUpperCase();

export const keyArn = (region: string, account: string, keyId: string) => `acs:kms:${region}:${account}:key/${keyId}`;
export const aliasArn = (region: string, account: string, alias: string) => `acs:kms:${region}:${account}:${alias}`;
export const instanceArn = (region: string, account: string, instanceId: string) => `acs:kms:${region}:${account}:instance/${instanceId}`;

/** Whether a KeyId parameter is a key ID itself rather than an alias (`alias/…`) or an ARN (`acs:…`). */
export const isKeyId = (ref: string) => !ref.startsWith('alias/') && !ref.startsWith('acs:');

/** `acs:kms:<region>:<account>:key/<id>` -> its parts, or undefined when the string is not a key ARN. */
export function parseKeyArn(arn: string): { region: string; account: string; keyId: string } | undefined {
  const m = /^acs:kms:([^:]*):(\d*):key\/(.+)$/.exec(arn);
  return m ? { region: m[1], account: m[2], keyId: m[3] } : undefined;
}
