#!/usr/bin/env node
// `npm start`: the seed pipeline end to end on embedded defaults. A local log server
// (rivulet/node's, LevelDB-backed, on 127.0.0.1) holds the topic `events`; a producer in this
// process appends seeded JSON events to it (some late, some malformed); the query reads the topic
// over WebSocket like Spark reads Kafka, parses the events with a schema, drops incomplete ones,
// sets a 10-minute watermark and counts per 5-minute window and event type (update mode),
// printing each micro-batch and a progress line (watermark, state rows, rows dropped as late)
// until Ctrl-C stops it gracefully. The checkpoint is LevelDB too: a second `npm start` resumes
// where the first stopped. Options: --rate N (events/s), --trigger '2 seconds', --batches N
// (stop after N batches), --port N (log server; default any free port), --fresh.
import { parseArgs } from 'node:util';
import { Session, F, T } from '../dist/index.js';
import { destroyLevelKV, startLogServer } from '../dist/node/index.js'; // also registers level:// and ws
import { seedEventJson } from '../dist/sources/seed-events.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    trigger: { type: 'string', default: '2 seconds' },
    batches: { type: 'string' },
    rows: { type: 'string', default: '10' },
    port: { type: 'string', default: '0' },
    fresh: { type: 'boolean', default: process.env.RIVULET_FRESH === '1' },
    checkpoint: { type: 'string', default: '.rivulet/checkpoints/seed-pipeline' },
    log: { type: 'string', default: '.rivulet/log' },
  },
});

// The query checkpoints to LevelDB and the log server keeps its topic in LevelDB: Ctrl-C and a
// second `npm start` resume where the first stopped, with no batch repeated. --fresh (or
// RIVULET_FRESH=1) starts over.
if (args.fresh) {
  await destroyLevelKV(args.checkpoint);
  await destroyLevelKV(args.log);
}

const rate = Number(args.rate);
const server = await startLogServer({ port: Number(args.port), storage: `level://${args.log}`, topics: { events: 1 } });

// The producer: event n is a pure function of n (seeded), so a restarted producer continues the
// same stream from the topic's end. Event time runs 10x faster than the wall clock, so 5-minute
// windows close every ~30 s. A backlog of 2000 events is there before the query starts.
const gen = { seed: 42, startTimeMs: Date.UTC(2026, 0, 1), eventsPerSecond: rate, eventTimeRate: rate / 10, users: 500, lateRatio: 0.03, malformedRatio: 0.005 };
let next = server.ends('events')?.[0] ?? 0;
async function produce(count) {
  const records = Array.from({ length: count }, (_, i) => {
    const n = next + i;
    return { key: `e${n}`, value: seedEventJson(n, gen), timestamp: gen.startTimeMs + Math.floor((n * 1000) / gen.eventTimeRate) };
  });
  next += count;
  await server.append('events', records, 0);
}
if (next === 0) await produce(2000);
const TICK_MS = 100;
let owed = 0;
const producer = setInterval(() => {
  owed += (rate * TICK_MS) / 1000;
  const count = Math.floor(owed);
  owed -= count;
  if (count > 0) void produce(count);
}, TICK_MS);

const spark = Session.builder().appName('seed-pipeline').getOrCreate();

const schema = T.fromDDL('event_id STRING, user_id STRING, event_type STRING, amount DOUBLE, event_time TIMESTAMP');

const raw = spark.readStream
  .format('websocket')
  .option('url', server.wsUrl)
  .option('subscribe', 'events')
  .option('startingOffsets', 'earliest')
  .option('maxOffsetsPerTrigger', 100000)
  .load();

const events = raw
  .select(F.fromJson(F.col('value'), schema).alias('e'))
  .select('e.*')
  .where(F.col('event_id').isNotNull().and(F.col('event_time').isNotNull()).and(F.col('amount').isNotNull()))
  .withWatermark('event_time', '10 minutes')
  .groupBy(F.window('event_time', '5 minutes'), F.col('event_type'))
  .agg(
    F.count('*').alias('events'),
    F.sum('amount').alias('amount'),
    F.avg('amount').alias('avg_amount'),
    F.countDistinct('user_id').alias('users'),
  )
  .select(
    F.dateFormat(F.col('window').getField('start'), 'HH:mm').alias('from'),
    F.dateFormat(F.col('window').getField('end'), 'HH:mm').alias('to'),
    'event_type',
    'events',
    F.round(F.col('amount'), 2).alias('amount'),
    F.round(F.col('avg_amount'), 2).alias('avg_amount'),
    'users',
  );

const maxBatches = args.batches === undefined ? Infinity : Number(args.batches);
let batchesThisRun = 0;

spark.streams.addListener({
  onQueryProgress({ progress: p }) {
    const s = p.stateOperators[0] ?? { numRowsTotal: 0, numRowsDroppedByWatermark: 0 };
    console.log(
      `[progress] batch=${p.batchId} inputRows=${p.numInputRows} rows/s=${p.processedRowsPerSecond.toFixed(0)} ` +
        `watermark=${p.eventTime.watermark ?? '-'} stateRows=${s.numRowsTotal} droppedLate=${s.numRowsDroppedByWatermark} ` +
        `outputRows=${p.sink.numOutputRows} triggerMs=${p.durationMs.triggerExecution}`,
    );
    if (++batchesThisRun >= maxBatches) void shutdown('batch limit reached');
  },
});

const query = await events.writeStream
  .format('console')
  .option('numRows', args.rows)
  .option('truncate', 'false')
  .outputMode('update')
  .queryName('seed-pipeline')
  .option('checkpointLocation', `level://${args.checkpoint}`)
  .trigger({ processingTime: args.trigger })
  .start();

let stopping = false;
async function shutdown(reason) {
  if (stopping) return;
  stopping = true;
  console.log(`\nStopping (${reason})...`);
  clearInterval(producer);
  await query.stop();
  await spark.stop();
  await server.close();
  console.log(`Stopped after ${query.recentProgress.length} batches.`);
}

process.on('SIGINT', () => void shutdown('Ctrl-C'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

console.log(`rivulet seed pipeline running (query ${query.id}, log server ${server.wsUrl} topic events at ${next} events, checkpoint level://${args.checkpoint}); Ctrl-C to stop.`);
await query.awaitTermination().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
