/**
 * What an API action is: its wire name, a zod schema for its (string) parameters, and a thin handler that calls the
 * domain and shapes the reply. The wire layer validates with the schema before calling the handler, so a handler
 * sees typed input only.
 */
import type { z } from 'zod';
import type { Kms } from '../domain/kms';
import type { Scope } from '../domain/model';

export interface ActionContext {
  readonly kms: Kms;
  readonly scope: Scope;
  readonly requestId: string;
}

export interface Action<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly input: S;
  /**
   * Actions whose request model has `DryRun` (the data plane) have a check: with DryRun=true the wire layer runs it
   * instead of `handle` and answers DryRunOperationError when it passes. It refuses what `handle` would refuse
   * (parameters, key state, quotas) and changes nothing.
   */
  check?(input: z.output<S>, ctx: ActionContext): Promise<unknown>;
  handle(input: z.output<S>, ctx: ActionContext): Promise<Record<string, unknown>> | Record<string, unknown>;
}

export const defineAction = <S extends z.ZodType>(action: Action<S>): Action<S> => action;
