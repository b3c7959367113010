/**
 * What the batch tag actions (TagResources, UntagResources, ListTagResources) act on: keys, and KMS instances
 * (`ResourceType=instance`, which terraform-provider-alicloud uses for instance tags though the KMS reference lists
 * only key and secret; secrets are not emulated).
 */
import { authorizeAccount, type Access } from './authorization';
import type { InstanceService } from './instances';
import { all } from './paging';
import type { KeyService } from './keys';
import type { Scope } from './model';

export const TAG_RESOURCE_TYPES = ['key', 'instance'] as const;
export type TagResourceType = (typeof TAG_RESOURCE_TYPES)[number];

export interface Tagged {
  readonly id: string;
  readonly createdAt: number;
  readonly tags: Readonly<Record<string, string>>;
}

export interface TagTarget {
  /** The resource `id` names, if the caller may act on it (Forbidden.KeyNotFound / KmsInstanceNotFound otherwise). */
  resolve(access: Access, id: string): Promise<Tagged>;
  list(scope: Scope): Promise<Tagged[]>;
  setTags(access: Access, id: string, change: (tags: Record<string, string>) => Record<string, string>): Promise<unknown>;
}

export function tagTargets(keys: KeyService, instances: InstanceService): Record<TagResourceType, TagTarget> {
  return {
    key: {
      resolve: async (access, id) => {
        const k = await keys.resolve(access, id);
        return { id: k.keyId, createdAt: k.createdAt, tags: k.tags };
      },
      list: async (scope) =>
        (await all((o, n) => keys.page(scope, {}, o, n))).map((k) => ({ id: k.keyId, createdAt: k.createdAt, tags: k.tags })),
      setTags: (access, id, change) => keys.setTags(access, id, change),
    },
    instance: {
      // Instances have no resource policy: identity policies decide, as for the instance actions.
      resolve: async (access, id) => {
        authorizeAccount(access, 'instance');
        const i = await instances.get(access.scope, id);
        return { id: i.instanceId, createdAt: i.createdAt, tags: i.tags };
      },
      list: async (scope) => (await instances.list(scope)).map((i) => ({ id: i.instanceId, createdAt: i.createdAt, tags: i.tags })),
      setTags: (access, id, change) => instances.update(access.scope, id, (i) => ({ ...i, tags: change({ ...i.tags }) })),
    },
  };
}
