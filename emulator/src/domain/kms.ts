/** The domain as the API layer sees it: one object holding every service, built once per emulator. */
import { AliasService } from './aliases';
import { AsymmetricCrypto } from './asymmetric';
import type { Clock } from './clock';
import { ImportService } from './import';
import { InstanceService } from './instances';
import { KeyMaterial } from './key-material';
import { KeyService } from './keys';
import { Lifecycle } from './lifecycle';
import { Locks } from './lock';
import type { CryptoBackend } from './ports/crypto-backend';
import type { InstanceCount, KeyCount, Store } from './ports/store';
import { tagTargets, type TagResourceType, type TagTarget } from './tagging';
import { DEFAULT_ROTATION_RULES, type RotationRules } from './rotation';
import { SymmetricCrypto } from './symmetric';

export interface KmsOptions {
  regions: readonly string[];
  rotation?: Partial<RotationRules>;
  /** Emulator time a ConnectKmsInstance takes. */
  connectDelayMs?: number;
  /** Enforce each instance's Spec as a QPS limit on its keys' cryptographic calls. */
  throttling?: boolean;
  /** Describes the HSM for GetKmsInstance: a PKCS#11 token, or hardware simulated in software. */
  hsm?: 'pkcs11' | 'simulated';
}

export class Kms {
  readonly keys: KeyService;
  readonly aliases: AliasService;
  readonly instances: InstanceService;
  readonly lifecycle: Lifecycle;
  readonly tagTargets: Record<TagResourceType, TagTarget>;
  /** The data plane: Encrypt/Decrypt/data keys, asymmetric operations, BYOK. */
  readonly symmetric: SymmetricCrypto;
  readonly asymmetric: AsymmetricCrypto;
  readonly imports: ImportService;
  readonly regions: readonly string[];
  readonly hsm: 'pkcs11' | 'simulated';

  constructor(
    private readonly store: Store,
    crypto: CryptoBackend,
    readonly clock: Clock,
    options: KmsOptions,
  ) {
    this.regions = options.regions;
    this.hsm = options.hsm ?? 'simulated';
    // One set of named locks for every service, so they serialise against each other (and, on a shared store, across processes).
    const locks = new Locks(store);
    this.instances = new InstanceService(
      store,
      clock,
      locks,
      { connectDelayMs: options.connectDelayMs ?? 1000, throttling: options.throttling ?? true },
      (keyId) => this.keys.purge(keyId, (k) => k.keyState === 'PendingDeletion'),
    );
    this.keys = new KeyService(store, crypto, clock, locks, this.instances, { ...DEFAULT_ROTATION_RULES, ...options.rotation });
    this.aliases = new AliasService(store, locks, this.keys);
    this.tagTargets = tagTargets(this.keys, this.instances);
    this.lifecycle = new Lifecycle(store, this.keys, clock);
    const material = new KeyMaterial(this.keys, crypto, clock);
    this.asymmetric = new AsymmetricCrypto(material);
    this.symmetric = new SymmetricCrypto(material, this.asymmetric);
    this.imports = new ImportService(this.keys, crypto, clock);
  }

  /** Keys by state and spec, over every account and region (metrics). */
  countKeys = (): Promise<KeyCount[]> => this.store.countKeys();

  /** Instances by kind, over every account and region (metrics). */
  countInstances = (): Promise<InstanceCount[]> => this.store.countInstances();

  /** Forgets everything an account holds in one region, or in every region (the admin reset for shared emulators). */
  async reset(accountId: string, regionId?: string): Promise<{ keys: number; instances: number }> {
    const done = { keys: 0, instances: 0 };
    for (const region of regionId ? [regionId] : this.regions) {
      const scope = { accountId, regionId: region };
      done.keys += await this.keys.purgeAll(scope);
      done.instances += await this.instances.discardAll(scope);
    }
    return done;
  }
}
