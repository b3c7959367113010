/**
 * The emulator's one clock. Domain code asks it for time and never calls Date.now() itself, so a test (or the admin
 * endpoint) can move time forward and see rotations and deletions happen.
 *
 * Signature checks do NOT use it: the SDKs stamp requests with real wall time, so the skew check stays on the real clock.
 */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  set(epochMs: number): void {
    this.offsetMs = epochMs - Date.now();
  }

  /** How far this clock runs ahead of real time (persisted, so a restart does not move time back). */
  get offset(): number {
    return this.offsetMs;
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('the clock only moves forward');
    this.offsetMs += ms;
  }
}

/** ISO-8601 UTC without milliseconds, the format every KMS date field uses (`2024-03-25T10:00:00Z`). */
export const isoDate = (epochMs: number): string => new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
