/**
 * What an API action is: its wire name, a zod schema for its (string) parameters, and a thin handler that calls the
 * domain and shapes the reply. The wire layer validates with the schema before calling the handler, so a handler
 * sees typed input only.
 */
import type { z } from 'zod';
import { authorizeAccount, type Access } from '../domain/authorization';
import { KmsError } from '../domain/errors';
import type { Kms } from '../domain/kms';
import type { Scope } from '../domain/model';

export interface ActionContext {
  readonly kms: Kms;
  /** The caller's account and the request's region: what listings and instance actions act on. */
  readonly scope: Scope;
  /** The call as the domain authorizes it (who, which action): what every domain call that names a key takes. */
  readonly access: Access;
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

/**
 * A KMS action with its authorization: one that names no key is decided here by the caller's identity policies
 * (domain/authorization.ts ACCOUNT_ACTIONS); one that names keys is decided as the domain resolves each key. A dry run
 * refused for permissions answers AccessDeniedError, as the DryRun parameter's documentation says.
 */
export function authorized<S extends z.ZodType>(action: Action<S>): Action<S> {
  const check = action.check;
  return {
    ...action,
    check:
      check &&
      (async (input, ctx) => {
        try {
          authorizeAccount(ctx.access);
          return await check(input, ctx);
        } catch (err) {
          if (err instanceof KmsError && err.code === 'Forbidden.NoPermission') throw new KmsError('AccessDeniedError', err.message);
          throw err;
        }
      }),
    async handle(input, ctx) {
      authorizeAccount(ctx.access);
      return action.handle(input, ctx);
    },
  };
}
