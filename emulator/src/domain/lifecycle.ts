/**
 * Timed transitions: automatic rotation, the end of a deletion window, and expiry of imported material.
 * Nothing here waits for a request. `runDue(until)` applies every event due at or before `until`, earliest first,
 * each at its own time (a 7-day rotation skipped over by "advance 30d" happens four times, dated day 7, 14, 21, 28),
 * so catching up after the emulator was down or after the clock jumped gives the same history as running live.
 *
 * Our documented choices: rotation waits while the key is not Enabled (DescribeKey shows Suspended) and, once the key
 * is enabled again, an overdue rotation happens at once; expired imported material returns the key to PendingImport
 * (the reference presumes so) until the same material is imported again.
 */
import type { Store } from './ports/store';
import type { Clock } from './clock';
import { withoutMaterial } from './key-material';
import type { KeyService } from './keys';
import { KeyedLock } from './lock';
import { scheduledEvents, type DueEvent, type EventKind, type Key, type Scope } from './model';

export type { DueEvent, EventKind };

/** A scheduled event with the account and region of its key (the console's timeline links to the key). */
export type UpcomingEvent = DueEvent & Scope;

const CLOCK_OFFSET = 'clockOffsetMs';

/** Keys read per step: the earliest event is among the earliest keys by next event time. */
const DUE_BATCH = 16;

/** Guards against a runaway loop (e.g. a 1-second interval and a jump of years). */
const MAX_EVENTS_PER_RUN = 100_000;

export class Lifecycle {
  private readonly serial = new KeyedLock();
  /** Events this process has applied since it started, by kind (metrics). */
  readonly applied: Record<EventKind, number> = { rotate: 0, delete: 0, expireMaterial: 0 };
  constructor(
    private readonly store: Store,
    private readonly keys: KeyService,
    private readonly clock: Clock,
  ) {}

  /** Apply every event due by `until` (default: now), in time order. One run at a time. */
  runDue(until?: number): Promise<DueEvent[]> {
    return this.serial.run('run', async () => {
      const limit = until ?? this.clock.now();
      const applied: DueEvent[] = [];
      while (applied.length < MAX_EVENTS_PER_RUN) {
        const next = earliest((await this.store.keysDue(limit, DUE_BATCH)).flatMap(scheduledEvents), limit);
        if (!next) break;
        await this.apply(next);
        applied.push(next);
        this.applied[next.kind]++;
      }
      return applied;
    });
  }

  /**
   * The events scheduled up to `until` (due or not), earliest first, at most `limit`, over every account and region.
   * The first `limit` keys by next event hold the first `limit` events: each has one at or before any later key's.
   */
  async upcoming(until: number, limit: number): Promise<UpcomingEvent[]> {
    const keys = await this.store.keysDue(until, limit);
    const events = keys.flatMap((k) =>
      scheduledEvents(k)
        .filter((e) => e.at <= until)
        .map((e) => ({ ...e, accountId: k.accountId, regionId: k.regionId })),
    );
    return events.sort((a, b) => a.at - b.at).slice(0, limit);
  }

  /** Move the clock forward by `ms` and apply everything that became due. */
  async advance(ms: number): Promise<DueEvent[]> {
    this.clock.advance(ms);
    await this.store.putSetting(CLOCK_OFFSET, this.clock.offset);
    return this.runDue();
  }

  /** Set the clock (forward only) and apply everything that became due. */
  setTime(epochMs: number): Promise<DueEvent[]> {
    return this.advance(Math.max(0, epochMs - this.clock.now()));
  }

  /** At start: carry on from where a previous run had moved the clock, so emulator time never goes back. */
  async restoreClock(): Promise<void> {
    const offset = await this.store.getSetting(CLOCK_OFFSET);
    if (typeof offset === 'number' && offset > this.clock.offset) this.clock.advance(offset - this.clock.offset);
  }

  private async apply(event: DueEvent): Promise<void> {
    if (!(await this.store.getKey(event.keyId))) return;
    // Each change re-checks, under the key's lock, that the event is still scheduled: another emulator sharing the
    // store (or a request) may have acted on the key since the scan.
    const stillDue = (k: Key) => scheduledEvents(k).some((e) => e.kind === event.kind && e.at === event.at);
    switch (event.kind) {
      case 'rotate':
        await this.keys.modify(event.keyId, 'rotate', (k) => (stillDue(k) ? this.keys.addVersion(k, event.at) : k));
        return;
      case 'expireMaterial':
        await this.keys.modify(event.keyId, 'expireMaterial', (k) => (stillDue(k) ? withoutMaterial(k) : k));
        return;
      case 'delete':
        await this.keys.purge(event.keyId, stillDue);
        return;
    }
  }
}

function earliest(events: DueEvent[], limit: number): DueEvent | undefined {
  let best: DueEvent | undefined;
  for (const e of events) if (e.at <= limit && (!best || e.at < best.at)) best = e;
  return best;
}
