/**
 * The provider's only door to the cloud: a typed KMS (and BssOpenApi) client on @alicloud/openapi-client's
 * generic callApi (ACS3-HMAC-SHA256), with retries on throttling and transient failures.
 * Errors carry the action and the API code so every resource can name both in its message.
 */
import OpenApi, { Config, OpenApiRequest, Params } from '@alicloud/openapi-client';
import { RuntimeOptions } from '@alicloud/tea-util';
import { retrying, type RetryPolicy } from './retry';

export const KMS_VERSION = '2016-01-20';
export const BSS_VERSION = '2017-12-14';

export interface ClientSettings {
  endpoint: string;
  bssEndpoint: string;
  region: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** An Alibaba API error as the provider reports it: action + code + message (+ request id when the cloud gave one). */
export class ApiError extends Error {
  constructor(
    readonly action: string,
    readonly code: string,
    readonly detail: string,
    readonly statusCode?: number,
  ) {
    super(`${action} failed: ${code}: ${detail}`);
  }
}

export const isNotFound = (e: unknown) => e instanceof ApiError && /NotFound$|^EntityNotExist|^ResourceNotExists/.test(e.code);

type Query = Record<string, unknown>;

/**
 * Calls that make a new object each time and carry no idempotency token: repeating one after an ambiguous failure
 * could make a second key (or fail with AlreadyExists on an alias the first call made).
 */
const ONCE_ONLY = new Set(['CreateKey', 'CreateAlias']);

/** Flattens nested query values the way the Alibaba SDKs do: `Tag.1.Key=…`, `ResourceId.1=…`. */
export function flattenQuery(query: Query, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    const name = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) v.forEach((item, i) => flattenQuery({ [i + 1]: item }, name, out));
    else if (typeof v === 'object') flattenQuery(v as Query, name, out);
    else out[name] = String(v);
  }
  return out;
}

const hostOf = (endpoint: string) => endpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
const protocolOf = (endpoint: string) => (endpoint.startsWith('http://') ? 'http' : 'https');

/** One product endpoint (KMS or BSS) behind callApi. */
class ProductClient {
  private readonly client: OpenApi;
  private readonly protocol: string;

  constructor(
    private readonly version: string,
    endpoint: string,
    s: ClientSettings,
    private readonly retry: RetryPolicy,
  ) {
    this.protocol = protocolOf(endpoint);
    this.client = new OpenApi(
      new Config({
        accessKeyId: s.accessKeyId,
        accessKeySecret: s.accessKeySecret,
        securityToken: s.securityToken,
        regionId: s.region,
        endpoint: hostOf(endpoint),
        protocol: this.protocol,
      }),
    );
  }

  async call<T = Record<string, any>>(action: string, query: Query = {}): Promise<T> {
    const params = new Params({
      action,
      version: this.version,
      protocol: this.protocol.toUpperCase(),
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });
    const request = new OpenApiRequest({ query: flattenQuery(query) });
    // The SDK's own retry is off: ours knows which codes are transient and honours Cancel.
    const runtime = new RuntimeOptions({ autoretry: false, connectTimeout: 5000, readTimeout: 30000 });
    return retrying(
      this.retry,
      action,
      async () => {
        try {
          const res = await this.client.callApi(params, request, runtime);
          return res.body as T;
        } catch (e) {
          throw toApiError(action, e);
        }
      },
      !ONCE_ONLY.has(action),
    );
  }
}

function toApiError(action: string, e: unknown): ApiError {
  const err = e as { code?: string; message?: string; statusCode?: number; data?: { Message?: string } };
  const code = err.code && err.code !== 'undefined' ? err.code : 'NetworkError';
  const detail = err.data?.Message ?? err.message ?? String(e);
  return new ApiError(action, code, detail.replace(/^code: \d+, /, ''), err.statusCode);
}

export interface KeyMetadata {
  KeyId: string;
  Arn: string;
  Description: string;
  KeySpec: string;
  KeyUsage: string;
  KeyState: string;
  Origin: string;
  ProtectionLevel: string;
  Creator: string;
  CreationDate: string;
  DeleteDate: string;
  MaterialExpireTime: string;
  PrimaryKeyVersion: string;
  LastRotationDate: string;
  AutomaticRotation: 'Enabled' | 'Disabled' | 'Suspended';
  RotationInterval?: string;
  NextRotationDate?: string;
  DeletionProtection?: 'Enabled' | 'Disabled';
  DeletionProtectionDescription?: string;
  DKMSInstanceId?: string;
  /** The emulator marks the region's default CMK with `DefaultKey: true` (absent for other keys). */
  DefaultKey?: boolean;
}

export type Tags = Record<string, string>;
/** What the batch tag actions (TagResources, UntagResources, ListTagResources) act on. */
export type TagResourceType = 'key' | 'instance';

/** The KMS actions the resources use, typed; BSS through `bss`. */
export class KmsClient {
  readonly kms: ProductClient;
  readonly bss: ProductClient;

  constructor(
    readonly settings: ClientSettings,
    retry: RetryPolicy,
  ) {
    this.kms = new ProductClient(KMS_VERSION, settings.endpoint, settings, retry);
    this.bss = new ProductClient(BSS_VERSION, settings.bssEndpoint, settings, retry);
  }

  call<T = Record<string, any>>(action: string, query: Query = {}) {
    return this.kms.call<T>(action, query);
  }

  async describeKey(keyId: string): Promise<KeyMetadata> {
    return (await this.call<{ KeyMetadata: KeyMetadata }>('DescribeKey', { KeyId: keyId })).KeyMetadata;
  }

  /** DescribeKey, or undefined when the key (or alias) does not exist. */
  async findKey(keyId: string): Promise<KeyMetadata | undefined> {
    try {
      return await this.describeKey(keyId);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async createKey(q: Query): Promise<KeyMetadata> {
    return (await this.call<{ KeyMetadata: KeyMetadata }>('CreateKey', q)).KeyMetadata;
  }

  async getKeyPolicy(keyId: string): Promise<string | undefined> {
    try {
      return (await this.call<{ Policy: string }>('GetKeyPolicy', { KeyId: keyId, PolicyName: 'default' })).Policy;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'Forbidden.ResourceNotFound') return undefined;
      throw e;
    }
  }

  /** ListTagResources for one resource: a key (`key`) or a KMS instance (`instance`, the `kst-…` ID). */
  async listTags(type: TagResourceType, id: string): Promise<Tags> {
    const tags: Tags = {};
    let token: string | undefined;
    do {
      const page = await this.call<{ TagResources?: { TagResource?: { TagKey: string; TagValue: string }[] }; NextToken?: string }>(
        'ListTagResources',
        { RegionId: this.settings.region, ResourceType: type, ResourceId: [id], NextToken: token },
      );
      for (const t of page.TagResources?.TagResource ?? []) tags[t.TagKey] = t.TagValue;
      token = page.NextToken || undefined;
    } while (token);
    return tags;
  }

  async tag(type: TagResourceType, id: string, tags: Tags): Promise<void> {
    const Tag = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    if (Tag.length) await this.call('TagResources', { RegionId: this.settings.region, ResourceType: type, ResourceId: [id], Tag });
  }

  async untag(type: TagResourceType, id: string, keys: string[]): Promise<void> {
    if (keys.length)
      await this.call('UntagResources', { RegionId: this.settings.region, ResourceType: type, ResourceId: [id], TagKey: keys });
  }
}
