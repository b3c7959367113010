import { acs3Client, kmsClient, popClient } from '../support/clients';
import { type TestEmulator, useEmulator } from '../support/emulator';
import * as $Kms from '@alicloud/kms20160120';

let emu: TestEmulator;
useEmulator((e) => {
  emu = e;
});

test('the three SDK families create and describe a key', async () => {
  const kms = kmsClient(emu);
  const created = await kms.createKey(new $Kms.CreateKeyRequest({ description: "a*b~c!d'e(f)g h+i/j=k&l%m中文😀" }));
  expect(created.keyMetadata.keySpec).toBe('Aliyun_AES_256');
  const keyId = created.keyMetadata.keyId;
  const pop = popClient(emu);
  const viaGet = (await pop.request('DescribeKey', { KeyId: keyId })) as any;
  expect(viaGet.KeyMetadata.Description).toBe("a*b~c!d'e(f)g h+i/j=k&l%m中文😀");
  const viaPost = (await pop.request('DescribeKey', { KeyId: keyId }, { method: 'POST' })) as any;
  expect(viaPost.KeyMetadata.KeyId).toBe(keyId);
  const acs3 = acs3Client(emu);
  const viaAcs3 = await acs3('DescribeKey', { KeyId: keyId });
  expect(viaAcs3.KeyMetadata.Arn).toBe(`acs:kms:cn-hangzhou:1234567890123456:key/${keyId}`);
  await acs3('TagResources', { RegionId: 'cn-hangzhou', ResourceType: 'key', ResourceId: [keyId], Tag: [{ Key: 'env', Value: 'dev' }] });
  const tags = await kms.listResourceTags(new $Kms.ListResourceTagsRequest({ keyId }));
  expect(tags.tags.tag).toEqual([{ keyId, tagKey: 'env', tagValue: 'dev' }]);
});

test('errors use the envelope and status', async () => {
  const acs3 = acs3Client(emu);
  await expect(acs3('DescribeKey', { KeyId: 'key-nope' })).rejects.toMatchObject({ statusCode: 404, code: 'Forbidden.KeyNotFound' });
  await expect(acs3('DescribeKey', {})).rejects.toMatchObject({ statusCode: 400, code: 'MissingParameter' });
  await expect(acs3('NoSuchAction', {})).rejects.toMatchObject({ statusCode: 404, code: 'InvalidApi.NotFound' });
  const bad = acs3Client({ ...emu, accessKeySecret: 'wrong' });
  await expect(bad('ListKeys', {})).rejects.toMatchObject({ statusCode: 400, code: 'SignatureDoesNotMatch' });
});
