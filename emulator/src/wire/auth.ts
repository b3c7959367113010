/**
 * Who sent a request: verifies its signature (RPC v1 HMAC-SHA1 or ACS3-HMAC-SHA256), its timestamp (±15 minutes of
 * real time, not the emulator clock the tests may have moved) and its nonce (never seen within that window).
 */
import { KmsError } from '../domain/errors';
import { LIMITS } from '../domain/limits';
import type { AccessKey, Accounts } from './accounts';
import { NonceWindow } from './nonces';
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

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export class Authenticator {
  private readonly nonces = new NonceWindow(LIMITS.signatureSkewSeconds * 1000);

  constructor(private readonly accounts: Accounts) {}

  /** The access key that signed `req`; throws the gateway's error otherwise. */
  verify(req: SignedRequest): AccessKey {
    const authorization = req.headers.authorization;
    if (typeof authorization === 'string' && authorization.startsWith('ACS3-')) return this.verifyAcs3(req, authorization);
    if (req.params.Signature !== undefined) return this.verifyRpcV1(req);
    throw new KmsError('IncompleteSignature');
  }

  private verifyRpcV1(req: SignedRequest): AccessKey {
    const p = req.params;
    if (p.SignatureMethod !== 'HMAC-SHA1' || (p.SignatureVersion ?? '1.0') !== '1.0') throw new KmsError('InvalidSignatureMethod');
    if (!p.AccessKeyId) throw new KmsError('IncompleteSignature');
    const key = this.accessKey(p.AccessKeyId, p.SecurityToken);
    const expected = rpcV1Signature(req.method, p, key.secret);
    if (!sameSignature(expected, p.Signature)) throw new KmsError('SignatureDoesNotMatch');
    this.checkFreshness(p.Timestamp, p.SignatureNonce, key);
    return key;
  }

  private verifyAcs3(req: SignedRequest, header: string): AccessKey {
    const auth = parseAcs3Authorization(header);
    if (!auth) throw new KmsError('IncompleteSignature');
    const token = req.headers['x-acs-security-token'];
    const key = this.accessKey(auth.accessKeyId, typeof token === 'string' ? token : undefined);
    const bodyHash = sha256Hex(req.body);
    const claimedHash = req.headers['x-acs-content-sha256'];
    if (claimedHash !== undefined && claimedHash !== bodyHash) throw new KmsError('SignatureDoesNotMatch');
    const expected = acs3Signature({ ...req, bodySha256Hex: bodyHash }, auth.signedHeaders, key.secret);
    if (!sameSignature(expected, auth.signature)) throw new KmsError('SignatureDoesNotMatch');
    const date = req.headers['x-acs-date'];
    const nonce = req.headers['x-acs-signature-nonce'];
    this.checkFreshness(typeof date === 'string' ? date : undefined, typeof nonce === 'string' ? nonce : undefined, key);
    return key;
  }

  private accessKey(id: string, securityToken: string | undefined): AccessKey {
    const key = this.accounts.find(id);
    if (!key) throw new KmsError('InvalidAccessKeyId.NotFound');
    if ((key.securityToken ?? undefined) !== (securityToken || undefined)) throw new KmsError('InvalidSecurityToken.MismatchWithAccessKey');
    return key;
  }

  private checkFreshness(timestamp: string | undefined, nonce: string | undefined, key: AccessKey): void {
    if (!timestamp) throw new KmsError('IllegalTimestamp');
    const at = TIMESTAMP.test(timestamp) ? Date.parse(timestamp) : NaN;
    if (Number.isNaN(at)) throw new KmsError('InvalidTimeStamp.Format');
    if (Math.abs(Date.now() - at) > LIMITS.signatureSkewSeconds * 1000) throw new KmsError('InvalidTimeStamp.Expired');
    if (!nonce) throw new KmsError('MissingSignatureNonce');
    if (!this.nonces.claim(`${key.id}\n${nonce}`)) throw new KmsError('SignatureNonceUsed');
  }
}
