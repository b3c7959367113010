/**
 * The official Alibaba Cloud clients from npm, unmodified, pointed at a running emulator:
 * - `kms`: @alicloud/kms20160120 1.2.0 (rpc-client; RPC v1 HMAC-SHA1, parameters in the query, POST)
 * - `pop`: @alicloud/pop-core 1.8.0 (RPC v1; GET by default, form POST on request)
 * - `acs3`: @alicloud/openapi-client 0.4.15 `callApi` (ACS3-HMAC-SHA256, action in the x-acs-action header)
 */
import Kms20160120 from '@alicloud/kms20160120';
import * as OpenApi from '@alicloud/openapi-client';
import * as Util from '@alicloud/tea-util';
import OpenApiUtil from '@alicloud/openapi-util';
import RPCClient from '@alicloud/pop-core';
import { Config as RpcConfig } from '@alicloud/rpc-client';

export interface Credentials {
  endpoint: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  regionId?: string;
}

const withDefaults = (c: Credentials) => ({ accessKeyId: 'test', accessKeySecret: 'test', regionId: 'cn-hangzhou', ...c });

export function kmsClient(c: Credentials): Kms20160120 {
  const o = withDefaults(c);
  return new Kms20160120(
    new RpcConfig({
      accessKeyId: o.accessKeyId,
      accessKeySecret: o.accessKeySecret,
      securityToken: o.securityToken,
      regionId: o.regionId,
      endpoint: o.endpoint.replace(/^https?:\/\//, ''),
      protocol: 'http',
    }),
  );
}

export function popClient(c: Credentials): RPCClient {
  const o = withDefaults(c);
  return new RPCClient({
    accessKeyId: o.accessKeyId,
    accessKeySecret: o.accessKeySecret,
    securityToken: o.securityToken,
    endpoint: o.endpoint,
    apiVersion: '2016-01-20',
  });
}

/** Calls `action` through openapi-client's generic callApi, as the generated 2.x/3.x SDKs do (extra headers are signed). */
export function acs3Client(c: Credentials) {
  const o = withDefaults(c);
  const client = new OpenApi.default(
    new OpenApi.Config({
      accessKeyId: o.accessKeyId,
      accessKeySecret: o.accessKeySecret,
      securityToken: o.securityToken,
      regionId: o.regionId,
      endpoint: o.endpoint.replace(/^https?:\/\//, ''),
      protocol: 'http',
    }),
  );
  return async (
    action: string,
    query: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<Record<string, any>> => {
    const params = new OpenApi.Params({
      action,
      version: '2016-01-20',
      protocol: 'HTTP',
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });
    const res = await client.callApi(
      params,
      new OpenApi.OpenApiRequest({ query: OpenApiUtil.query(query), headers }),
      new Util.RuntimeOptions({}),
    );
    return res.body as Record<string, any>;
  };
}
