/** Service limits (kms-openapi.md §3.3), in one table so validation and docs read the same numbers. */
export const LIMITS = {
  descriptionMaxLength: 8192,
  policyMaxBytes: 32768,
  pendingWindowDays: { min: 7, max: 366 },
  /** Rotation interval bounds for software keys; the doc says 7d-365d (CreateKey) and 7d-730d (UpdateRotationPolicy). We take 730d. */
  rotationIntervalSeconds: { min: 7 * 86400, max: 730 * 86400 },
  tagsPerResource: 20,
  tagLength: 128,
  tagResourcesPerCall: 50,
  aliasNameMaxLength: 255,
  keyVersionsPerKey: 50,
  keyVersionMinIntervalSeconds: 7 * 86400,
  listKeysPageSize: { min: 1, max: 100, default: 10 },
  listPageSize: { min: 1, max: 100, default: 10 },
  listFilters: 10,
  /** Largest request body we read; our choice (the biggest legitimate parameter is an ~8 KiB SM2 ciphertext). */
  requestBodyBytes: 1024 * 1024,
  /** Allowed difference between a request's signing time and ours (POP gateway rule). */
  signatureSkewSeconds: 15 * 60,
} as const;
