/** Domain records as the wire shows them: PascalCase, ISO dates, XML-derived list wrappers. */
import { isoDate } from '../domain/clock';
import { aliasArn, keyArn } from '../domain/ids';
import type { Alias, Key, KeyVersion } from '../domain/model';

export function keyMetadata(key: Key) {
  const rotating = key.rotation.enabled;
  return {
    KeyId: key.keyId,
    Arn: keyArn(key.regionId, key.accountId, key.keyId),
    Description: key.description,
    KeySpec: key.keySpec,
    KeyUsage: key.keyUsage,
    KeyState: key.keyState,
    Origin: key.origin,
    ProtectionLevel: key.protectionLevel,
    Creator: key.creator,
    CreationDate: isoDate(key.createdAt),
    DeleteDate: key.deleteAt !== undefined ? isoDate(key.deleteAt) : '',
    MaterialExpireTime: key.materialExpiresAt !== undefined ? isoDate(key.materialExpiresAt) : '',
    PrimaryKeyVersion: key.primaryKeyVersionId,
    LastRotationDate: isoDate(key.rotation.lastRotatedAt ?? key.createdAt),
    // Suspended: the policy is on but the key cannot rotate now (DescribeKey doc).
    AutomaticRotation: !rotating ? 'Disabled' : key.keyState === 'Enabled' ? 'Enabled' : 'Suspended',
    ...(rotating && {
      RotationInterval: `${key.rotation.intervalSeconds}s`,
      NextRotationDate: key.rotation.nextRotationAt !== undefined ? isoDate(key.rotation.nextRotationAt) : '',
    }),
    DeletionProtection: key.deletionProtection ? 'Enabled' : 'Disabled',
    ...(key.deletionProtection && { DeletionProtectionDescription: key.deletionProtection.description }),
    ...(key.dkmsInstanceId && { DKMSInstanceId: key.dkmsInstanceId }),
    // Emulator extension (not in the cloud's model): marks the region's default CMK, which the cloud shows only in its
    // console. Clients that do not know the field ignore it.
    ...(key.defaultKey && { DefaultKey: true }),
  };
}

export const keyVersionView = (key: Key, v: KeyVersion) => ({
  KeyId: key.keyId,
  KeyVersionId: v.keyVersionId,
  CreationDate: isoDate(v.createdAt),
});

export const aliasView = (a: Alias) => ({
  AliasName: a.aliasName,
  AliasArn: aliasArn(a.regionId, a.accountId, a.aliasName),
  KeyId: a.keyId,
});

/** One page of `items` plus the paging fields every List* reply carries. */
export function page<T>(items: readonly T[], pageNumber: number, pageSize: number) {
  return {
    items: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
    paging: { TotalCount: items.length, PageNumber: pageNumber, PageSize: pageSize },
  };
}
