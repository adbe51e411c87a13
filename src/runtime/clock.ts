/**
 * Clocks drive triggers. The system clock waits with rxjs timers; the manual clock (public in
 * `rivulet/testing`, Spark's ManualClock/StreamManualClock) only moves when a test advances it,
 * which makes trigger timing deterministic.
 */
import { Observable, timer, map, type Subscription } from 'rxjs';

export interface Clock {
  getTimeMillis(): number;
  /** Emits once (then completes) when the clock reaches `targetMs`. */
  waitUntil(targetMs: number): Observable<void>;
  readonly isManual: boolean;
}

export class SystemClock implements Clock {
  readonly isManual = false;
  getTimeMillis(): number {
    return Date.now();
  }
  waitUntil(targetMs: number): Observable<void> {
    return timer(Math.max(0, targetMs - Date.now())).pipe(map(() => undefined));
  }
}

export class ManualClock implements Clock {
  readonly isManual = true;
  #now: number;
  readonly #waiters = new Set<{ target: number; fire: () => void }>();
  /** Listeners told when a waiter is registered (StreamTest waits for the query to block). */
  readonly #onWait = new Set<() => void>();

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  getTimeMillis(): number {
    return this.#now;
  }

  /** Moves time forward and releases every waiter whose target has been reached. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('ManualClock.advance needs a non-negative duration');
    this.#now += ms;
    for (const w of [...this.#waiters]) {
      if (w.target <= this.#now) {
        this.#waiters.delete(w);
        w.fire();
      }
    }
  }

  setTime(ms: number): void {
    this.advance(Math.max(0, ms - this.#now));
  }

  /** True when something is blocked waiting for time to pass (Spark's isStreamWaitingAt). */
  get isWaiting(): boolean {
    return this.#waiters.size > 0;
  }

  /** Resolves once a waiter is registered (i.e. the query finished its trigger and sleeps). */
  untilWaiting(): Promise<void> {
    if (this.isWaiting) return Promise.resolve();
    return new Promise((resolve) => {
      const f = (): void => {
        this.#onWait.delete(f);
        resolve();
      };
      this.#onWait.add(f);
    });
  }

  waitUntil(targetMs: number): Observable<void> {
    return new Observable<void>((sub) => {
      if (targetMs <= this.#now) {
        sub.next();
        sub.complete();
        return undefined;
      }
      const w = {
        target: targetMs,
        fire: () => {
          sub.next();
          sub.complete();
        },
      };
      this.#waiters.add(w);
      for (const f of [...this.#onWait]) f();
      return () => {
        this.#waiters.delete(w);
      };
    });
  }
}

export type { Subscription };
