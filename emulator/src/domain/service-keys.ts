/**
 * Service keys: the key a cloud product makes for an account the first time it encrypts there, under the alias
 * `alias/acs/<product>` (creator type Service). They are managed by their product: the account may use them but not
 * change them (key-state.ts), and no other account can use them (authorization.ts).
 */
import type { Clock } from './clock';
import { KmsError } from './errors';
import type { CreateKeyInput } from './key-creation';
import { aliasLock, type Locks } from './lock';
import type { Key, Scope } from './model';
import type { Store } from './ports/store';

/** Service keys live under `alias/acs/<product>`; product codes are lower-case words (oss, ecs, rds, …). */
export const SERVICE_ALIAS_PREFIX = 'alias/acs/';
const SERVICE_PRODUCT = /^[a-z][a-z0-9_-]{0,63}$/;

export class ServiceKeys {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly locks: Locks,
    private readonly create: (scope: Scope, input: CreateKeyInput) => Promise<Key>,
    private readonly find: (scope: Scope, keyId: string) => Promise<Key>,
  ) {}

  /** The service key of `product` in `scope`, created (with its alias `alias/acs/<product>`) if it does not exist yet. */
  key(scope: Scope, product: string): Promise<Key> {
    if (!SERVICE_PRODUCT.test(product)) throw new KmsError('Forbidden.AliasNotFound');
    const aliasName = SERVICE_ALIAS_PREFIX + product;
    return this.locks.run(aliasLock(scope, aliasName), async () => {
      const existing = await this.store.getAlias(scope, aliasName);
      if (existing) return this.find(scope, existing.keyId);
      const key = await this.create(scope, {
        description: `Default key that protects ${product} data when no other key is defined`,
        creator: { name: product, type: 'Service' },
      });
      await this.store.putAlias({ accountId: scope.accountId, regionId: scope.regionId, aliasName, keyId: key.keyId });
      return key;
    });
  }

  /**
   * A dry run's view of `alias/acs/<product>`: the service key if it exists, else the key its first use would make
   * (never stored: a dry run provisions nothing).
   */
  async prospective(scope: Scope, product: string): Promise<Key> {
    if (!SERVICE_PRODUCT.test(product)) throw new KmsError('Forbidden.AliasNotFound');
    const existing = await this.store.getAlias(scope, SERVICE_ALIAS_PREFIX + product);
    if (existing) return this.find(scope, existing.keyId);
    const now = this.clock.now();
    return {
      accountId: scope.accountId,
      regionId: scope.regionId,
      keyId: `service-key-of-${product}`,
      description: '',
      keySpec: 'Aliyun_AES_256',
      keyUsage: 'ENCRYPT/DECRYPT',
      origin: 'Aliyun_KMS',
      protectionLevel: 'SOFTWARE',
      keyState: 'Enabled',
      creator: product,
      creatorType: 'Service',
      createdAt: now,
      rotation: { enabled: false },
      primaryKeyVersionId: 'prospective',
      versions: [{ keyVersionId: 'prospective', createdAt: now }],
      tags: {},
    };
  }
}
