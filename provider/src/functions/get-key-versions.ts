/** alikms:index:getKeyVersions — the versions of one key (ListKeyVersions), oldest first. */
import { allPages, list, str, strings, type FunctionDefinition } from './function';

export const getKeyVersions: FunctionDefinition = {
  token: 'alikms:index:getKeyVersions',
  description: 'The versions of a key (each rotation adds one), oldest first, and which one is primary.',
  inputs: { keyId: str('The key: an ID, ARN or alias.', 'required') },
  outputs: {
    keyId: { ...str('The key ID.'), alwaysOutput: true },
    primaryKeyVersion: { ...str('The primary version ID.'), alwaysOutput: true },
    ids: { ...strings('Version IDs, oldest first.'), alwaysOutput: true },
    versions: list('alikms:index:GetKeyVersionsVersion', 'The versions, oldest first.'),
  },
  async invoke(client, args) {
    const key = await client.describeKey(args.keyId as string);
    const rows = await allPages<{ KeyVersionId: string; CreationDate: string }>(
      client,
      'ListKeyVersions',
      { KeyId: key.KeyId },
      (p) => p.KeyVersions?.KeyVersion,
    );
    const versions = rows.map((v) => ({ keyVersionId: v.KeyVersionId, creationDate: v.CreationDate }));
    return { keyId: key.KeyId, primaryKeyVersion: key.PrimaryKeyVersion, ids: versions.map((v) => v.keyVersionId), versions };
  },
};

export const GET_KEY_VERSIONS_TYPES = {
  'alikms:index:GetKeyVersionsVersion': {
    type: 'object',
    description: 'A key version.',
    properties: {
      keyVersionId: { type: 'string', description: 'Version ID.' },
      creationDate: { type: 'string', description: 'When it was created.' },
    },
    required: ['keyVersionId', 'creationDate'],
  },
};
