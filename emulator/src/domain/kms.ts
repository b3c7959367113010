/** The domain as the API layer sees it: one object holding every service, built once per emulator. */
import type { CryptoBackend } from '../crypto/backend';
import type { Store } from '../store/store';
import { AliasService } from './aliases';
import type { Clock } from './clock';
import { KeyService } from './keys';
import { Lifecycle } from './lifecycle';

export class Kms {
  readonly keys: KeyService;
  readonly aliases: AliasService;
  readonly lifecycle: Lifecycle;

  constructor(
    readonly store: Store,
    readonly crypto: CryptoBackend,
    readonly clock: Clock,
    readonly regions: readonly string[],
  ) {
    this.keys = new KeyService(store, crypto, clock);
    this.aliases = new AliasService(store, this.keys);
    this.lifecycle = new Lifecycle(store, this.keys, crypto, clock);
  }
}
