// Lookups only: what exists already (made by another stack, the console, a seed), found with the alikms invokes, and
// one resource wired to a lookup. Against the emulator: see README.md.
import * as pulumi from '@pulumi/pulumi';
import * as alikms from '@alikms/pulumi';

const config = new pulumi.Config();
const aliasPrefix = config.get('aliasPrefix') ?? 'alias/orders';

// The software instances of the region, and the enabled RSA keys of the first one.
const instances = alikms.getInstancesOutput({ productVersion: alikms.types.enums.ProductVersion.Software });
const signingKeys = alikms.getKeysOutput({
  filters: [
    { key: 'DKMSInstanceId', values: instances.ids.apply((ids) => ids.slice(0, 1)) },
    { key: 'KeySpec', values: [alikms.types.enums.KeySpec.RSA_2048] },
    { key: 'KeyState', values: ['Enabled'] },
  ],
});
const signingKeyId = signingKeys.ids.apply((ids) => ids[0]);

// The key behind an alias, its versions, and the signing key's public key.
const aliases = alikms.getAliasesOutput({ namePrefix: aliasPrefix });
const ordersKeyId = aliases.aliases.apply((a) => a[0].keyId);
const versions = alikms.getKeyVersionsOutput({ keyId: ordersKeyId });
const publicKey = alikms.getPublicKeyOutput({ keyId: signingKeyId });

// A resource wired to a lookup: a stable alias for whichever key is the signing key.
new alikms.Alias('release-signing', { name: 'alias/release-signing', keyId: signingKeyId });

export const instanceIds = instances.ids;
export const signingKeyIds = signingKeys.ids;
export const orderAliases = aliases.names;
export const ordersKeyVersions = versions.ids;
export const signingPublicKey = publicKey.publicKey;
