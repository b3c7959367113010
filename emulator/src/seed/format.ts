/**
 * The seed file: deterministic state a test or a team declares once and the emulator applies at start. JSON or YAML,
 * validated by this schema (the README shows an example). Every object is strict: a field the schema does not know (a
 * typo such as `descripton`) is refused with its path rather than silently ignored. Keys keep the KeyIds written here; material is optional
 * (base64 raw bytes for symmetric keys, PEM for asymmetric ones) and generated when absent.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { KEY_SPECS, KEY_STATES, KEY_USAGES, ORIGINS, KEY_STORAGE_MECHANISMS } from '../domain/specs';

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 time');

const scoped = {
  accountId: z
    .string()
    .regex(/^\d{16}$/)
    .optional(),
  regionId: z.string().optional(),
};

export const SeedVersion = z.strictObject({
  keyVersionId: z.string().uuid().optional(),
  createdAt: isoTime.optional(),
  /** base64 of the raw key (symmetric) or a PEM private key (asymmetric). */
  material: z.string().optional(),
});

export const SeedKey = z.strictObject({
  ...scoped,
  keyId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  keySpec: z.enum(KEY_SPECS).default('Aliyun_AES_256'),
  keyUsage: z.enum(KEY_USAGES).optional(),
  origin: z.enum(ORIGINS).default('Aliyun_KMS'),
  description: z.string().default(''),
  state: z.enum(KEY_STATES).optional(),
  /** Required with state PendingDeletion. */
  deleteDate: isoTime.optional(),
  instanceId: z.string().optional(),
  keyStorageMechanism: z.enum(KEY_STORAGE_MECHANISMS).optional(),
  createdAt: isoTime.optional(),
  deletionProtection: z.union([z.boolean(), z.string()]).optional(),
  tags: z.record(z.string(), z.string()).default({}),
  rotation: z.strictObject({ interval: z.string(), lastRotationDate: isoTime.optional() }).optional(),
  aliases: z.array(z.string()).default([]),
  versions: z.array(SeedVersion).min(1).optional(),
  /** The key policy (a JSON string, or the document itself in YAML/JSON), evaluated for keys in instances. */
  policy: z.union([z.string(), z.record(z.string(), z.unknown()).transform((doc) => JSON.stringify(doc))]).optional(),
  /** The region's default CMK (an instance-less Aliyun_AES_256 key; at most one per account and region). */
  defaultKey: z.boolean().optional(),
});

export const SeedInstance = z.strictObject({
  ...scoped,
  instanceId: z.string().regex(/^kst-[a-z0-9]{3,40}$/),
  kind: z.enum(['software', 'hardware']).default('software'),
  chargeType: z.enum(['PREPAY', 'POSTPAY']).default('PREPAY'),
  spec: z.number().int().default(1000),
  keyNum: z.number().int().default(1000),
  secretNum: z.number().int().default(0),
  vpcNum: z.number().int().default(1),
  connected: z.boolean().default(true),
  deletionProtection: z.union([z.boolean(), z.string()]).optional(),
});

export const SeedAccount = z.strictObject({
  id: z.string().regex(/^\d{16}$/),
  accessKeys: z
    .array(z.strictObject({ id: z.string().min(1), secret: z.string().min(1), securityToken: z.string().optional() }))
    .default([]),
});

export const Seed = z.strictObject({
  accounts: z.array(SeedAccount).default([]),
  instances: z.array(SeedInstance).default([]),
  keys: z.array(SeedKey).default([]),
});

export type Seed = z.infer<typeof Seed>;
/** A seed as written (defaults not yet filled in): what a file or `startEmulator({ seed })` holds. */
export type SeedInput = z.input<typeof Seed>;
export type SeedKey = z.infer<typeof SeedKey>;
export type SeedInstance = z.infer<typeof SeedInstance>;

/** Reads and validates a seed file (`.yaml`/`.yml` as YAML, anything else as JSON). */
export function readSeed(file: string): Seed {
  const text = readFileSync(file, 'utf8');
  let raw: unknown;
  try {
    // yaml is loaded only for YAML seeds: it would add ~40 ms to every emulator start.
    raw = /\.ya?ml$/i.test(file) ? (require('yaml') as typeof import('yaml')).parse(text) : JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
  return parseSeed(raw ?? {}, file);
}

/** Validates a seed and fills in its defaults; `source` names it in the error. */
export function parseSeed(raw: unknown, source = 'seed'): Seed {
  const parsed = Seed.safeParse(raw);
  if (!parsed.success) throw new Error(`${source}: ${parsed.error.issues.map(describeIssue).join('; ')}`);
  return parsed.data;
}

/** `keys.0.descripton: unknown field (not in the seed format)` rather than zod's `: Unrecognized key: "descripton"`. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.join('.');
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((k) => `${at ? `${at}.` : ''}${k}: unknown field (not in the seed format)`).join('; ');
  return `${at}: ${issue.message}`;
}
