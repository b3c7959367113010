import { NonceWindow, ReplayGuard } from '../../src/wire/nonces';

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

// The production tables hold 2^21 slots (a million nonces each); the same code with 2^14-slot tables runs the same
// cases (a table filled to just under half, then past it) in milliseconds instead of seconds.
const SLOTS = 1 << 14;
const CAPACITY = SLOTS >>> 1;
const nonce = (i: number) => `key\n${i.toString(16).padStart(32, '0')}`;

test('a table-full of distinct nonces are all accepted, and all of them rejected when replayed', () => {
  const window = new NonceWindow(60_000, Date.now, undefined, SLOTS);
  const nonces = Array.from({ length: CAPACITY - 1 }, (_, i) => nonce(i));
  expect(nonces.every((n) => window.claim(n))).toBe(true);
  expect(nonces.filter((n) => window.claim(n))).toEqual([]);
});

test('past half full a table closes early: the last table of nonces is still refused, the oldest are forgotten', () => {
  const window = new NonceWindow(60_000, Date.now, undefined, SLOTS);
  const total = CAPACITY * 3;
  let accepted = 0;
  for (let i = 0; i < total; i++) if (window.claim(nonce(i))) accepted++;
  expect(accepted).toBe(total);
  // Tables closed at CAPACITY and 2 * CAPACITY entries: the last CAPACITY nonces are remembered ...
  const replayed = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, k) => from + k).filter((i) => window.claim(nonce(i)));
  expect(replayed(2 * CAPACITY, total)).toEqual([]);
  // ... and the first table's were dropped (our documented trade-off: their timestamps are stale by then in practice).
  expect(replayed(0, 100)).toHaveLength(100);
});

test('without a ledger, a lone claim settles at once; claims of a busy turn settle together at its end', async () => {
  const guard = await ReplayGuard.open(60_000);
  const order: string[] = [];
  const track = (name: string) => guard.claim(name).then((ok) => order.push(`${name}=${ok}`));
  const turnEnd = () => new Promise<void>((resolve) => setImmediate(() => (order.push('turn end'), resolve())));

  // A quiet turn: the first claim resolves in the same turn (microtasks), before the check phase.
  const quiet = [track('a'), track('b'), turnEnd()];
  await Promise.all(quiet);
  expect(order).toEqual(['a=true', 'b=true', 'turn end']);

  // The turn before saw two claims: now claims wait for the turn's end, and a replay is still refused.
  order.length = 0;
  await Promise.all([track('c'), track('a'), Promise.resolve().then(() => order.push('microtasks done'))]);
  expect(order).toEqual(['a=false', 'microtasks done', 'c=true']); // a refusal is not held back
});
