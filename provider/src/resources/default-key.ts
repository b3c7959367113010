/**
 * alikms:index:DefaultKey — the region's default CMK (iac-anchors.md §5.5), a per-region singleton: ID = the region.
 * Create adopts the existing default key — the key DescribeKey marks `DefaultKey: true` (the emulator's field), else
 * the oldest user-created AES-256 key outside any instance that is not pending deletion — or makes one with CreateKey.
 * Delete only releases management and never schedules deletion, so a replacement (delete first: one per region) keeps
 * the key.
 */
import type { KeyMetadata, KmsClient } from '../client';
import { clientOf, finishCreate, ResourceError, type CheckFailure, type ResourceContext, type ResourceDefinition } from '../resource';
import type { Props } from '../values';
import { checkDescription, checkTags, descriptionSpec, tagsSpec } from './common';
import { Key, readKey } from './key';

const out = (description: string, alwaysOutput = false, stable = false) => ({
  type: 'string' as const,
  description,
  alwaysOutput,
  stable,
});
const KEY_OUTPUTS = ['keyId', 'arn', 'keySpec', 'keyState', 'protectionLevel', 'creationDate', 'automaticRotation', 'rotationInterval'];

export const DefaultKey: ResourceDefinition = {
  token: 'alikms:index:DefaultKey',
  description:
    'The default CMK of the provider region (one per region; the ID is the region). Creating it adopts the existing ' +
    'default key (the one DescribeKey marks DefaultKey, else the oldest instance-less user AES-256 key), or makes one; ' +
    'deleting it only stops managing the key, which is never deleted by alikms.',
  deleteBeforeReplace: true,
  properties: {
    description: descriptionSpec('default key'),
    enabled: { type: 'boolean', input: 'optional', default: true, alwaysOutput: true, description: 'Whether the key is Enabled.' },
    deletionProtection: {
      type: 'boolean',
      input: 'optional',
      diff: 'whenSet',
      description: 'Deletion protection (the key cannot be deleted anyway).',
    },
    tags: tagsSpec('default key'),
    keyId: out('The default key ID.', true, true),
    arn: out('The default key ARN.', true, true),
    keySpec: out('Key spec (Aliyun_AES_256).', false, true),
    keyState: out('Enabled or Disabled.', true),
    protectionLevel: out('SOFTWARE.', false, true),
    creationDate: out('When the key was created.', false, true),
    automaticRotation: out('Enabled, Disabled or Suspended.'),
    rotationInterval: out('Rotation interval in seconds.'),
  },

  check(news) {
    const f: CheckFailure[] = [...checkDescription(news.description), ...checkTags(news.tags)];
    return f;
  },

  async create(ctx, inputs) {
    const client = clientOf(ctx);
    const adopted = await findDefaultKey(client);
    const keyId = adopted ?? (await client.createKey({ KeySpec: 'Aliyun_AES_256', Description: inputs.description })).KeyId;
    ctx.log.log('info', `${adopted ? 'adopting' : 'enabled'} default key ${keyId} of ${ctx.region}`, ctx.urn);
    // The key is adopted (or made) now: if applying the settings fails, the stack still records it.
    return finishCreate(ctx.region, { keyId }, async () => {
      const live = await readKey(client, keyId, {});
      if (!live) throw new ResourceError(`default key ${keyId} is not usable`);
      return apply(ctx, keyId, live, inputs);
    });
  },

  async read(ctx, id, state, inputs) {
    const client = clientOf(ctx);
    let keyId = state.keyId as string | undefined;
    let live = keyId ? await readKey(client, keyId, {}, ctx) : undefined;
    if (!live) {
      // The default CMK was swapped or re-created: follow the region's current one, and say so.
      const current = await findDefaultKey(client);
      if (!current) return undefined;
      if (keyId) ctx.log.log('warning', `the default key of ${id} is now ${current} (was ${keyId})`, ctx.urn);
      keyId = current;
      live = (await readKey(client, current, {}, ctx))!;
    }
    const outputs = view(live);
    const inputsOut: Props = {};
    for (const k of ['description', 'enabled', 'deletionProtection', 'tags'])
      if (inputs ? inputs[k] !== undefined : k !== 'deletionProtection') inputsOut[k] = outputs[k];
    return { id, outputs, inputs: inputsOut };
  },

  async update(ctx, _id, olds, news) {
    const live = await readKey(clientOf(ctx), olds.keyId as string, {});
    if (!live) throw new ResourceError(`default key ${olds.keyId} is gone`);
    return apply(ctx, olds.keyId as string, live, news);
  },

  async delete(ctx, id, olds) {
    ctx.log.log('warning', `default key ${olds.keyId} of ${id} is no longer managed; it was not deleted (default keys cannot be)`, ctx.urn);
  },
};

/** Applies description/enabled/deletion protection/tags through Key's update (same calls, same ordering). */
async function apply(ctx: ResourceContext, keyId: string, live: Props, inputs: Props): Promise<Props> {
  const news = { ...inputs, deletionProtection: inputs.deletionProtection ?? live.deletionProtection };
  return view(await Key.update(ctx, keyId, live, news, {}));
}

function view(live: Props): Props {
  const outputs: Props = {
    description: live.description,
    enabled: live.enabled,
    deletionProtection: live.deletionProtection,
    tags: live.tags,
  };
  for (const k of KEY_OUTPUTS) outputs[k] = live[k];
  return outputs;
}

/**
 * The default CMK among described user keys: the one marked DefaultKey, else the oldest instance-less Aliyun_AES_256
 * key not pending deletion (how the region's first such key became its default CMK). Never a service key.
 */
export function pickDefaultKey(keys: KeyMetadata[]): string | undefined {
  const marked = keys.find((m) => m.DefaultKey === true && m.KeyState !== 'PendingDeletion');
  if (marked) return marked.KeyId;
  return keys
    .filter((m) => !m.DKMSInstanceId && m.KeyState !== 'PendingDeletion' && m.KeySpec === 'Aliyun_AES_256')
    .sort((a, b) => a.CreationDate.localeCompare(b.CreationDate))[0]?.KeyId;
}

async function findDefaultKey(client: KmsClient): Promise<string | undefined> {
  const described: KeyMetadata[] = [];
  for (let page = 1; ; page++) {
    const res = await client.call<{ Keys?: { Key?: { KeyId: string }[] }; TotalCount: number }>('ListKeys', {
      PageNumber: page,
      PageSize: 100,
      Filters: JSON.stringify([{ Key: 'CreatorType', Values: ['User'] }]),
    });
    const keys = res.Keys?.Key ?? [];
    for (const k of keys) {
      const m = await client.findKey(k.KeyId);
      if (m) described.push(m);
    }
    if (keys.length < 100 || page * 100 >= res.TotalCount) break;
  }
  return pickDefaultKey(described);
}
