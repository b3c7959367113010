/**
 * What a lookup (Pulumi invoke, `alikms:index:get…`) declares: its token, its inputs and outputs as property specs
 * (the single source for schema `functions`, the SDK and argument checks) and the calls it makes.
 */
import type { KmsClient } from '../client';
import type { PropertySpec } from '../resource';
import type { Props } from '../values';

export interface FunctionDefinition {
  token: string;
  description: string;
  /** `input: 'required' | 'optional'` on each. */
  inputs: Record<string, PropertySpec>;
  /** `alwaysOutput` marks the outputs every answer carries. */
  outputs: Record<string, PropertySpec>;
  invoke(client: KmsClient, args: Props): Promise<Props>;
}

/** Every page of a List* call: `items` picks a page's rows. */
export async function allPages<T>(
  client: KmsClient,
  action: string,
  query: Props,
  items: (page: any) => T[] | undefined,
  pageSize = 100,
): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const res = await client.call<any>(action, { ...query, PageNumber: page, PageSize: pageSize });
    const rows = items(res) ?? [];
    out.push(...rows);
    if (rows.length < pageSize || out.length >= Number(res.TotalCount ?? 0)) return out;
  }
}

export const str = (description: string, input?: 'required' | 'optional'): PropertySpec => ({ type: 'string', description, input });
export const strings = (description: string, input?: 'required' | 'optional'): PropertySpec => ({
  type: 'array',
  items: { type: 'string' },
  description,
  input,
});
export const list = (token: string, description: string): PropertySpec => ({
  type: 'array',
  items: { $ref: `#/types/${token}` },
  description,
  alwaysOutput: true,
});
