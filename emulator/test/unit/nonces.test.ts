import { NonceWindow } from '../../src/wire/nonces';

test('a nonce is accepted once, within the window and the one after', () => {
  let now = 0;
  const window = new NonceWindow(1000, () => now);
  expect(window.claim('test\nabc')).toBe(true);
  expect(window.claim('test\nabc')).toBe(false);
  expect(window.claim('test\nabd')).toBe(true);
  now = 1500; // the next window: the previous one is still checked
  expect(window.claim('test\nabc')).toBe(false);
  now = 3000; // two windows later the nonce is forgotten (its timestamp would be stale by then anyway)
  expect(window.claim('test\nabc')).toBe(true);
});

test('a million distinct nonces are all accepted, and all of them rejected when replayed', () => {
  const window = new NonceWindow(60_000);
  const nonces = Array.from({ length: 1_000_000 }, (_, i) => `key\n${i.toString(16).padStart(32, '0')}`);
  expect(nonces.every((n) => window.claim(n))).toBe(true);
  expect(nonces.filter((n) => window.claim(n))).toEqual([]);
});
