/**
 * BssOpenApi (Version 2017-12-14) answers `{Code: "Success", Message, Success: true, Data}` plus RequestId; its
 * failures use the same error envelope as KMS. ProductCode must be `kms`: no other product is emulated.
 */
import { z } from 'zod';
import type { Capacity } from '../../domain/instances';

export const BSS_VERSION = '2017-12-14';

export const ok = (Data?: Record<string, unknown>) => ({ Code: 'Success', Message: 'Successful!', Success: true, ...(Data && { Data }) });

export const productCode = z.literal('kms');

/** `kms_ddi_public_cn|intl` are subscriptions, `kms_ppi_public_cn|intl` pay-as-you-go. */
export const productType = z.string().regex(/^kms_(ddi|ppi)_public_(cn|intl)$/);
export const subscriptionType = z.enum(['Subscription', 'PayAsYouGo']);

/** `Parameter.N.Code` / `Parameter.N.Value` -> { Code: Value }. */
export const parameters = z
  .array(z.object({ Code: z.string().min(1), Value: z.string() }))
  .max(50)
  .transform((list) => Object.fromEntries(list.map((p) => [p.Code, p.Value])));

/** A whole number parameter among `Parameter.N`, or undefined when absent (NaN when not a whole number). */
function numberParam(params: Record<string, string>, code: string): number | undefined {
  if (params[code] === undefined) return undefined;
  const n = Number(params[code]);
  return Number.isInteger(n) ? n : Number.NaN;
}

/** The capacity fields of `Parameter.N` that are present (CreateInstance, ModifyInstance). */
export function capacityParams(p: Record<string, string>): Partial<Capacity> {
  const numbers = { spec: 'Spec', keyNum: 'KeyNum', secretNum: 'SecretNum', vpcNum: 'VpcNum', logStorage: 'LogStorage' } as const;
  const out: Partial<Capacity> = {};
  for (const [field, code] of Object.entries(numbers) as [keyof typeof numbers, string][]) {
    const n = numberParam(p, code);
    if (n !== undefined) out[field] = n;
  }
  if (p.Log !== undefined) out.log = p.Log === '1' || p.Log === 'true';
  return out;
}
