/**
 * Deterministic, seeded randomness for the benchmark generators: every event's fields are a pure
 * function of (seed, event number), so any range of events can be regenerated exactly and every
 * engine sees identical input.
 */

/** A 32-bit avalanche mix of (seed, n, salt) (splitmix/murmur3 finaliser style). */
export function mix32(seed, n, salt) {
  let h = (seed ^ Math.imul((n >>> 0) + 0x9e3779b9, 0x85ebca6b) ^ Math.imul(((n / 4294967296) >>> 0) + salt, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A small per-event generator (mulberry32) seeded from (seed, n), like Nexmark's
 * `new Random(eventId)`: `next()` in [0, 1), `int(k)` in [0, k).
 */
export class EventRandom {
  constructor(seed, n) {
    this.s = mix32(seed, n, 0x51ed27) | 0;
  }
  nextU32() {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  next() {
    return this.nextU32() / 4294967296;
  }
  int(k) {
    return Math.floor(this.next() * k);
  }
}
