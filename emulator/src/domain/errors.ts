/**
 * Every error code the emulator can answer with, its HTTP status and its message: one table.
 *
 * Codes and statuses come from Alibaba's KMS "common error codes" page and the POP gateway's client
 * error table (../shared/reference/kms-openapi.md §3.5). Where the reference marks a status UNCONFIRMED
 * the entry says "our choice". Messages with `%s` take the offending name or value.
 */
export const ERRORS = {
  // Gateway (POP) errors that precede KMS logic.
  'InvalidApi.NotFound': [404, 'Specified api is not found, please check your url and method.'],
  InvalidVersion: [400, 'Specified parameter Version is not valid.'],
  UnsupportedHTTPMethod: [403, 'This http method is not supported.'],
  'InvalidAccessKeyId.NotFound': [404, 'Specified access key is not found.'],
  'InvalidSecurityToken.MismatchWithAccessKey': [400, 'Specified SecurityToken mismatch with the AccessKey.'],
  IncompleteSignature: [400, 'The request signature does not conform to Alibaba Cloud standards.'],
  SignatureDoesNotMatch: [400, 'Specified signature is not matched with our calculation.'],
  InvalidSignatureMethod: [400, 'Specified signature method is not supported.'],
  IllegalTimestamp: [400, 'The input parameter "Timestamp" that is mandatory for processing this request is not supplied.'],
  'InvalidTimeStamp.Format': [400, 'Specified time stamp or date value is not well formatted.'],
  'InvalidTimeStamp.Expired': [400, 'Specified time stamp or date value is expired.'],
  SignatureNonceUsed: [400, 'Specified signature nonce was used already.'],
  MissingSignatureNonce: [400, 'The input parameter "SignatureNonce" that is mandatory for processing this request is not supplied.'],
  // Our choice: the reference documents no code for a body over the size limit.
  'Request.TooLarge': [413, 'The request body exceeds %s bytes.'],
  // Our choices too, for what Node's HTTP parser refuses before the request reaches us (wire/http-errors.ts).
  'Request.HeaderTooLarge': [431, 'The request line and headers are too large.'],
  'Request.Timeout': [408, 'The request was not received in time.'],
  ParseRequestParameterException: [400, 'Server parse parameters exception. Please check your input params.'],

  // Parameters.
  MissingParameter: [400, 'The parameter "%s" is needed but not provided.'],
  InvalidParameter: [400, 'The specified parameter "%s" is not valid.'],
  // DryRun answers; the HTTP status is UNCONFIRMED in the reference: 400 is our choice.
  DryRunOperationError: [400, 'Request validation has been passed with DryRun flag set.'],
  ValidationError: [400, 'The specified parameter "%s" is not valid.'],

  // KMS resources.
  'Forbidden.KeyNotFound': [404, 'The specified Key is not found.'],
  'Forbidden.KeyVersionNotFound': [404, 'The specified Key version is not found.'],
  'Forbidden.AliasNotFound': [404, 'The specified Alias is not found.'],
  'Forbidden.ResourceNotFound': [404, 'The specified resource is not found.'],
  'Forbidden.NoPermission': [403, 'This operation is forbidden by permission system. %s'],
  // Our choice of codes for instance problems (the reference names none).
  'Forbidden.KmsInstanceNotFound': [404, 'The specified KMS instance %s is not found.'],
  'Forbidden.DKMSInstanceStateInvalid': [409, 'The KMS instance is not usable now: %s'],
  ResourceNotExists: [404, 'The specified instance does not exist.'],
  'Rejected.LimitExceeded': [400, 'The request was rejected because user create resource limit was exceeded.'],
  AliasAlreadyExists: [400, 'AliasName Already Exists.'],
  'Unsupported.Alias': [400, 'Alias is not valid for this api.'],
  'Unsupported.Origin': [400, 'This key origin is not valid for this api.'],
  'Unsupported.ProtectionLevel': [400, 'This protection level is not valid for this region.'],
  'Unsupported.KeySpec': [400, 'The key spec %s is not supported for this operation.'],

  // Cryptographic operations and BYOK (§3.5 lists the import codes with 400).
  InvalidKeyMaterial: [400, 'key material is invalid.'],
  InvalidImportToken: [400, 'import token is invalid.'],
  ExpiredImportToken: [400, 'import token is expired.'],
  // Our choice: the reference documents no code for a ciphertext that is not ours, tampered or truncated.
  InvalidCiphertext: [400, 'The ciphertext is invalid or was not produced with this key and encryption context.'],

  // Key state conflicts (the key-state x API matrix, §3.4).
  'Rejected.Disabled': [409, 'The request was rejected because the key state is Disabled.'],
  'Rejected.Enabled': [409, 'The request was rejected because the key state is Enabled.'],
  'Rejected.PendingDeletion': [409, 'The request was rejected because the key state is PendingDeletion.'],
  'Rejected.PendingImport': [409, 'The request was rejected because the key state is PendingImport.'],
  'Rejected.StateModifiedFailed': [409, 'Keystate modified failed.'],
  'Rejected.DeletionProtection': [409, 'The key is protected from deletion: %s'],
  // Our choice: 409, as for the other Rejected.* conflicts (the reference leaves it UNCONFIRMED).
  'Rejected.UnsupportedOperation': [409, 'This operation is not supported: %s'],
  'Rejected.Throttling': [429, 'QPS Limit Exceeded'],

  InternalFailure: [500, 'Internal Failure.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERRORS;

/** A failure with a wire code. Thrown anywhere below the wire layer; turned into the error envelope in one place. */
export class KmsError extends Error {
  readonly status: number;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    opts: { headers?: Record<string, string> } = {},
  ) {
    const [status, template] = ERRORS[code];
    super(template.includes('%s') ? template.replace('%s', detail ?? '') : detail ? `${template} ${detail}` : template);
    this.status = status;
    this.headers = opts.headers;
  }
}

export const missing = (name: string) => new KmsError('MissingParameter', name);
export const invalid = (name: string) => new KmsError('InvalidParameter', name);
