/**
 * Yahoo Streaming Benchmark events (BENCHMARKS.md workload 2), from the public definition:
 * `{user_id, page_id, ad_id, ad_type, event_type, event_time, ip_address}`, 100 campaigns × 10
 * ads, every choice uniform; ids are UUID strings. Event n is a pure function of (seed, n);
 * event time advances at `tps` events per second of event time, in order.
 */
import { mix32 } from './rng.mjs';

export const AD_TYPES = ['banner', 'modal', 'sponsored-search', 'mail', 'mobile'];
export const YSB_EVENT_TYPES = ['view', 'click', 'purchase'];
export const YSB_SCHEMA_DDL = 'user_id STRING, page_id STRING, ad_id STRING, ad_type STRING, event_type STRING, event_time TIMESTAMP, ip_address STRING';

export const YSB_DEFAULTS = { seed: 7, campaigns: 100, adsPerCampaign: 10, tps: 10_000, startTimeMs: Date.UTC(2026, 0, 1), users: 1000, pages: 1000 };

const hex = (x) => x.toString(16).padStart(8, '0');
/** A deterministic UUID-shaped string for (seed, kind, i). */
function uuid(seed, kind, i) {
  const a = hex(mix32(seed, i, kind * 4 + 1));
  const b = hex(mix32(seed, i, kind * 4 + 2));
  const c = hex(mix32(seed, i, kind * 4 + 3));
  const d = hex(mix32(seed, i, kind * 4 + 4));
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

/** Returns `{ events, ads: [{ad_id, campaign_id}], options }`; `event_time` is epoch ms. */
export function generateYsb(n, opts = {}) {
  const o = { ...YSB_DEFAULTS, ...opts };
  const campaigns = Array.from({ length: o.campaigns }, (_, i) => uuid(o.seed, 1, i));
  const ads = Array.from({ length: o.campaigns * o.adsPerCampaign }, (_, i) => ({ ad_id: uuid(o.seed, 2, i), campaign_id: campaigns[Math.floor(i / o.adsPerCampaign)] }));
  const users = Array.from({ length: o.users }, (_, i) => uuid(o.seed, 3, i));
  const pages = Array.from({ length: o.pages }, (_, i) => uuid(o.seed, 4, i));
  const events = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = (salt) => mix32(o.seed, i, salt) / 4294967296;
    events[i] = {
      user_id: users[Math.floor(r(11) * o.users)],
      page_id: pages[Math.floor(r(12) * o.pages)],
      ad_id: ads[Math.floor(r(13) * ads.length)].ad_id,
      ad_type: AD_TYPES[Math.floor(r(14) * AD_TYPES.length)],
      event_type: YSB_EVENT_TYPES[Math.floor(r(15) * YSB_EVENT_TYPES.length)],
      event_time: o.startTimeMs + Math.floor((i * 1000) / o.tps),
      ip_address: '1.2.3.4',
    };
  }
  return { events, ads, options: o };
}
