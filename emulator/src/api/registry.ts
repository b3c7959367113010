/**
 * Every KMS action the emulator answers, by wire name. An action is added by writing its file in actions/ and
 * listing it here; nothing else routes requests.
 */
import type { Action } from './action';
import { CancelKeyDeletion } from './actions/cancel-key-deletion';
import { CreateAlias } from './actions/create-alias';
import { CreateKey } from './actions/create-key';
import { CreateKeyVersion } from './actions/create-key-version';
import { DeleteAlias } from './actions/delete-alias';
import { DescribeKey } from './actions/describe-key';
import { DescribeKeyVersion } from './actions/describe-key-version';
import { DescribeRegions } from './actions/describe-regions';
import { DisableKey } from './actions/disable-key';
import { EnableKey } from './actions/enable-key';
import { GetKeyPolicy, SetKeyPolicy } from './actions/key-policy';
import { ListAliases, ListAliasesByKeyId } from './actions/list-aliases';
import { ListKeyVersions } from './actions/list-key-versions';
import { ListKeys } from './actions/list-keys';
import { ScheduleKeyDeletion } from './actions/schedule-key-deletion';
import { SetDeletionProtection } from './actions/set-deletion-protection';
import { ListResourceTags, TagResource, UntagResource } from './actions/tag-resource';
import { ListTagResources, TagResources, UntagResources } from './actions/tag-resources';
import { UpdateAlias } from './actions/update-alias';
import { UpdateKeyDescription } from './actions/update-key-description';
import { UpdateRotationPolicy } from './actions/update-rotation-policy';

export const KMS_VERSION = '2016-01-20';

const ACTIONS: Action[] = [
  // Keys
  CreateKey,
  DescribeKey,
  ListKeys,
  EnableKey,
  DisableKey,
  ScheduleKeyDeletion,
  CancelKeyDeletion,
  SetDeletionProtection,
  UpdateKeyDescription,
  UpdateRotationPolicy,
  GetKeyPolicy,
  SetKeyPolicy,
  DescribeRegions,
  // Key versions
  CreateKeyVersion,
  DescribeKeyVersion,
  ListKeyVersions,
  // Aliases
  CreateAlias,
  UpdateAlias,
  DeleteAlias,
  ListAliases,
  ListAliasesByKeyId,
  // Tags
  TagResource,
  UntagResource,
  ListResourceTags,
  TagResources,
  UntagResources,
  ListTagResources,
] as Action[];

/** API version -> action name -> action. Other products (BssOpenApi) register their own version here. */
export const REGISTRY: ReadonlyMap<string, ReadonlyMap<string, Action>> = new Map([
  [KMS_VERSION, new Map(ACTIONS.map((a) => [a.name, a]))],
]);
