/**
 * Every error code the emulator can answer with, its kind and its message: one table. The kind says what sort of
 * failure it is; the wire layer alone turns kinds into HTTP statuses (wire/status.ts), so nothing below it speaks HTTP.
 *
 * Codes and statuses come from Alibaba's KMS "common error codes" page and the POP gateway's client
 * error table (../shared/reference/kms-openapi.md §3.5). Where the reference marks a status UNCONFIRMED
 * the entry says "our choice". Messages with `%s` take the offending name or value.
 */
export const ERROR_KINDS = [
  'invalid',
  'unauthenticated',
  'forbidden',
  'notFound',
  'conflict',
  'throttled',
  'tooLarge',
  'headerTooLarge',
  'timeout',
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const ERRORS = {
  // Gateway (POP) errors that precede KMS logic.
  'InvalidApi.NotFound': ['notFound', 'Specified api is not found, please check your url and method.'],
  InvalidVersion: ['invalid', 'Specified parameter Version is not valid.'],
  UnsupportedHTTPMethod: ['forbidden', 'This http method is not supported.'],
  'InvalidAccessKeyId.NotFound': ['notFound', 'Specified access key is not found.'],
  'InvalidSecurityToken.MismatchWithAccessKey': ['invalid', 'Specified SecurityToken mismatch with the AccessKey.'],
  IncompleteSignature: ['invalid', 'The request signature does not conform to Alibaba Cloud standards.'],
  SignatureDoesNotMatch: ['invalid', 'Specified signature is not matched with our calculation.'],
  InvalidSignatureMethod: ['invalid', 'Specified signature method is not supported.'],
  IllegalTimestamp: ['invalid', 'The input parameter "Timestamp" that is mandatory for processing this request is not supplied.'],
  'InvalidTimeStamp.Format': ['invalid', 'Specified time stamp or date value is not well formatted.'],
  'InvalidTimeStamp.Expired': ['invalid', 'Specified time stamp or date value is expired.'],
  SignatureNonceUsed: ['invalid', 'Specified signature nonce was used already.'],
  MissingSignatureNonce: ['invalid', 'The input parameter "SignatureNonce" that is mandatory for processing this request is not supplied.'],
  // Our choice: the reference documents no code for a body over the size limit.
  'Request.TooLarge': ['tooLarge', 'The request body exceeds %s bytes.'],
  // Our choices too, for what Node's HTTP parser refuses before the request reaches us (wire/http-errors.ts).
  'Request.HeaderTooLarge': ['headerTooLarge', 'The request line and headers are too large.'],
  'Request.Timeout': ['timeout', 'The request was not received in time.'],
  ParseRequestParameterException: ['invalid', 'Server parse parameters exception. Please check your input params.'],
  // Our choice, for the emulator's own /_alikms/ endpoints (HTTP Basic or Bearer rather than request signatures).
  Unauthenticated: [
    'unauthenticated',
    'The admin endpoints need an access key (HTTP Basic AccessKeyId:AccessKeySecret, with x-acs-security-token for an STS key) or the admin token (Bearer).',
  ],

  // Parameters.
  MissingParameter: ['invalid', 'The parameter "%s" is needed but not provided.'],
  InvalidParameter: ['invalid', 'The specified parameter "%s" is not valid.'],
  // DryRun answers; the HTTP status is UNCONFIRMED in the reference: 400 is our choice.
  DryRunOperationError: ['invalid', 'Request validation has been passed with DryRun flag set.'],
  ValidationError: ['invalid', 'The specified parameter "%s" is not valid.'],
  // A dry run refused for permissions (the DryRun parameter's documentation); 403 is our choice, as for NoPermission.
  AccessDeniedError: ['forbidden', 'You are not authorized to perform this operation on the KMS resource. %s'],

  // KMS resources.
  'Forbidden.KeyNotFound': ['notFound', 'The specified Key is not found.'],
  'Forbidden.KeyVersionNotFound': ['notFound', 'The specified Key version is not found.'],
  'Forbidden.AliasNotFound': ['notFound', 'The specified Alias is not found.'],
  'Forbidden.ResourceNotFound': ['notFound', 'The specified resource is not found.'],
  'Forbidden.NoPermission': ['forbidden', 'This operation is forbidden by permission system. %s'],
  // Our choice of codes for instance problems (the reference names none).
  'Forbidden.KmsInstanceNotFound': ['notFound', 'The specified KMS instance %s is not found.'],
  'Forbidden.DKMSInstanceStateInvalid': ['conflict', 'The KMS instance is not usable now: %s'],
  ResourceNotExists: ['notFound', 'The specified instance does not exist.'],
  'Rejected.LimitExceeded': ['invalid', 'The request was rejected because user create resource limit was exceeded.'],
  AliasAlreadyExists: ['invalid', 'AliasName Already Exists.'],
  'Unsupported.Alias': ['invalid', 'Alias is not valid for this api.'],
  'Unsupported.Origin': ['invalid', 'This key origin is not valid for this api.'],
  'Unsupported.ProtectionLevel': ['invalid', 'This protection level is not valid for this region.'],
  'Unsupported.KeySpec': ['invalid', 'The key spec %s is not supported for this operation.'],

  // Cryptographic operations and BYOK (§3.5 lists the import codes with 400).
  InvalidKeyMaterial: ['invalid', 'key material is invalid.'],
  InvalidImportToken: ['invalid', 'import token is invalid.'],
  ExpiredImportToken: ['invalid', 'import token is expired.'],
  // Our choice: the reference documents no code for a ciphertext that is not ours, tampered or truncated.
  InvalidCiphertext: ['invalid', 'The ciphertext is invalid or was not produced with this key and encryption context.'],

  // Key state conflicts (the key-state x API matrix, §3.4).
  'Rejected.Disabled': ['conflict', 'The request was rejected because the key state is Disabled.'],
  'Rejected.Enabled': ['conflict', 'The request was rejected because the key state is Enabled.'],
  'Rejected.PendingDeletion': ['conflict', 'The request was rejected because the key state is PendingDeletion.'],
  'Rejected.PendingImport': ['conflict', 'The request was rejected because the key state is PendingImport.'],
  'Rejected.StateModifiedFailed': ['conflict', 'Keystate modified failed.'],
  'Rejected.DeletionProtection': ['conflict', 'The key is protected from deletion: %s'],
  // Our choice: 409, as for the other Rejected.* conflicts (the reference leaves it UNCONFIRMED).
  'Rejected.UnsupportedOperation': ['conflict', 'This operation is not supported: %s'],
  'Rejected.Throttling': ['throttled', 'QPS Limit Exceeded'],

  InternalFailure: ['internal', 'Internal Failure.'],
} as const satisfies Record<string, readonly [ErrorKind, string]>;

export type ErrorCode = keyof typeof ERRORS;

/** A failure with a wire code. Thrown anywhere below the wire layer; turned into the error envelope in one place. */
export class KmsError extends Error {
  readonly kind: ErrorKind;
  /** Throttled calls: when the caller may try again (the wire layer sends it as `x-acs-retry-after`). */
  readonly retryAfterMs?: number;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    opts: { retryAfterMs?: number } = {},
  ) {
    const [kind, template] = ERRORS[code];
    super(template.includes('%s') ? template.replace('%s', detail ?? '') : detail ? `${template} ${detail}` : template);
    this.kind = kind;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export const missing = (name: string) => new KmsError('MissingParameter', name);
export const invalid = (name: string) => new KmsError('InvalidParameter', name);
