/**
 * The wire form of terraform-provider-alicloud's calls, reproduced with an official npm client.
 *
 * The provider's `client.RpcPost/RpcGet/RpcPostWithEndpoint` (connectivity/client.go, `rpcRequest`) hand every KMS and
 * BssOpenApi call to github.com/alibabacloud-go/tea-rpc `DoRequest`: RPC signature v1 (HMAC-SHA1), the common
 * parameters plus the `query` map in the URL, the `body` map flattened (`Parameter.1.Code`) into a form body, both
 * signed, no RegionId added by the SDK. @alicloud/openapi-client's `doRPCRequest` is the same algorithm, generated from
 * the same Darabonba source, so the emulator sees what the Go provider sends. (The provider's other path,
 * darabonba-openapi v2 `client.Do` with ACS3, is not used by its KMS resources.)
 *
 * Responses are decoded as tea-utils `ReadAsJSON` does (`json.Decoder.UseNumber()`): numbers keep their literal text
 * (GoNumber), so a 19-digit VpcOwnerId reaches the provider exactly when the emulator sends it exactly.
 */
import * as OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import * as Util from '@alicloud/tea-util';

/** A JSON number as Go's json.Number holds it: its text. */
export class GoNumber {
  constructor(readonly text: string) {}
  toString() {
    return this.text;
  }
}

const NUM = '__goNumber__';

/** JSON.parse, except that numbers become GoNumbers (json.Decoder with UseNumber). */
export function parseGoJson(text: string): any {
  const wrapped = text.replace(/("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, (m, str: string | undefined) =>
    str !== undefined ? str : `{"${NUM}":"${m}"}`,
  );
  return JSON.parse(wrapped, (_k, v) => (v && typeof v === 'object' && NUM in v ? new GoNumber(v[NUM]) : v));
}

/**
 * Go's json.Marshal of the maps the provider builds: map keys sorted, int64 values (bigint here) as bare digits,
 * nothing rounded through a float.
 */
export function goJson(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof GoNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/** tea.SDKError as the provider sees it: the code, the status and `code: <status>, <Message> request id: …`. */
export class SdkError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly data: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** A NotFound the provider makes itself (WrapErrorf(…, NotFoundMsg, …)): e.g. a PendingDeletion key. */
export class ProviderNotFound extends Error {}

/** errors.go NotFoundError for these error kinds: a provider NotFound, HTTP 404, or "NotFound" in the message. */
export const notFoundError = (err: unknown) =>
  err instanceof ProviderNotFound || (err instanceof SdkError && (err.statusCode === 404 || /NotFound/.test(err.message)));

/** errors.go IsExpectedErrors for a tea.SDKError: the code, a code the expected one starts with, or in the body. */
export const isExpectedErrors = (err: unknown, codes: string[]) =>
  err instanceof SdkError && codes.some((c) => err.code === c || c.startsWith(err.code) || JSON.stringify(err.data).includes(c));

export type Product = 'Kms' | 'BssOpenApi';
export const API_VERSION: Record<Product, string> = { Kms: '2016-01-20', BssOpenApi: '2017-12-14' };

/** One call as sent: what a test asserts about the wire (never parameter values it does not look at). */
export interface CallRecord {
  product: Product;
  action: string;
  version: string;
  method: 'POST' | 'GET';
  /** The RegionId parameter, or null when the call names no region (most of the provider's calls). */
  regionId: string | null;
  params: Record<string, string>;
}

export interface WireOptions {
  /** host:port of the `endpoints { kms = … }` setting (the provider uses one endpoint per product). */
  endpoints: Record<Product, string>;
  accessKeyId: string;
  accessKeySecret: string;
}

export class GoWire {
  readonly calls: CallRecord[] = [];
  private readonly clients = new Map<string, OpenApi.default>();

  constructor(private readonly opts: WireOptions) {}

  private client(product: Product): OpenApi.default {
    const endpoint = this.opts.endpoints[product];
    let c = this.clients.get(endpoint);
    if (!c) {
      const { accessKeyId, accessKeySecret } = this.opts;
      c = new OpenApi.default(new OpenApi.Config({ accessKeyId, accessKeySecret, endpoint, protocol: 'HTTP' }));
      this.clients.set(endpoint, c);
    }
    return c;
  }

  /** rpcRequest(method, product, version, action, query, body): returns the decoded body or throws an SdkError. */
  async rpc(method: 'POST' | 'GET', product: Product, action: string, query: object = {}, body: object = {}): Promise<any> {
    const version = API_VERSION[product];
    const q = OpenApiUtil.query(query as Record<string, unknown>) as Record<string, string>;
    const b = OpenApiUtil.query(body as Record<string, unknown>) as Record<string, string>;
    const params = { ...q, ...b };
    this.calls.push({ product, action, version, method, regionId: params.RegionId ?? null, params });
    const runtime = new Util.RuntimeOptions({ autoretry: false });
    let res: { body: string };
    try {
      res = (await this.client(product).doRPCRequest(
        action,
        version,
        'HTTP',
        method,
        'AK',
        'string',
        new OpenApi.OpenApiRequest({ query: q, body: b }),
        runtime,
      )) as { body: string };
    } catch (e) {
      const err = e as { code?: string; message?: string; data?: Record<string, unknown> };
      const status = Number(err.data?.statusCode ?? /code: (\d{3})/.exec(err.message ?? '')?.[1] ?? 0);
      throw new SdkError(String(err.code ?? ''), status, err.message ?? '', err.data ?? {});
    }
    const decoded = parseGoJson(res.body);
    // connectivity.formatError: a 200 whose body says Success=false is an error too (BssOpenApi answers that way).
    if (decoded && decoded.Success === false && decoded.Code !== 'Success')
      throw new SdkError(String(decoded.Code), 200, String(decoded.Message), decoded);
    return decoded;
  }

  /** Drops and returns the calls made so far, as `Product Action` lines with `+RegionId` when one was sent. */
  take(): string[] {
    return this.calls.splice(0).map((c) => `${c.product} ${c.action}${c.regionId ? ` RegionId=${c.regionId}` : ''}`);
  }
}

/** Any value from a decoded response as Go's fmt.Sprint would print it. */
export const sprint = (v: unknown): string => (v === undefined || v === null ? '<nil>' : String(v));
