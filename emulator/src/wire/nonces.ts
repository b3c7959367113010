/**
 * Replay protection: remembers every SignatureNonce of the last one or two skew windows (15 minutes each). Older
 * nonces cannot be replayed anyway: their timestamp is outside the skew by then.
 *
 * Nonces are kept as 64-bit fingerprints in typed-array hash tables rather than as strings in a Set. Under load a Set of
 * hundreds of thousands of strings is what the garbage collector walks on every major collection (measured: Encrypt
 * throughput fell by a quarter as the set filled); a typed array holds no objects, so it costs the GC nothing, and its
 * size is fixed. A table closes early once half full, so memory is bounded (2 x 16 MiB) and, past ~1M requests in
 * 15 minutes, replays are caught within the last 1-2M requests (our documented trade-off). Two different nonces share a
 * fingerprint with probability ~2^-64 per pair: a false "nonce used" is not a practical concern.
 *
 * The window is the fast check; a NonceLedger (store/nonce-ledger.ts) makes claims outlive the process and, on a
 * shared database, decides between emulators.
 */
import type { NonceLedger } from '../store/nonce-ledger';
const SLOTS = 1 << 21;

class FingerprintTable {
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  size = 0;

  /** `slots`: a power of two. */
  constructor(readonly slots: number) {
    this.hi = new Uint32Array(slots);
    this.lo = new Uint32Array(slots);
  }

  /** Whether the fingerprint (never 0/0) is present. */
  has(h: number, l: number): boolean {
    const mask = this.slots - 1;
    for (let i = l & mask; ; i = (i + 1) & mask) {
      if (this.hi[i] === 0 && this.lo[i] === 0) return false;
      if (this.hi[i] === h && this.lo[i] === l) return true;
    }
  }

  add(h: number, l: number): void {
    const mask = this.slots - 1;
    let i = l & mask;
    while (this.hi[i] !== 0 || this.lo[i] !== 0) i = (i + 1) & mask;
    this.hi[i] = h;
    this.lo[i] = l;
    this.size++;
  }

  clear(): void {
    this.hi.fill(0);
    this.lo.fill(0);
    this.size = 0;
  }
}

/** MurmurHash3's finaliser: spreads FNV's weak low bits, which pick the table slot. */
function fmix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Two independent 32-bit FNV-1a hashes of `s`: a 64-bit fingerprint, never 0/0. */
function fingerprint(s: string): [number, number] {
  let h = 0x811c9dc5;
  let l = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h = Math.imul(h ^ c, 0x01000193);
    l = Math.imul(l ^ c, 0x01000193) ^ (l >>> 15);
  }
  h = fmix(h);
  l = fmix(l ^ h);
  return h === 0 && l === 0 ? [0, 1] : [h, l];
}

export class NonceWindow {
  private current: FingerprintTable;
  private previous: FingerprintTable;
  private openedAt: number;
  private readonly maxEntries: number;

  /** `slots` (a power of two) sizes each table; tests use small tables to exercise the same logic quickly. */
  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly onRotate: () => void = () => undefined,
    slots = SLOTS,
  ) {
    this.openedAt = now();
    this.current = new FingerprintTable(slots);
    this.previous = new FingerprintTable(slots);
    this.maxEntries = slots >>> 1;
  }

  /** Records `nonce`; false when it was already used. */
  claim(nonce: string): boolean {
    const [h, l] = fingerprint(nonce);
    return this.claimFingerprint(h, l);
  }

  claimFingerprint(h: number, l: number): boolean {
    this.rotateIfDue();
    if (this.current.has(h, l) || this.previous.has(h, l)) return false;
    this.current.add(h, l);
    return true;
  }

  private rotateIfDue(): void {
    const t = this.now();
    if (t - this.openedAt <= this.windowMs && this.current.size < this.maxEntries) return;
    const recycled = this.previous;
    recycled.clear();
    this.previous = this.current;
    this.current = recycled;
    this.openedAt = t;
    this.onRotate();
  }
}

/**
 * When requests arrive together, their replies leave together: a claim settles in the check phase of the event-loop
 * turn that read it, so one turn finishes and writes every reply it owes, as the file ledger's batched write does. On
 * this project's 2-core VM that is +70% Encrypt/s at 16 connections (our reading of the CPU profiles: each separate
 * write wakes the client, and wake-ups are dear on a VM). Deferring only the writes (in wire/envelope.ts) was measured
 * too and gained half as much, so the whole continuation waits here. A lone caller is answered at once: waiting for
 * the check phase would only add ~15 µs to its latency.
 */
class TurnBatch {
  private seen = 0;
  private busy = false;
  private turn: Promise<boolean> | undefined;

  settle(): boolean | Promise<boolean> {
    this.turn ??= new Promise<boolean>((resolve) =>
      setImmediate(() => {
        this.busy = this.seen > 1;
        this.seen = 0;
        this.turn = undefined;
        resolve(true);
      }),
    );
    this.seen++;
    return this.busy ? this.turn : true;
  }
}

/** Replay protection for signed requests: the in-memory window first, then the ledger, when there is one. */
export class ReplayGuard {
  private readonly window: NonceWindow;
  private readonly turns = new TurnBatch();

  private constructor(
    windowMs: number,
    private readonly ledger?: NonceLedger,
  ) {
    this.window = new NonceWindow(windowMs, Date.now, () => ledger?.rotate());
  }

  /** A guard that starts with the nonces the ledger holds from the last window (a restart keeps refusing them). */
  static async open(windowMs: number, ledger?: NonceLedger): Promise<ReplayGuard> {
    const guard = new ReplayGuard(windowMs, ledger);
    if (ledger) for (const [h, l] of await ledger.load(Math.floor((Date.now() - windowMs) / 1000))) guard.window.claimFingerprint(h, l);
    return guard;
  }

  /** Claims `nonce` (already scoped to its access key); false when it was used within the window. */
  async claim(nonce: string): Promise<boolean> {
    const [h, l] = fingerprint(nonce);
    if (!this.window.claimFingerprint(h, l)) return false;
    return this.ledger ? this.ledger.record(h, l, Math.floor(Date.now() / 1000)) : this.turns.settle();
  }
}
