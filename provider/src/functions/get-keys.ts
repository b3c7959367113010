/**
 * alikms:index:getKeys — keys of the provider region, filtered as ListKeys filters them (`filters`: AND across keys,
 * OR within values), then optionally by description. Each key is described (DescribeKey), as alicloud_kms_keys does
 * with `enable_details`.
 */
import { KeySpec, KeyUsage, KeyOrigin } from '../enums';
import { KEY_FILTER_FIELDS } from '../key-specs';
import { allPages, list, str, strings, type FunctionDefinition } from './function';

/** ListKeys' filter fields, from the emulator's store port (key-specs.ts is generated). */
export const LIST_KEYS_FILTERS = KEY_FILTER_FIELDS;

export const getKeys: FunctionDefinition = {
  token: 'alikms:index:getKeys',
  description:
    'Keys of the provider region, described one by one. `filters` are ListKeys filters (at most 10; AND across filters, ' +
    'OR within values), e.g. `[{ key: "DKMSInstanceId", values: [instanceId] }, { key: "KeyState", values: ["Enabled"] }]`.',
  inputs: {
    filters: {
      type: 'array',
      items: { $ref: '#/types/alikms:index:GetKeysFilter' },
      input: 'optional',
      description: `ListKeys filters. Keys: ${LIST_KEYS_FILTERS.join(', ')}.`,
    },
    descriptionRegex: str('Only keys whose description matches this regular expression (JavaScript syntax).', 'optional'),
  },
  outputs: {
    ids: { ...strings('IDs of the keys found, oldest first.'), alwaysOutput: true },
    keys: list('alikms:index:GetKeysKey', 'The keys found, oldest first.'),
  },
  async invoke(client, args) {
    const filters = (args.filters ?? []) as { key: string; values: string[] }[];
    const rows = await allPages(
      client,
      'ListKeys',
      { Filters: filters.length ? JSON.stringify(filters.map((f) => ({ Key: f.key, Values: f.values }))) : undefined },
      (p) => p.Keys?.Key as { KeyId: string }[] | undefined,
    );
    const re = typeof args.descriptionRegex === 'string' ? new RegExp(args.descriptionRegex) : undefined;
    const keys = [];
    for (const { KeyId } of rows) {
      const m = await client.findKey(KeyId);
      if (!m || (re && !re.test(m.Description ?? ''))) continue;
      keys.push({
        keyId: m.KeyId,
        arn: m.Arn,
        description: m.Description ?? '',
        keySpec: m.KeySpec,
        keyUsage: m.KeyUsage,
        keyState: m.KeyState,
        origin: m.Origin,
        protectionLevel: m.ProtectionLevel,
        instanceId: m.DKMSInstanceId || undefined,
        creator: m.Creator,
        creationDate: m.CreationDate,
        deleteDate: m.DeleteDate || undefined,
        primaryKeyVersion: m.PrimaryKeyVersion,
        materialExpireTime: m.MaterialExpireTime || undefined,
        automaticRotation: m.AutomaticRotation,
        rotationInterval: m.RotationInterval || undefined,
        defaultKey: m.DefaultKey === true,
      });
    }
    return { ids: keys.map((k) => k.keyId), keys };
  },
};

/** Result and argument object types (schema `types`). */
export const GET_KEYS_TYPES = {
  'alikms:index:GetKeysFilter': {
    type: 'object',
    description: 'One ListKeys filter.',
    properties: {
      key: { type: 'string', description: `The field: ${LIST_KEYS_FILTERS.join(', ')}.` },
      values: { type: 'array', items: { type: 'string' }, description: 'Accepted values (at most 10; any may match).' },
    },
    required: ['key', 'values'],
  },
  'alikms:index:GetKeysKey': {
    type: 'object',
    description: 'A key, as DescribeKey shows it.',
    properties: {
      keyId: { type: 'string', description: 'Key ID.' },
      arn: { type: 'string', description: 'Key ARN.' },
      description: { type: 'string', description: 'Description.' },
      keySpec: { $ref: `#/types/${KeySpec.token}`, description: 'Key spec.' },
      keyUsage: { $ref: `#/types/${KeyUsage.token}`, description: 'Key usage.' },
      keyState: { type: 'string', description: 'Enabled, Disabled, PendingDeletion or PendingImport.' },
      origin: { $ref: `#/types/${KeyOrigin.token}`, description: 'Key material origin.' },
      protectionLevel: { type: 'string', description: 'SOFTWARE or HSM.' },
      instanceId: { type: 'string', description: 'The KMS instance holding the key; absent for instance-less keys.' },
      creator: { type: 'string', description: 'Who created the key.' },
      creationDate: { type: 'string', description: 'When the key was created.' },
      deleteDate: { type: 'string', description: 'When a PendingDeletion key is deleted.' },
      primaryKeyVersion: { type: 'string', description: 'The primary key version ID.' },
      materialExpireTime: { type: 'string', description: 'When imported key material expires.' },
      automaticRotation: { type: 'string', description: 'Enabled, Disabled or Suspended.' },
      rotationInterval: { type: 'string', description: 'Rotation interval in seconds (`604800s`) while rotation is on.' },
      defaultKey: { type: 'boolean', description: "Whether this is the region's default CMK (DescribeKey's DefaultKey)." },
    },
    required: ['keyId', 'arn', 'description', 'keySpec', 'keyUsage', 'keyState', 'origin', 'protectionLevel', 'creationDate', 'defaultKey'],
  },
};
