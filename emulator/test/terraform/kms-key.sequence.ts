/**
 * alicloud_kms_key, replayed call for call.
 *
 * Source: aliyun/terraform-provider-alicloud alicloud/resource_alicloud_kms_key.go @
 * 59ce411338330b4593e63d1204f47ce5f2baec4c (client.RpcPost; the version stored @ 0e5a3d4e sends the same calls through
 * conn.DoRequest). Helpers: ./kms-service.ts.
 *
 * Calls: CreateKey (no RegionId; booleans as "true"/"false"; Tags as JSON `[{"TagKey":…,"TagValue":…}]`), then Update
 * with the resource still new (only status and deletion protection apply), then Read: DescribeKey (a PendingDeletion
 * key reads as gone), GetKeyPolicy only for a key with a DKMSInstanceId, ListTagResources(ResourceType=key).
 * Read copies RotationInterval as DescribeKey gives it ("31536000s"): a config of "365d" diffs forever - the cloud
 * does the same. protection_level defaults to SOFTWARE and forces replacement, so an HSM key's config must say "HSM".
 * Delete: ScheduleKeyDeletion with pending_window_in_days, or an error when neither window is set.
 */
import { keyState, describeKmsKey, describeKmsKeyPolicy, listTagResources, setResourceTags } from './kms-service';
import { goJson, isExpectedErrors, notFoundError } from './support/go-wire';
import { type Attr, compareJsonTemplateAreEquivalent, type ResourceData, tagsToMap, waitForState } from './support/sdk';
import type { Provider, ResourceType } from './support/terraform';

const str: Attr = { type: 'string', optional: true };
const strOC: Attr = { type: 'string', optional: true, computed: true };
const strOCF: Attr = { ...strOC, forceNew: true };
const computed: Attr = { type: 'string', computed: true };

/** convertKmsKeyAutomaticRotationRequest / convertKmsKeyDeletionProtectionRequest: "Enabled" -> true, else false. */
const enabled = (v: unknown) => v === 'Enabled';

async function create(d: ResourceData, p: Provider) {
  const request: Record<string, unknown> = {};
  const put = (attr: string, param: string, f = (v: unknown) => v) => {
    const [v, ok] = d.getOk(attr);
    if (ok) request[param] = f(v);
  };
  put('description', 'Description');
  put('key_usage', 'KeyUsage');
  put('origin', 'Origin');
  put('protection_level', 'ProtectionLevel');
  put('rotation_interval', 'RotationInterval');
  put('key_spec', 'KeySpec');
  put('policy', 'Policy');
  put('automatic_rotation', 'EnableAutomaticRotation', enabled);
  put('dkms_instance_id', 'DKMSInstanceId');
  // ConvertTagsForKms + convertArrayObjectToJsonString
  put('tags', 'Tags', (t) => goJson(Object.entries(t as object).map(([TagKey, TagValue]) => ({ TagKey, TagValue }))));
  // Retried on Forbidden.DKMSInstanceStateInvalid (an instance still connecting) and throttling.
  let response;
  for (let attempt = 0; ; attempt++) {
    try {
      response = await p.kms('CreateKey', request);
      break;
    } catch (e) {
      if (!isExpectedErrors(e, ['Forbidden.DKMSInstanceStateInvalid']) || attempt > 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  d.setId(String(response.KeyMetadata.KeyId));
  await update(d, p);
}

async function read(d: ResourceData, p: Provider) {
  let o: Record<string, any>;
  try {
    o = await describeKmsKey(p, d.id);
  } catch (e) {
    if (!d.isNewResource() && notFoundError(e)) return d.setId('');
    throw e;
  }
  const setIf = (attr: string, field: string) => o[field] != null && d.set(attr, o[field]);
  setIf('automatic_rotation', 'AutomaticRotation');
  setIf('deletion_protection', 'DeletionProtection');
  d.set('deletion_protection_description', o.DeletionProtectionDescription);
  setIf('description', 'Description');
  if (typeof o.DKMSInstanceId === 'string') {
    d.set('dkms_instance_id', o.DKMSInstanceId);
    if (o.DKMSInstanceId !== '') {
      const policy = await describeKmsKeyPolicy(p, d.id);
      if ('Policy' in policy) d.set('policy', policy.Policy);
    }
  }
  setIf('key_spec', 'KeySpec');
  setIf('key_usage', 'KeyUsage');
  setIf('origin', 'Origin');
  setIf('protection_level', 'ProtectionLevel');
  d.set('rotation_interval', o.RotationInterval);
  if (o.KeyState != null) {
    d.set('status', o.KeyState);
    d.set('key_state', o.KeyState);
    d.set('is_enabled', o.KeyState === 'Enabled');
  }
  for (const [attr, field] of [
    ['arn', 'Arn'],
    ['primary_key_version', 'PrimaryKeyVersion'],
    ['last_rotation_date', 'LastRotationDate'],
  ])
    setIf(attr, field);
  d.set('next_rotation_date', o.NextRotationDate);
  for (const [attr, field] of [
    ['material_expire_time', 'MaterialExpireTime'],
    ['creator', 'Creator'],
    ['creation_date', 'CreationDate'],
    ['delete_date', 'DeleteDate'],
  ])
    setIf(attr, field);
  d.set('tags', tagsToMap(await listTagResources(p, d.id, 'key')));
}

async function update(d: ResourceData, p: Provider) {
  let statusTarget = '';
  let update = false;
  if (d.hasChange('status')) [update, statusTarget] = [true, d.getOk('status')[1] ? d.get('status') : ''];
  if (d.hasChange('key_state')) [update, statusTarget] = [true, d.getOk('key_state')[1] ? d.get('key_state') : ''];
  if (d.hasChange('is_enabled')) [update, statusTarget] = [true, d.get('is_enabled') ? 'Enabled' : 'Disabled'];
  if (update) {
    const object = await describeKmsKey(p, d.id);
    if (object.KeyState !== statusTarget && (statusTarget === 'Disabled' || statusTarget === 'Enabled')) {
      await p.kms(statusTarget === 'Disabled' ? 'DisableKey' : 'EnableKey', { KeyId: d.id });
      await waitForState(keyState(p, d.id), [statusTarget]);
    }
  }
  const notNew = !d.isNewResource();
  const withIf = (request: Record<string, unknown>, attr: string, param: string, f = (v: unknown) => v) => {
    const [v, ok] = d.getOk(attr);
    if (ok) request[param] = f(v);
    return request;
  };

  if (notNew && d.hasChange('description')) await p.kms('UpdateKeyDescription', withIf({ KeyId: d.id }, 'description', 'Description'));

  if (notNew && d.hasChanges('automatic_rotation', 'rotation_interval')) {
    const request = withIf({ KeyId: d.id }, 'automatic_rotation', 'EnableAutomaticRotation', enabled);
    await p.kms('UpdateRotationPolicy', withIf(request, 'rotation_interval', 'RotationInterval'));
  }
  // Applied on create too (no IsNewResource check in the provider).
  if (d.hasChanges('deletion_protection_description', 'deletion_protection')) {
    const request = withIf({ KeyId: d.id }, 'deletion_protection_description', 'DeletionProtectionDescription');
    await p.kms('SetDeletionProtection', withIf(request, 'deletion_protection', 'EnableDeletionProtection', enabled));
  }
  if (notNew && d.hasChange('policy')) await p.kms('SetKeyPolicy', withIf({ KeyId: d.id }, 'policy', 'Policy'));
  if (notNew && d.hasChange('tags')) await setResourceTags(p, d, 'key');
  await read(d, p);
}

async function remove(d: ResourceData, p: Provider) {
  const [pending, hasPending] = d.getOk('pending_window_in_days');
  const [deletion, hasDeletion] = d.getOk('deletion_window_in_days');
  if (!hasPending && !hasDeletion)
    throw new Error('[ERROR] Argument "pending_window_in_days" or "deletion_window_in_days" must be set one!');
  try {
    await p.kms('ScheduleKeyDeletion', { KeyId: d.id, PendingWindowInDays: hasPending ? pending : deletion });
  } catch (e) {
    if (!notFoundError(e)) throw e;
  }
}

export const kmsKey: ResourceType = {
  name: 'alicloud_kms_key',
  sources: [{ file: 'alicloud/resource_alicloud_kms_key.go', commit: '59ce411338330b4593e63d1204f47ce5f2baec4c' }],
  schema: {
    automatic_rotation: strOC,
    deletion_protection: strOC,
    deletion_protection_description: str,
    description: str,
    dkms_instance_id: strOCF,
    key_spec: strOCF,
    key_usage: strOCF,
    origin: strOCF,
    pending_window_in_days: { type: 'int', optional: true },
    policy: { ...strOC, diffSuppress: compareJsonTemplateAreEquivalent },
    protection_level: { type: 'string', optional: true, forceNew: true, default: 'SOFTWARE' },
    rotation_interval: str,
    status: strOC,
    tags: { type: 'map', optional: true },
    arn: computed,
    primary_key_version: computed,
    last_rotation_date: computed,
    next_rotation_date: computed,
    material_expire_time: computed,
    creator: computed,
    creation_date: computed,
    delete_date: computed,
    deletion_window_in_days: { type: 'int', optional: true },
    key_state: strOC,
    is_enabled: { type: 'bool', optional: true, computed: true },
  },
  create,
  read,
  update,
  delete: remove,
  importIgnore: ['pending_window_in_days', 'deletion_window_in_days'],
};
