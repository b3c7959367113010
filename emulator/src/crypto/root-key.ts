/**
 * The emulator's root key: every piece of key material is wrapped under it before it reaches the state file, so the
 * file alone never reveals a key. It comes from ALIKMS_ROOT_KEY (base64 of 32 bytes) or from a file created with
 * mode 0600 on first start. Wrapping is AES-256-GCM with a fresh 12-byte IV: base64(iv | tag | ciphertext).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ensureFolderOf, SECRET_FILE_MODE } from '../store/files';

const WRAP_AAD = Buffer.from('alikms-root-wrap-v1');

export class RootKey {
  private constructor(private readonly key: Buffer) {}

  static fromBase64(b64: string): RootKey {
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new Error('the root key must be 32 bytes, base64-encoded');
    return new RootKey(key);
  }

  /** The key in `file`, creating it (0600) when missing; in memory only when `file` is undefined. */
  static loadOrCreate(file: string | undefined, env: string | undefined = process.env.ALIKMS_ROOT_KEY): RootKey {
    if (env) return RootKey.fromBase64(env);
    if (!file) return new RootKey(randomBytes(32));
    if (!existsSync(file)) {
      ensureFolderOf(file);
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: SECRET_FILE_MODE, flag: 'wx' });
    }
    return RootKey.fromBase64(readFileSync(file, 'utf8').trim());
  }

  wrap(plain: Buffer): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv).setAAD(WRAP_AAD);
    const ct = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
  }

  unwrap(wrapped: string): Buffer {
    const raw = Buffer.from(wrapped, 'base64');
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12)).setAAD(WRAP_AAD);
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]);
  }
}
