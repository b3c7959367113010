/**
 * alikms:index:Alias — an alias (`alias/…`) pointing at a key (iac-anchors.md §5.3). ID = the alias name.
 * keyId accepts a key ID or ARN and compares as the ID. An existing alias is never adopted: one this stack did not
 * create may belong to someone else, and during `pulumi up --replace` (create before delete) it is the old resource's,
 * which the engine deletes right after; `pulumi import` takes an existing alias over. Replacements delete first.
 */
import { isNotFound, type KmsClient } from '../client';
import { clientOf, resourceName, ResourceError, type CheckFailure, type ResourceDefinition } from '../resource';
import type { Props } from '../values';

const ALIAS_NAME = /^alias\/[A-Za-z0-9_/-]{1,255}$/;
const KEY_ARN = /^acs:kms:([^:]*):(\d*):key\/(.+)$/;

/** A key ID or key ARN → the key ID. */
export const keyIdOf = (v: unknown) => (typeof v === 'string' ? (KEY_ARN.exec(v)?.[3] ?? v) : v);

export const Alias: ResourceDefinition = {
  token: 'alikms:index:Alias',
  description:
    'An alias for a key. The ID is the alias name. Changing `name` replaces the alias; `keyId` (an ID or an ARN, compared ' +
    'as the key ID) is updated in place. Names under `alias/acs/` belong to cloud services and are refused. An existing ' +
    'alias is never adopted (import it with `pulumi import`); a replacement deletes the old alias before creating the new one.',
  deleteBeforeReplace: true,
  properties: {
    name: {
      type: 'string',
      input: 'required',
      replaceOnChanges: true,
      alwaysOutput: true,
      description: 'The alias name: `alias/` followed by 1-255 letters, digits, `_`, `-` or `/`. Forces replacement.',
    },
    keyId: {
      type: 'string',
      input: 'required',
      alwaysOutput: true,
      normalize: keyIdOf,
      description: 'The key the alias points at: a key ID or a key ARN (`acs:kms:<region>:<account>:key/<id>`).',
    },
    aliasArn: { type: 'string', alwaysOutput: true, stable: true, description: 'The alias ARN.' },
    targetKeyId: { type: 'string', alwaysOutput: true, description: 'The ID of the key the alias points at.' },
    targetKeyArn: { type: 'string', alwaysOutput: true, description: 'The ARN of the key the alias points at.' },
  },

  check(news, unknown) {
    const f: CheckFailure[] = [];
    const name = news.name;
    if (typeof name === 'string' && !unknown.has('name')) {
      if (name.startsWith('alias/acs/'))
        f.push({ property: 'name', reason: `name '${name}': aliases under alias/acs/ are reserved for cloud service keys` });
      else if (!ALIAS_NAME.test(name)) f.push({ property: 'name', reason: `name '${name}' must match alias/[A-Za-z0-9_/-]{1,255}` });
    }
    const keyId = news.keyId;
    if (typeof keyId === 'string' && !unknown.has('keyId')) {
      if (keyId.startsWith('alias/')) f.push({ property: 'keyId', reason: 'keyId must be a key ID or key ARN, not another alias' });
      else if (keyId.startsWith('acs:') && !KEY_ARN.test(keyId))
        f.push({ property: 'keyId', reason: `keyId '${keyId}' is not a key ARN (acs:kms:<region>:<account>:key/<id>)` });
      else if (!keyId) f.push({ property: 'keyId', reason: 'keyId must not be empty' });
    }
    return f;
  },

  async create(ctx, inputs) {
    const client = clientOf(ctx);
    const name = inputs.name as string;
    const want = keyIdOf(inputs.keyId) as string;
    const existing = await client.findKey(name);
    if (existing)
      throw new ResourceError(
        `alias ${name} already exists and points at key ${existing.KeyId} (${existing.KeyState}); alikms does not adopt aliases it ` +
          `did not create. To manage it, \`pulumi import alikms:index:Alias ${resourceName(ctx.urn)} ${name}\`; if this is ` +
          '`pulumi up --replace` of this alias, give it the resource option deleteBeforeReplace: true',
      );
    await client.call('CreateAlias', { AliasName: name, KeyId: want });
    const live = await readAlias(client, name, inputs.keyId);
    if (!live) throw new ResourceError(`alias ${name} disappeared right after CreateAlias`);
    return { id: name, outputs: live.outputs };
  },

  async read(ctx, id, state, inputs) {
    const client = clientOf(ctx);
    // DescribeKey also answers for key IDs and ARNs: `pulumi import` of a key ID must not pass for an alias.
    if (!id.startsWith('alias/')) return undefined;
    const live = await readAlias(client, id, inputs?.keyId ?? state.keyId);
    if (!live) return undefined;
    if (live.targetKeyState === 'PendingDeletion')
      ctx.log.log('warning', `alias ${id} points at key ${live.outputs.targetKeyId}, which is PendingDeletion`, ctx.urn);
    return { id, outputs: live.outputs, inputs: { name: id, keyId: live.outputs.keyId } };
  },

  async update(ctx, id, olds, news) {
    const client = clientOf(ctx);
    await client.call('UpdateAlias', { AliasName: id, KeyId: keyIdOf(news.keyId) });
    const live = await readAlias(client, id, news.keyId);
    if (!live) throw new ResourceError(`alias ${id} disappeared during update`);
    return live.outputs;
  },

  async delete(ctx, id) {
    try {
      await clientOf(ctx).call('DeleteAlias', { AliasName: id });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  },
};

/** DescribeKey on the alias name gives the target in one call (the doc allows aliases as KeyId). */
async function readAlias(
  client: KmsClient,
  name: string,
  knownKeyId: unknown,
): Promise<{ outputs: Props; targetKeyState: string } | undefined> {
  const key = await client.findKey(name);
  if (!key) return undefined;
  const region = client.settings.region;
  const account = KEY_ARN.exec(key.Arn)?.[2] ?? '';
  const outputs: Props = {
    name,
    // The user's form (ID or ARN) when it names the live target, else the live ID: no perpetual ID-vs-ARN diff.
    keyId: keyIdOf(knownKeyId) === key.KeyId ? knownKeyId : key.KeyId,
    aliasArn: `acs:kms:${region}:${account}:${name}`,
    targetKeyId: key.KeyId,
    targetKeyArn: key.Arn,
  };
  return { outputs, targetKeyState: key.KeyState };
}
