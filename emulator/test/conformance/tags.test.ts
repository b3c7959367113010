/**
 * Tags: TagResource / UntagResource / ListResourceTags (1.2.0, JSON parameters) and TagResources / UntagResources /
 * ListTagResources (ACS3, `Tag.N.Key` lists). Limits: 20 tags a key, 128 characters, no `aliyun` / `acs:` key prefix.
 */
import * as $Kms from '@alicloud/kms20160120';
import { LIMITS } from '../../src/domain/limits';
import { acs3Client, kmsClient, popClient } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import { expectError } from '../support/errors';

let emu: TestEmulator;
let kms: ReturnType<typeof kmsClient>;
let acs3: ReturnType<typeof acs3Client>;
useEmulator((e) => {
  emu = e;
  kms = kmsClient(emu);
  acs3 = acs3Client(emu);
});

const newKey = async () => (await kms.createKey(new $Kms.CreateKeyRequest({}))).keyMetadata.keyId;
const tagsJson = (tags: Record<string, string>) => JSON.stringify(Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })));
const tag = (keyId: string, tags: Record<string, string>) => kms.tagResource(new $Kms.TagResourceRequest({ keyId, tags: tagsJson(tags) }));
const tagsOf = async (keyId: string) =>
  Object.fromEntries((await kms.listResourceTags(new $Kms.ListResourceTagsRequest({ keyId }))).tags.tag.map((t) => [t.tagKey, t.tagValue]));
const many = (n: number, prefix = 'k') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]));
const BATCH = { RegionId: 'cn-hangzhou', ResourceType: 'key' };

describe('TagResource / UntagResource / ListResourceTags', () => {
  test('add, overwrite, remove', async () => {
    const keyId = await newKey();
    expect(await tagsOf(keyId)).toEqual({});
    await tag(keyId, { env: 'dev', team: 'a b/c:d@e.f+g=h\\i_j-k' });
    await tag(keyId, { env: 'prod', empty: '' });
    expect(await tagsOf(keyId)).toEqual({ env: 'prod', team: 'a b/c:d@e.f+g=h\\i_j-k', empty: '' });
    const listed = await kms.listResourceTags(new $Kms.ListResourceTagsRequest({ keyId }));
    expect(listed.tags.tag).toContainEqual({ keyId, tagKey: 'env', tagValue: 'prod' });
    await kms.untagResource(new $Kms.UntagResourceRequest({ keyId, tagKeys: JSON.stringify(['env']) }));
    expect(await tagsOf(keyId)).toEqual({ team: 'a b/c:d@e.f+g=h\\i_j-k', empty: '' });
    await kms.untagResource(new $Kms.UntagResourceRequest({ keyId, tagKeys: 'team, empty,absent' }));
    expect(await tagsOf(keyId)).toEqual({});
  });

  test('at most 20 tags a key', async () => {
    const keyId = await newKey();
    await tag(keyId, many(LIMITS.tagsPerResource));
    await tag(keyId, { k0: 'replaced' }); // replacing is not adding
    await expectError(tag(keyId, { one: 'more' }), 'Rejected.LimitExceeded', 400);
    expect(Object.keys(await tagsOf(keyId))).toHaveLength(20);
    const fresh = await newKey();
    await expectError(tag(fresh, many(21)), 'InvalidParameter', 400);
    expect(await tagsOf(fresh)).toEqual({});
  });

  test('lengths, characters and reserved prefixes', async () => {
    const keyId = await newKey();
    await tag(keyId, { ['k'.repeat(128)]: 'v'.repeat(128) });
    const bads: Record<string, string>[] = [
      { ['k'.repeat(129)]: 'v' },
      { k: 'v'.repeat(129) },
      { aliyun: 'v' },
      { aliyunX: 'v' },
      { 'ALIYUN-x': 'v' },
      { 'acs:x': 'v' },
      { 'emoji😀': 'v' },
      { '': 'v' },
      { k: 'semi;colon' },
    ];
    for (const bad of bads) await expectError(tag(keyId, bad), 'InvalidParameter', 400);
    await tag(keyId, { acsx: 'ok', xaliyun: 'ok' });
    expect(await tagsOf(keyId)).toEqual({ ['k'.repeat(128)]: 'v'.repeat(128), acsx: 'ok', xaliyun: 'ok' });
  });

  test('malformed or missing parameters, unknown keys', async () => {
    const keyId = await newKey();
    await expectError(kms.tagResource(new $Kms.TagResourceRequest({ keyId, tags: 'env=dev' })), 'InvalidParameter', 400);
    await expectError(kms.tagResource(new $Kms.TagResourceRequest({ keyId, tags: '[{"TagValue":"v"}]' })), 'InvalidParameter', 400);
    await expectError(kms.tagResource(new $Kms.TagResourceRequest({ keyId })), 'MissingParameter', 400);
    await expectError(kms.untagResource(new $Kms.UntagResourceRequest({ keyId })), 'MissingParameter', 400);
    await expectError(tag('key-nope', { a: 'b' }), 'Forbidden.KeyNotFound', 404);
    await expectError(kms.listResourceTags(new $Kms.ListResourceTagsRequest({ keyId: 'key-nope' })), 'Forbidden.KeyNotFound', 404);
  });

  test('pop-core GET and POST send the same JSON parameter', async () => {
    const keyId = await newKey();
    const pop = popClient(emu);
    await pop.request('TagResource', { KeyId: keyId, Tags: tagsJson({ get: '1' }) });
    await pop.request('TagResource', { KeyId: keyId, Tags: tagsJson({ post: '2' }) }, { method: 'POST' });
    const res = (await pop.request('ListResourceTags', { KeyId: keyId })) as any;
    expect(res.Tags.Tag).toEqual([
      { KeyId: keyId, TagKey: 'get', TagValue: '1' },
      { KeyId: keyId, TagKey: 'post', TagValue: '2' },
    ]);
  });
});

describe('TagResources / UntagResources / ListTagResources (ACS3)', () => {
  test('tag several keys at once, list, untag', async () => {
    const [a, b] = [await newKey(), await newKey()];
    await acs3('TagResources', { ...BATCH, ResourceId: [a, b], Tag: [{ Key: 'batch', Value: 'yes' }, { Key: 'only-key' }] });
    expect(await tagsOf(a)).toEqual({ batch: 'yes', 'only-key': '' });
    const listed = await acs3('ListTagResources', { ...BATCH, ResourceId: [a, b] });
    expect(listed.TagResources.TagResource).toEqual([
      { ResourceId: a, ResourceType: 'key', TagKey: 'batch', TagValue: 'yes' },
      { ResourceId: a, ResourceType: 'key', TagKey: 'only-key', TagValue: '' },
      { ResourceId: b, ResourceType: 'key', TagKey: 'batch', TagValue: 'yes' },
      { ResourceId: b, ResourceType: 'key', TagKey: 'only-key', TagValue: '' },
    ]);
    expect(listed.NextToken).toBe('');
    await acs3('UntagResources', { ...BATCH, ResourceId: [a], TagKey: ['only-key'] });
    expect(await tagsOf(a)).toEqual({ batch: 'yes' });
    await acs3('UntagResources', { ...BATCH, ResourceId: [b], All: true });
    expect(await tagsOf(b)).toEqual({});
  });

  test('ListTagResources filters by tag and pages with NextToken', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await newKey());
    for (const id of ids)
      await acs3('TagResources', {
        ...BATCH,
        ResourceId: [id],
        Tag: Object.entries(many(15, 'page')).map(([Key, Value]) => ({ Key, Value })),
      });
    await acs3('TagResources', { ...BATCH, ResourceId: [ids[1]], Tag: [{ Key: 'marker', Value: 'blue' }] });
    const byTag = await acs3('ListTagResources', { ...BATCH, Tag: [{ Key: 'marker', Value: 'blue' }] });
    expect(byTag.TagResources.TagResource.map((r: any) => r.ResourceId)).toEqual(Array(16).fill(ids[1]));
    expect((await acs3('ListTagResources', { ...BATCH, Tag: [{ Key: 'marker', Value: 'red' }] })).TagResources.TagResource).toEqual([]);
    expect((await acs3('ListTagResources', { ...BATCH, Tag: [{ Key: 'toString' }] })).TagResources.TagResource).toEqual([]);
    const first = await acs3('ListTagResources', { ...BATCH, ResourceId: ids });
    expect(first.TagResources.TagResource).toHaveLength(50);
    expect(first.NextToken).not.toBe('');
    const second = await acs3('ListTagResources', { ...BATCH, ResourceId: ids, NextToken: first.NextToken });
    expect(second.TagResources.TagResource).toHaveLength(61 - 50);
    expect(second.NextToken).toBe('');
  });

  test('one bad resource leaves every key untouched', async () => {
    const a = await newKey();
    await expectError(
      acs3('TagResources', { ...BATCH, ResourceId: [a, 'key-nope'], Tag: [{ Key: 'x', Value: 'y' }] }),
      'Forbidden.KeyNotFound',
      404,
    );
    expect(await tagsOf(a)).toEqual({});
    const full = await newKey();
    await tag(full, many(20));
    await expectError(
      acs3('TagResources', { ...BATCH, ResourceId: [a, full], Tag: [{ Key: 'x', Value: 'y' }] }),
      'Rejected.LimitExceeded',
      400,
    );
    expect(await tagsOf(a)).toEqual({});
  });

  test('parameter errors', async () => {
    const a = await newKey();
    const tagOne = [{ Key: 'x', Value: 'y' }];
    await expectError(acs3('TagResources', { ResourceType: 'key', ResourceId: [a], Tag: tagOne }), 'MissingParameter', 400);
    await expectError(acs3('TagResources', { ...BATCH, ResourceType: 'secret', ResourceId: [a], Tag: tagOne }), 'InvalidParameter', 400);
    await expectError(acs3('TagResources', { ...BATCH, ResourceId: [a] }), 'MissingParameter', 400);
    await expectError(acs3('TagResources', { ...BATCH, Tag: tagOne }), 'MissingParameter', 400);
    await expectError(acs3('TagResources', { ...BATCH, ResourceId: [a], Tag: [{ Key: 'aliyun-x', Value: 'y' }] }), 'InvalidParameter', 400);
    await expectError(
      acs3('TagResources', { ...BATCH, ResourceId: [a], Tag: [{ Key: 'k', Value: 'v'.repeat(129) }] }),
      'InvalidParameter',
      400,
    );
    const fiftyOne = Array.from({ length: LIMITS.tagResourcesPerCall + 1 }, () => a);
    await expectError(acs3('TagResources', { ...BATCH, ResourceId: fiftyOne, Tag: tagOne }), 'InvalidParameter', 400);
    await expectError(
      acs3('TagResources', { ...BATCH, ResourceId: [a], Tag: Object.entries(many(21)).map(([Key, Value]) => ({ Key, Value })) }),
      'InvalidParameter',
      400,
    );
    await expectError(acs3('ListTagResources', { ...BATCH, NextToken: 'abc' }), 'InvalidParameter', 400);
    await expectError(acs3('UntagResources', { ...BATCH, ResourceId: ['key-nope'], All: true }), 'Forbidden.KeyNotFound', 404);
  });
});
