/** Service limits (kms-openapi.md §3.3), in one table so validation and docs read the same numbers. */
export const LIMITS = {
  descriptionMaxLength: 8192,
  policyMaxBytes: 32768,
  pendingWindowDays: { min: 7, max: 366 },
  /**
   * Rotation interval bounds for software keys. The docs disagree (CreateKey: 7d-365d; UpdateRotationPolicy: 7d-730d):
   * we default to 365d and `--max-rotation-interval 730d` allows the longer reading.
   */
  rotationIntervalSeconds: { min: 7 * 86400, max: 365 * 86400 },
  tagsPerResource: 20,
  tagLength: 128,
  tagResourcesPerCall: 50,
  aliasNameMaxLength: 255,
  keyVersionsPerKey: 50,
  keyVersionMinIntervalSeconds: 7 * 86400,
  /** Encrypt takes "less than 6 KB" of data; we read it as 6 KiB. */
  encryptPlaintextBytes: 6144,
  /** GenerateDataKey* NumberOfBytes; the default when neither it nor KeySpec is given is 32 (a 256-bit key). */
  dataKeyBytes: { min: 1, max: 1024, default: 32 },
  /** GetParametersForImport tokens. */
  importTokenSeconds: 24 * 3600,
  /** Outstanding import tokens kept per key; older ones stop working. */
  importTokensPerKey: 10,
  listKeysPageSize: { min: 1, max: 100, default: 10 },
  listPageSize: { min: 1, max: 100, default: 10 },
  listFilters: 10,
  /** Largest request body we read; our choice (the biggest legitimate parameter is an ~8 KiB SM2 ciphertext). */
  requestBodyBytes: 1024 * 1024,
  /** Largest request line plus headers we read; our choice, room for a 32 KiB policy percent-encoded into the URL. */
  requestHeaderBytes: 128 * 1024,
  /**
   * The latest time the emulator clock may be moved to: the last second of year 9999, the largest time a KMS date field
   * (`2024-03-25T10:00:00Z`) can show. Past it, formatting a date would throw on every later request.
   */
  latestClockMs: Date.UTC(9999, 11, 31, 23, 59, 59),
  /** Allowed difference between a request's signing time and ours (POP gateway rule). */
  signatureSkewSeconds: 15 * 60,
} as const;
