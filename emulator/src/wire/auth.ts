/**
 * Who sent a request: verifies its signature (RPC v1 HMAC-SHA1 or ACS3-HMAC-SHA256), its timestamp (±15 minutes of
 * real time, not the emulator clock the tests may have moved) and its nonce (never seen within that window, even
 * across a restart or by another emulator sharing the store).
 *
 * Only signed inputs decide. RPC v1 signs every parameter, so the action and version come from the parameters;
 * ACS3 signs the headers it lists, so the list must hold every header that decides something: the ones the gateway
 * requires, every other `x-acs-*` header sent, and the content type of a body (the official SDKs sign exactly host,
 * content-type and every x-acs-* header: kms-openapi.md §2.6). Unsigned copies that disagree are refused.
 */
import type { Caller } from '../domain/authorization';
import { KmsError } from '../domain/errors';
import { LIMITS } from '../domain/limits';
import type { AccessKey, Accounts } from './accounts';
import type { ReplayGuard } from './nonces';
import type { Params } from './params';
import { acs3Signature, parseAcs3Authorization, rpcV1Signature, sameSignature, sha256Hex } from './signature';

export interface SignedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  query: Params;
  /** Query and form-body parameters together. */
  params: Params;
  body: Buffer;
}

export type Scheme = 'rpc-v1' | 'acs3';

/** What an ACS3 signature must cover, whatever the client lists. */
const ACS3_REQUIRED = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** The scheme a request claims: ACS3 by its Authorization header, RPC v1 by its Signature parameter. */
export function schemeOf(headers: SignedRequest['headers'], params: Params): Scheme | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('ACS3-')) return 'acs3';
  return params.Signature !== undefined ? 'rpc-v1' : undefined;
}

export class Authenticator {
  constructor(
    private readonly accounts: Accounts,
    private readonly replays: ReplayGuard,
  ) {}

  /** The access key that signed `req`; throws the gateway's error otherwise. */
  async verify(req: SignedRequest): Promise<AccessKey> {
    switch (schemeOf(req.headers, req.params)) {
      case 'acs3':
        return this.verifyAcs3(req, req.headers.authorization as string);
      case 'rpc-v1':
        return this.verifyRpcV1(req);
      default:
        throw new KmsError('IncompleteSignature');
    }
  }

  /** Who a verified key speaks for: the account, or one of its RAM users or roles. */
  callerOf(key: AccessKey): Caller {
    return this.accounts.callerOf(key);
  }

  private async verifyRpcV1(req: SignedRequest): Promise<AccessKey> {
    const p = req.params;
    if (p.SignatureMethod !== 'HMAC-SHA1' || (p.SignatureVersion ?? '1.0') !== '1.0') throw new KmsError('InvalidSignatureMethod');
    if (!p.AccessKeyId) throw new KmsError('IncompleteSignature');
    const key = this.accessKey(p.AccessKeyId, p.SecurityToken);
    const expected = rpcV1Signature(req.method, p, key.secret);
    if (!sameSignature(expected, p.Signature)) throw new KmsError('SignatureDoesNotMatch');
    await this.checkFreshness(p.Timestamp, p.SignatureNonce, key);
    return key;
  }

  private async verifyAcs3(req: SignedRequest, header: string): Promise<AccessKey> {
    const auth = parseAcs3Authorization(header);
    if (!auth) throw new KmsError('IncompleteSignature');
    const signed = new Set(auth.signedHeaders);
    const mustSign = [
      ...ACS3_REQUIRED,
      ...Object.keys(req.headers).filter((h) => h.startsWith('x-acs-') || (h === 'content-type' && req.body.length > 0)),
    ];
    if (mustSign.some((h) => !signed.has(h))) throw new KmsError('IncompleteSignature');
    const token = req.headers['x-acs-security-token'];
    const key = this.accessKey(auth.accessKeyId, typeof token === 'string' ? token : undefined);
    const bodyHash = sha256Hex(req.body);
    if (req.headers['x-acs-content-sha256'] !== bodyHash) throw new KmsError('SignatureDoesNotMatch');
    const expected = acs3Signature({ ...req, bodySha256Hex: bodyHash }, auth.signedHeaders, key.secret);
    if (!sameSignature(expected, auth.signature)) throw new KmsError('SignatureDoesNotMatch');
    const date = req.headers['x-acs-date'];
    const nonce = req.headers['x-acs-signature-nonce'];
    await this.checkFreshness(typeof date === 'string' ? date : undefined, typeof nonce === 'string' ? nonce : undefined, key);
    return key;
  }

  private accessKey(id: string, securityToken: string | undefined): AccessKey {
    const key = this.accounts.find(id);
    if (!key) throw new KmsError('InvalidAccessKeyId.NotFound');
    if ((key.securityToken ?? undefined) !== (securityToken || undefined)) throw new KmsError('InvalidSecurityToken.MismatchWithAccessKey');
    return key;
  }

  private async checkFreshness(timestamp: string | undefined, nonce: string | undefined, key: AccessKey): Promise<void> {
    if (!timestamp) throw new KmsError('IllegalTimestamp');
    const at = TIMESTAMP.test(timestamp) ? Date.parse(timestamp) : NaN;
    if (Number.isNaN(at)) throw new KmsError('InvalidTimeStamp.Format');
    if (Math.abs(Date.now() - at) > LIMITS.signatureSkewSeconds * 1000) throw new KmsError('InvalidTimeStamp.Expired');
    if (!nonce) throw new KmsError('MissingSignatureNonce');
    if (!(await this.replays.claim(`${key.id}\n${nonce}`))) throw new KmsError('SignatureNonceUsed');
  }
}
