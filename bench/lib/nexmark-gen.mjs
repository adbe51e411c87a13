/**
 * Nexmark events (BENCHMARKS.md workload 3), written from the public Nexmark generator rules
 * (Flink's/Beam's): event n → n % 50: 0 person, 1–3 auction, 4–49 bid; person ids
 * 1000 + floor(n/50); auction ids 1000 + (3·epoch + offset); timestamp base + floor(n ·
 * interEventDelayUs / 1000) ms with interEventDelayUs = 1e6 / TPS; hot sellers (3/4 of
 * auctions), hot auctions (1/2 of bids), hot bidders (3/4 of bids); prices log-uniform from 100 to
 * 1e8 cents; category 10 + rand(5). Each event's randomness is seeded by (seed, event id), like
 * Nexmark's per-event `Random`, but with a different generator, so values are not Java's.
 *
 * Events have Flink's combined-row shape: `{ event_type: 0|1|2, person, auction, bid, dateTime }`
 * with exactly one of person/auction/bid set (the others null); times are epoch ms.
 */
import { EventRandom } from './rng.mjs';

export const NEXMARK = {
  FIRST_PERSON_ID: 1000,
  FIRST_AUCTION_ID: 1000,
  FIRST_CATEGORY_ID: 10,
  NUM_CATEGORIES: 5,
  PERSON_PROPORTION: 1,
  AUCTION_PROPORTION: 3,
  BID_PROPORTION: 46,
  PROPORTION_DENOMINATOR: 50,
  NUM_ACTIVE_PEOPLE: 1000,
  PERSON_ID_LEAD: 10,
  NUM_IN_FLIGHT_AUCTIONS: 100,
  AUCTION_ID_LEAD: 10,
  HOT_SELLER_RATIO: 100,
  HOT_AUCTION_RATIO: 100,
  HOT_BIDDER_RATIO: 100,
  // Config ratios: "1 in N is not hot".
  hotSellersRatio: 4,
  hotAuctionRatio: 2,
  hotBiddersRatio: 4,
  HOT_CHANNELS_RATIO: 2,
  CHANNELS_NUMBER: 10_000,
  avgBidByteSize: 100,
  avgAuctionByteSize: 500,
  avgPersonByteSize: 200,
};

export const NEXMARK_DEFAULTS = { seed: 0, tps: 10_000, baseTime: Date.UTC(2026, 0, 1) };

export const NEXMARK_SCHEMA_DDL =
  'event_type INT, ' +
  'person STRUCT<id: BIGINT, name: STRING, emailAddress: STRING, creditCard: STRING, city: STRING, state: STRING, dateTime: TIMESTAMP, extra: STRING>, ' +
  'auction STRUCT<id: BIGINT, itemName: STRING, description: STRING, initialBid: BIGINT, reserve: BIGINT, dateTime: TIMESTAMP, expires: TIMESTAMP, seller: BIGINT, category: BIGINT, extra: STRING>, ' +
  'bid STRUCT<auction: BIGINT, bidder: BIGINT, price: BIGINT, channel: STRING, url: STRING, dateTime: TIMESTAMP, extra: STRING>, ' +
  'dateTime TIMESTAMP';

const N = NEXMARK;
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const HOT_URLS = HOT_CHANNELS.map((c) => `https://www.nexmark.com/${c.toLowerCase()}/item.htm?query=1`);
// Filler text: strings are slices of one buffer (their content does not matter to any query).
const LETTERS = Array.from({ length: 4096 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('');

/** Nexmark's nextString: `len` letters, from an offset of the filler chosen by `rnd`. */
const nextString = (rnd, len) => {
  const at = rnd.int(LETTERS.length - len);
  return LETTERS.slice(at, at + len);
};
/** Pads an event towards the configured average size (Nexmark's nextExtra). */
function nextExtra(rnd, currentSize, desiredAverageSize) {
  if (currentSize > desiredAverageSize) return '';
  const desired = desiredAverageSize - currentSize;
  const delta = Math.round(desired * 0.2);
  const minSize = desired - delta;
  return nextString(rnd, minSize + rnd.int(2 * delta + 1));
}

export function lastBase0PersonId(eventId) {
  const epoch = Math.floor(eventId / N.PROPORTION_DENOMINATOR);
  let offset = eventId % N.PROPORTION_DENOMINATOR;
  if (offset >= N.PERSON_PROPORTION) offset = N.PERSON_PROPORTION - 1;
  return epoch * N.PERSON_PROPORTION + offset;
}

export function lastBase0AuctionId(eventId) {
  let epoch = Math.floor(eventId / N.PROPORTION_DENOMINATOR);
  let offset = eventId % N.PROPORTION_DENOMINATOR;
  if (offset < N.PERSON_PROPORTION) {
    // No auction in this epoch yet: the last one of the previous epoch.
    epoch--;
    offset = N.AUCTION_PROPORTION - 1;
  } else if (offset >= N.PERSON_PROPORTION + N.AUCTION_PROPORTION) {
    offset = N.AUCTION_PROPORTION - 1;
  } else {
    offset -= N.PERSON_PROPORTION;
  }
  return epoch * N.AUCTION_PROPORTION + offset;
}

function nextBase0PersonId(eventId, rnd) {
  const numPeople = lastBase0PersonId(eventId) + 1;
  const activePeople = Math.min(numPeople, N.NUM_ACTIVE_PEOPLE);
  const n = rnd.int(activePeople + N.PERSON_ID_LEAD);
  return numPeople - activePeople + n;
}

function nextBase0AuctionId(eventId, rnd) {
  const maxAuction = lastBase0AuctionId(eventId);
  const minAuction = Math.max(maxAuction - N.NUM_IN_FLIGHT_AUCTIONS, 0);
  return minAuction + rnd.int(maxAuction - minAuction + 1 + N.AUCTION_ID_LEAD);
}

/** Log-uniform from 100 to 1e8 cents. */
const nextPrice = (rnd) => Math.round(10 ** (rnd.next() * 6) * 100);

function makePerson(id, t, rnd, o) {
  const pid = lastBase0PersonId(id) + N.FIRST_PERSON_ID;
  const name = `${FIRST_NAMES[rnd.int(FIRST_NAMES.length)]} ${LAST_NAMES[rnd.int(LAST_NAMES.length)]}`;
  const emailAddress = `${nextString(rnd, 7)}@${nextString(rnd, 5)}.com`;
  const creditCard = `${1000 + rnd.int(9000)} ${1000 + rnd.int(9000)} ${1000 + rnd.int(9000)} ${1000 + rnd.int(9000)}`;
  const city = US_CITIES[rnd.int(US_CITIES.length)];
  const state = US_STATES[rnd.int(US_STATES.length)];
  const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
  return { id: pid, name, emailAddress, creditCard, city, state, dateTime: t, extra: nextExtra(rnd, size, o.avgPersonByteSize) };
}

function makeAuction(id, t, rnd, o) {
  const aid = lastBase0AuctionId(id) + N.FIRST_AUCTION_ID;
  let seller;
  if (rnd.int(N.hotSellersRatio) > 0) seller = Math.floor(lastBase0PersonId(id) / N.HOT_SELLER_RATIO) * N.HOT_SELLER_RATIO;
  else seller = nextBase0PersonId(id, rnd);
  seller += N.FIRST_PERSON_ID;
  const category = N.FIRST_CATEGORY_ID + rnd.int(N.NUM_CATEGORIES);
  const initialBid = nextPrice(rnd);
  // Auctions last until ~NUM_IN_FLIGHT_AUCTIONS later auctions have been created.
  const eventsForAuctions = Math.floor((N.NUM_IN_FLIGHT_AUCTIONS * N.PROPORTION_DENOMINATOR) / N.AUCTION_PROPORTION);
  const horizonMs = Math.floor((eventsForAuctions * o.interEventDelayUs) / 1000);
  const expires = t + 1 + rnd.int(Math.max(horizonMs * 2, 1));
  const itemName = nextString(rnd, 20);
  const description = nextString(rnd, 100);
  const reserve = initialBid + nextPrice(rnd);
  const size = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8;
  return { id: aid, itemName, description, initialBid, reserve, dateTime: t, expires, seller, category, extra: nextExtra(rnd, size, N.avgAuctionByteSize) };
}

function makeBid(id, t, rnd) {
  let auction;
  if (rnd.int(N.hotAuctionRatio) > 0) auction = Math.floor(lastBase0AuctionId(id) / N.HOT_AUCTION_RATIO) * N.HOT_AUCTION_RATIO;
  else auction = nextBase0AuctionId(id, rnd);
  auction += N.FIRST_AUCTION_ID;
  let bidder;
  if (rnd.int(N.hotBiddersRatio) > 0) bidder = Math.floor(lastBase0PersonId(id) / N.HOT_BIDDER_RATIO) * N.HOT_BIDDER_RATIO + 1;
  else bidder = nextBase0PersonId(id, rnd);
  bidder += N.FIRST_PERSON_ID;
  const price = nextPrice(rnd);
  let channel;
  let url;
  if (rnd.int(N.HOT_CHANNELS_RATIO) > 0) {
    const i = rnd.int(HOT_CHANNELS.length);
    channel = HOT_CHANNELS[i];
    url = HOT_URLS[i];
  } else {
    const c = rnd.int(N.CHANNELS_NUMBER);
    channel = `channel-${c}`;
    url = `https://www.nexmark.com/${nextString(rnd, 5)}/item.htm?query=1&channel_id=${c}`;
  }
  const size = 8 + 8 + 8 + channel.length + url.length + 8;
  return { auction, bidder, price, channel, url, dateTime: t, extra: nextExtra(rnd, size, N.avgBidByteSize) };
}

/** Events `first .. first+count-1` at `tps` events per second of event time. */
export function generateNexmark(count, opts = {}) {
  const o = { ...NEXMARK_DEFAULTS, ...N, ...opts };
  o.interEventDelayUs = 1e6 / o.tps;
  const events = new Array(count);
  const counts = { person: 0, auction: 0, bid: 0 };
  for (let id = 0; id < count; id++) {
    const t = o.baseTime + Math.floor((id * o.interEventDelayUs) / 1000);
    const rnd = new EventRandom(o.seed, id);
    const offset = id % N.PROPORTION_DENOMINATOR;
    if (offset < N.PERSON_PROPORTION) {
      events[id] = { event_type: 0, person: makePerson(id, t, rnd, o), auction: null, bid: null, dateTime: t };
      counts.person++;
    } else if (offset < N.PERSON_PROPORTION + N.AUCTION_PROPORTION) {
      events[id] = { event_type: 1, person: null, auction: makeAuction(id, t, rnd, o), bid: null, dateTime: t };
      counts.auction++;
    } else {
      events[id] = { event_type: 2, person: null, auction: null, bid: makeBid(id, t, rnd), dateTime: t };
      counts.bid++;
    }
  }
  return { events, counts, options: { seed: o.seed, tps: o.tps, baseTime: o.baseTime, interEventDelayUs: o.interEventDelayUs } };
}
