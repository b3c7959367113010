/**
 * Provider configuration: the Configure args (or `alikms:config:*` variables), then the environment variables the
 * Alibaba CLIs and the alicloud provider use.
 */
import type { ClientSettings } from './client';

export const CONFIG_KEYS = ['endpoint', 'region', 'accessKeyId', 'accessKeySecret', 'securityToken', 'bssEndpoint'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];
export type RawConfig = Partial<Record<ConfigKey, string>>;

/** Env names per key, first match wins (the alicloud provider's ALICLOUD_* names come second). */
export const CONFIG_ENV: Record<ConfigKey, string[]> = {
  endpoint: ['ALIKMS_ENDPOINT', 'ALIBABA_CLOUD_KMS_ENDPOINT'],
  region: ['ALIBABA_CLOUD_REGION', 'ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION', 'ALICLOUD_REGION_ID'],
  accessKeyId: ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY', 'ALICLOUD_ACCESS_KEY_ID'],
  accessKeySecret: ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_ACCESS_KEY_SECRET'],
  securityToken: ['ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN'],
  bssEndpoint: ['ALIKMS_BSS_ENDPOINT'],
};

export const DEFAULT_REGION = 'cn-hangzhou';

export const SECRET_CONFIG: ReadonlySet<ConfigKey> = new Set(['accessKeySecret', 'securityToken']);

export type ResolvedConfig = ClientSettings;

export function resolveConfig(given: RawConfig, env: NodeJS.ProcessEnv = process.env): { config?: ResolvedConfig; errors: string[] } {
  const pick = (k: ConfigKey) => given[k] || CONFIG_ENV[k].map((n) => env[n]).find((v) => v) || undefined;
  const region = pick('region') ?? DEFAULT_REGION;
  const accessKeyId = pick('accessKeyId');
  const accessKeySecret = pick('accessKeySecret');
  const errors: string[] = [];
  if (!accessKeyId) errors.push(`accessKeyId is not set (config alikms:accessKeyId or ${CONFIG_ENV.accessKeyId.join('/')})`);
  if (!accessKeySecret)
    errors.push(`accessKeySecret is not set (config alikms:accessKeySecret or ${CONFIG_ENV.accessKeySecret.join('/')})`);
  if (!/^[a-z]{2,}-[a-z0-9-]+$/.test(region)) errors.push(`region '${region}' is not an Alibaba Cloud region ID`);
  const endpoint = pick('endpoint') ?? `https://kms.${region}.aliyuncs.com`;
  const bssEndpoint = pick('bssEndpoint') ?? endpoint.replace(/\/\/kms\.[^.]+\.aliyuncs\.com/, '//business.aliyuncs.com');
  for (const [k, v] of [
    ['endpoint', endpoint],
    ['bssEndpoint', bssEndpoint],
  ] as const)
    if (!/^https?:\/\/[^\s/]+\/?$/.test(v)) errors.push(`${k} '${v}' must be an http(s) URL with no path`);
  if (errors.length || !accessKeyId || !accessKeySecret) return { errors };
  return {
    errors,
    config: {
      endpoint,
      bssEndpoint,
      region,
      accessKeyId,
      accessKeySecret,
      securityToken: pick('securityToken'),
    },
  };
}
