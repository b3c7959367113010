/**
 * The embedded store: one JSON file through lowdb, written by PrivateJsonFile (files.ts): a temp file renamed over the
 * old one, so the file is always a whole state and a kill -9 mid-write leaves the previous one; 0600 in a 0700
 * folder. Writes that arrive while one is in flight are coalesced into the next write; each caller resolves once a
 * write containing its change has landed.
 */
import { Low, Memory } from 'lowdb';
import type { Alias, Instance, Key, Scope } from '../domain/model';
import { sameScope } from '../domain/model';
import { aliasKey, type Store } from '../domain/ports/store';
import { ensureFolderOf, PrivateJsonFile } from './files';

interface State {
  format: 1;
  keys: Record<string, Key>;
  aliases: Record<string, Alias>;
  instances: Record<string, Instance>;
  settings: Record<string, unknown>;
}

const emptyState = (): State => ({ format: 1, keys: {}, aliases: {}, instances: {}, settings: {} });

export class LowdbStore implements Store {
  private constructor(private readonly db: Low<State>) {}

  /** `file` undefined keeps state in memory only (tests, throwaway runs). */
  static async open(file?: string): Promise<LowdbStore> {
    if (file) ensureFolderOf(file);
    const db = new Low<State>(file ? new PrivateJsonFile<State>(file) : new Memory<State>(), emptyState());
    await db.read();
    db.data ??= emptyState();
    if (db.data.format !== 1) throw new Error(`${file}: unknown state format ${String(db.data.format)}`);
    db.data.instances ??= {};
    db.data.settings ??= {};
    return new LowdbStore(db);
  }

  private get state(): State {
    return this.db.data;
  }

  async getKey(keyId: string) {
    return this.state.keys[keyId];
  }

  async listKeys(scope: Scope) {
    return Object.values(this.state.keys).filter((k) => sameScope(k, scope));
  }

  async listAllKeys() {
    return Object.values(this.state.keys);
  }

  async putKey(key: Key) {
    this.state.keys[key.keyId] = key;
    await this.db.write();
  }

  async deleteKey(keyId: string) {
    delete this.state.keys[keyId];
    await this.db.write();
  }

  async getAlias(scope: Scope, aliasName: string) {
    return this.state.aliases[aliasKey(scope, aliasName)];
  }

  async listAliases(scope: Scope) {
    return Object.values(this.state.aliases).filter((a) => sameScope(a, scope));
  }

  async putAlias(alias: Alias) {
    this.state.aliases[aliasKey(alias, alias.aliasName)] = alias;
    await this.db.write();
  }

  async deleteAlias(scope: Scope, aliasName: string) {
    delete this.state.aliases[aliasKey(scope, aliasName)];
    await this.db.write();
  }

  async getInstance(instanceId: string) {
    return this.state.instances[instanceId];
  }

  async listInstances(scope: Scope) {
    return Object.values(this.state.instances).filter((i) => sameScope(i, scope));
  }

  async putInstance(instance: Instance) {
    this.state.instances[instance.instanceId] = instance;
    await this.db.write();
  }

  async deleteInstance(instanceId: string) {
    delete this.state.instances[instanceId];
    await this.db.write();
  }

  async getSetting(name: string) {
    return this.state.settings[name];
  }

  async putSetting(name: string, value: unknown) {
    this.state.settings[name] = value;
    await this.db.write();
  }

  async close() {
    await this.db.write();
  }
}
