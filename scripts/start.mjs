#!/usr/bin/env node
// `npm start`: the seed pipeline end to end on embedded defaults. An in-process, replayable
// event generator (the `seed-events` source, with some late and malformed events) feeds JSON
// events; the query parses them with a schema, drops incomplete events, sets a 10-minute
// watermark and counts per 5-minute window and event type (update mode), printing each
// micro-batch and a progress line (watermark, state rows, rows dropped as late) until Ctrl-C
// stops it gracefully. Options: --rate N (events/s), --trigger '2 seconds',
// --batches N (stop after N batches; used by CI's smoke test).
import { parseArgs } from 'node:util';
import { Session, F, T } from '../dist/index.js';
import { destroyLevelKV } from '../dist/node/index.js'; // also registers level:// checkpoints

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    trigger: { type: 'string', default: '2 seconds' },
    batches: { type: 'string' },
    rows: { type: 'string', default: '10' },
    fresh: { type: 'boolean', default: process.env.RIVULET_FRESH === '1' },
    checkpoint: { type: 'string', default: '.rivulet/checkpoints/seed-pipeline' },
  },
});

// The query checkpoints to LevelDB: Ctrl-C and a second `npm start` resume where the first
// stopped, with no batch repeated. --fresh (or RIVULET_FRESH=1) starts over.
if (args.fresh) await destroyLevelKV(args.checkpoint);

const spark = Session.builder().appName('seed-pipeline').getOrCreate();

const schema = T.fromDDL('event_id STRING, user_id STRING, event_type STRING, amount DOUBLE, event_time TIMESTAMP');

const raw = spark.readStream
  .format('seed-events')
  .option('eventsPerSecond', args.rate)
  // Event time runs 10× faster than the wall clock, so 5-minute windows close every ~30 s.
  .option('eventTimeRate', Number(args.rate) / 10)
  .option('backlog', 2000)
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
  await query.stop();
  await spark.stop();
  console.log(`Stopped after ${query.recentProgress.length} batches.`);
}

process.on('SIGINT', () => void shutdown('Ctrl-C'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

console.log(`rivulet seed pipeline running (query ${query.id}, checkpoint level://${args.checkpoint}); Ctrl-C to stop.`);
await query.awaitTermination().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
