/** alikms:index:getAliases — aliases of the region (ListAliases), or of one key (ListAliasesByKeyId), by name prefix. */
import { allPages, list, str, strings, type FunctionDefinition } from './function';

interface AliasRow {
  AliasName: string;
  AliasArn: string;
  KeyId: string;
}

export const getAliases: FunctionDefinition = {
  token: 'alikms:index:getAliases',
  description: 'Aliases of the provider region, or only those of one key, optionally only names starting with a prefix.',
  inputs: {
    keyId: str("Only this key's aliases (a key ID, ARN or alias; ListAliasesByKeyId).", 'optional'),
    namePrefix: str('Only aliases whose name starts with this, e.g. `alias/orders`.', 'optional'),
  },
  outputs: {
    names: { ...strings('The alias names found.'), alwaysOutput: true },
    aliases: list('alikms:index:GetAliasesAlias', 'The aliases found.'),
  },
  async invoke(client, args) {
    const rows = await allPages<AliasRow>(
      client,
      args.keyId === undefined ? 'ListAliases' : 'ListAliasesByKeyId',
      { KeyId: args.keyId },
      (p) => p.Aliases?.Alias,
    );
    const prefix = (args.namePrefix as string | undefined) ?? '';
    const aliases = rows
      .filter((a) => a.AliasName.startsWith(prefix))
      .map((a) => ({ name: a.AliasName, aliasArn: a.AliasArn, keyId: a.KeyId }));
    return { names: aliases.map((a) => a.name), aliases };
  },
};

export const GET_ALIASES_TYPES = {
  'alikms:index:GetAliasesAlias': {
    type: 'object',
    description: 'An alias and the key it points at.',
    properties: {
      name: { type: 'string', description: 'The alias name (`alias/…`).' },
      aliasArn: { type: 'string', description: 'The alias ARN.' },
      keyId: { type: 'string', description: 'The ID of the key it points at.' },
    },
    required: ['name', 'aliasArn', 'keyId'],
  },
};
