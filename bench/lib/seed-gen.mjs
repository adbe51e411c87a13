/**
 * Workload 1's events (BENCHMARKS.md): `{event_id, user_id, event_type, amount, event_time}`,
 * event n a pure function of (seed, n). Event time advances at `eventTimeRate` events per second
 * of event time, with 0–2 s of jitter; `lateRatio` of events lag 1–15 minutes (some arrive after
 * the 10-minute watermark passed their window and must be dropped), `nullRatio` miss a field,
 * and `malformedRatio` are not valid JSON in the string form (all-null rows in the object form,
 * so both forms have the same answer).
 */
import { mix32 } from './rng.mjs';

export const EVENT_TYPES = ['view', 'click', 'purchase', 'signup', 'logout'];
export const SEED_SCHEMA_DDL = 'event_id STRING, user_id STRING, event_type STRING, amount DOUBLE, event_time TIMESTAMP';

export const SEED_DEFAULTS = {
  seed: 42,
  startTimeMs: Date.UTC(2026, 0, 1),
  eventTimeRate: 200,
  users: 20_000,
  lateRatio: 0.02,
  nullRatio: 0.01,
  malformedRatio: 0.005,
};

/**
 * Generates `n` events. Returns `{ objects, json }`: `objects` have `event_time` as epoch ms
 * (pre-parsed), `json` the same events as JSON text with ISO-8601 times.
 */
export function generateSeedEvents(n, opts = {}) {
  const o = { ...SEED_DEFAULTS, ...opts };
  const users = Array.from({ length: o.users }, (_, i) => `u${i}`);
  const objects = new Array(n);
  const json = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = (salt) => mix32(o.seed, i, salt) / 4294967296;
    if (r(7) < o.malformedRatio) {
      objects[i] = { event_id: null, user_id: null, event_type: null, amount: null, event_time: null };
      json[i] = `{"event_id": "e${i}", "amount": }`;
      continue;
    }
    const onTime = o.startTimeMs + Math.floor((i * 1000) / o.eventTimeRate);
    const lag = r(5) < o.lateRatio ? 60_000 + Math.floor(r(6) * 14 * 60_000) : Math.floor(r(4) * 2000);
    const missing = r(8) < o.nullRatio ? Math.floor(r(9) * 3) : -1; // 0: amount, 1: event_time, 2: user_id
    const t = missing === 1 ? null : onTime - lag;
    const ev = {
      event_id: `e${i}`,
      user_id: missing === 2 ? null : users[Math.floor(r(1) * o.users)],
      event_type: EVENT_TYPES[Math.floor(r(2) * EVENT_TYPES.length)],
      amount: missing === 0 ? null : Math.round(r(3) * 50000) / 100,
      event_time: t,
    };
    objects[i] = ev;
    json[i] = JSON.stringify({ ...ev, event_time: t === null ? null : new Date(t).toISOString() });
  }
  return { objects, json, options: o };
}
