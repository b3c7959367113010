/**
 * The CLI's client of a running emulator's admin endpoints (`alikms clock`, `alikms export`): the endpoint as
 * `host:port` or a URL, and failures explained with where the endpoint and credentials came from.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT } from '../emulator';
import { normalizeEndpoint } from '../endpoint';

export { normalizeEndpoint };

export interface AdminTarget {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  adminToken?: string;
}

/** --endpoint, --access-key-id, --access-key-secret and --admin-token, with their variables. */
export function addAdminOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--endpoint <endpoint>', 'emulator endpoint: host:port or http://host:port')
        .env('ALIKMS_ENDPOINT')
        .default(`http://${DEFAULT_HOST}:${DEFAULT_PORT}`),
    )
    .addOption(new Option('--access-key-id <id>', 'access key id').env('ALIBABA_CLOUD_ACCESS_KEY_ID').default('test'))
    .addOption(new Option('--access-key-secret <secret>', 'access key secret').env('ALIBABA_CLOUD_ACCESS_KEY_SECRET').default('test'))
    .addOption(new Option('--admin-token <token>', "the emulator's --admin-token (instead of an access key)").env('ALIKMS_ADMIN_TOKEN'));
}

/** The target of an admin command, with sources for its error messages. */
export function adminTarget(cmd: Command): AdminTarget & { sources: { endpoint: string; credentials: string } } {
  const o = cmd.opts<AdminTarget>();
  const from = (key: string, flag: string, env: string) => {
    const source = cmd.getOptionValueSource(key);
    return source === 'env' ? env : source === 'cli' ? flag : 'the default';
  };
  const endpointSource = from('endpoint', '--endpoint', 'ALIKMS_ENDPOINT');
  const credentials = o.adminToken
    ? from('adminToken', '--admin-token', 'ALIKMS_ADMIN_TOKEN')
    : cmd.getOptionValueSource('accessKeyId') === 'default'
      ? 'the default access key test/test'
      : `${from('accessKeyId', '--access-key-id', 'ALIBABA_CLOUD_ACCESS_KEY_ID')} (access key ${o.accessKeyId})`;
  return {
    ...o,
    endpoint: normalizeEndpoint(o.endpoint, endpointSource === 'the default' ? 'endpoint' : endpointSource),
    sources: { endpoint: endpointSource, credentials },
  };
}

/** GET (no body) or POST JSON to `/_alikms/<path>`; errors say what failed and what to check. */
export async function adminCall(target: ReturnType<typeof adminTarget>, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const url = `${target.endpoint}/_alikms/${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: target.adminToken
          ? `Bearer ${target.adminToken}`
          : 'Basic ' + Buffer.from(`${target.accessKeyId}:${target.accessKeySecret}`).toString('base64'),
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `cannot reach an emulator at ${target.endpoint} (${cause?.code ?? cause?.message ?? (err as Error).message}; endpoint from ` +
        `${target.sources.endpoint}): start one with \`npx alikms serve\`, or set --endpoint / ALIKMS_ENDPOINT`,
    );
  }
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${target.endpoint} answered ${res.status} with ${JSON.stringify(text.slice(0, 80))}: is it an alikms emulator?`);
  }
  const message = String(json.Message ?? json.Code ?? '');
  if (res.status === 401)
    throw new Error(
      `admin credentials from ${target.sources.credentials} were refused by ${target.endpoint}: ${message}. Use an access key of ` +
        `the emulator's accounts (--access-key-id/--access-key-secret or ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET) or its --admin-token`,
    );
  if (!res.ok) throw new Error(`${path.split('?')[0]}: ${res.status} ${json.Code ?? ''} ${message}`.trim());
  return json;
}
