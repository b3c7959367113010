import { nest } from '../../src/wire/params';

const params = (o: Record<string, string>) => Object.assign(Object.create(null), o) as Record<string, string>;

test('repeat lists come back dense and in index order', () => {
  expect(nest(params({ 'Tag.2.Key': 'b', 'Tag.1.Key': 'a', 'Tag.1.Value': 'x', 'ResourceId.10': 'k10', 'ResourceId.2': 'k2' }))).toEqual({
    Tag: [{ Key: 'a', Value: 'x' }, { Key: 'b' }],
    ResourceId: ['k2', 'k10'],
  });
});

test('flattened maps keep every key, numeric ones included', () => {
  expect(nest(params({ 'EncryptionContext.1': 'one', 'EncryptionContext.a b': 'c&d', KeyId: 'k' }))).toEqual({
    EncryptionContext: { '1': 'one', 'a b': 'c&d' },
    KeyId: 'k',
  });
});
