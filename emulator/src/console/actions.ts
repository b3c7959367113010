/**
 * What the console's forms do. A KMS action is performed by the API's own action (api/registry.ts): the form's fields
 * become that action's wire parameters, its schema checks them, and its handler makes the domain call, in the scope
 * of the signed-in caller. So the console can do exactly what the caller's credentials could through the API, and
 * is refused with the API's answer. The default CMK and the clock are the admin endpoints' domain calls.
 */
import { KMS_VERSION, REGISTRY } from '../api/registry';
import { KmsError } from '../domain/errors';
import { newRequestId } from '../domain/ids';
import { advanceClock } from '../wire/admin';
import { statusOf } from '../wire/status';
import { validationError } from '../wire/validate';
import type { Params } from '../wire/params';
import type { RequestRecord } from '../wire/server';
import { EVENT_LABELS } from './pages/time';
import type { View } from './view';

export interface Outcome {
  readonly text: string;
  /** Where to go next, when not back to the form's page. */
  readonly next?: string;
}

interface ApiForm {
  /** The action's wire parameters, from the form. */
  params(form: URLSearchParams): Params;
  done(p: Params, result: Record<string, unknown>): Outcome;
}

const field = (form: URLSearchParams, name: string) => form.get(name)?.trim() || undefined;
/** The named fields that were filled in. */
const fields = (form: URLSearchParams, ...names: string[]): Params =>
  Object.fromEntries(names.flatMap((n) => (field(form, n) === undefined ? [] : [[n, field(form, n)!]])));

const API_FORMS: Readonly<Record<string, ApiForm>> = {
  EnableKey: { params: (f) => fields(f, 'KeyId'), done: (p) => ({ text: `Key ${p.KeyId} is Enabled.` }) },
  DisableKey: { params: (f) => fields(f, 'KeyId'), done: (p) => ({ text: `Key ${p.KeyId} is Disabled.` }) },
  ScheduleKeyDeletion: {
    params: (f) => fields(f, 'KeyId', 'PendingWindowInDays'),
    done: (p) => ({ text: `Key ${p.KeyId} is pending deletion: it goes in ${p.PendingWindowInDays} days.` }),
  },
  CancelKeyDeletion: { params: (f) => fields(f, 'KeyId'), done: (p) => ({ text: `Deletion of key ${p.KeyId} cancelled.` }) },
  CreateAlias: {
    params: (f) => fields(f, 'KeyId', 'AliasName'),
    done: (p) => ({ text: `Alias ${p.AliasName} points to key ${p.KeyId}.` }),
  },
  TagResource: {
    params: (f) => ({
      ...fields(f, 'KeyId'),
      ...(field(f, 'TagKey') && { Tags: JSON.stringify([{ TagKey: field(f, 'TagKey'), TagValue: f.get('TagValue') ?? '' }]) }),
    }),
    done: (p) => ({ text: `Key ${p.KeyId} tagged.` }),
  },
  CreateKey: {
    params: (f) => fields(f, 'KeySpec', 'KeyUsage', 'DKMSInstanceId', 'Description'),
    done: (_p, result) => {
      const keyId = (result.KeyMetadata as { KeyId: string }).KeyId;
      return { text: `Created key ${keyId}.`, next: `/console/keys/${encodeURIComponent(keyId)}` };
    },
  },
};

const OWN_FORMS: Readonly<Record<string, (v: View, form: URLSearchParams) => Promise<Outcome>>> = {
  async EnableDefaultKey(v) {
    // Making the region's default CMK is making a key: a RAM user refused CreateKey is refused this too.
    v.authorize('CreateKey');
    const key = await v.kms.keys.provideDefaultKey(v.scope);
    return { text: `The default CMK ${key.keyId} is Enabled.` };
  },
  async AdvanceClock(v, form) {
    if (!v.identity.admin) throw new KmsError('Forbidden.NoPermission', 'moving the clock needs admin rights.');
    const value = field(form, 'advance') ?? '';
    const events = await advanceClock(v.kms, /^\d+$/.test(value) ? Number(value) : value);
    const happened = events.map((e) => `${EVENT_LABELS[e.kind]} of ${e.keyId}`);
    return { text: `Advanced by ${value}. ${happened.length ? `Happened: ${happened.join('; ')}.` : 'Nothing fell due.'}` };
  },
};

export const isAction = (name: string) => Object.hasOwn(API_FORMS, name) || Object.hasOwn(OWN_FORMS, name);

/** Performs the form's action; a refusal is thrown as the KmsError the API would answer. */
export async function perform(v: View, name: string, form: URLSearchParams, sourceIp: string): Promise<Outcome> {
  if (Object.hasOwn(OWN_FORMS, name)) return OWN_FORMS[name](v, form);
  const action = REGISTRY.get(KMS_VERSION)!.get(name)!;
  const api = API_FORMS[name];
  const params = api.params(form);
  const started = performance.now();
  const record: RequestRecord = {
    time: Date.now(),
    requestId: newRequestId(),
    sourceIp,
    action: name,
    accountId: v.scope.accountId,
    principal: v.access(name).caller.principal,
    accessKeyId: v.identity.accessKeyId,
    regionId: v.scope.regionId,
    status: 200,
    latencyMs: 0,
  };
  try {
    const parsed = action.input.safeParse(params);
    if (!parsed.success) throw validationError(parsed.error, params, false);
    const touched = (arn: string) => void ((record.keys ??= []).includes(arn) || record.keys.push(arn));
    const access = v.access(name, touched);
    const result = await action.handle(parsed.data, { kms: v.kms, scope: v.scope, access, requestId: record.requestId });
    return api.done(params, result);
  } catch (err) {
    const known = err instanceof KmsError ? err : new KmsError('InternalFailure');
    record.code = known.code;
    record.status = statusOf(known);
    throw err;
  } finally {
    record.latencyMs = performance.now() - started;
    v.o.observe?.(record);
  }
}
