/** Helpers for the data-plane tests: keys of any spec through the official 1.2.0 client, and base64 shorthands. */
import * as $Kms from '@alicloud/kms20160120';
import type Kms20160120 from '@alicloud/kms20160120';

export const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
export const unb64 = (s: string) => Buffer.from(s, 'base64');

export async function createKey(kms: Kms20160120, keySpec: string, keyUsage?: string, origin?: string) {
  const { keyMetadata } = await kms.createKey(new $Kms.CreateKeyRequest({ keySpec, keyUsage, origin }));
  return { keyId: keyMetadata.keyId, keyVersionId: keyMetadata.primaryKeyVersion };
}
