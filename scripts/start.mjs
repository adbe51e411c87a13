#!/usr/bin/env node
// `npm start`: the seed pipeline end to end on embedded defaults. An in-process, replayable
// event generator (the `seed-events` source) feeds JSON events; the query parses them with a
// schema, drops incomplete events and filters, printing each micro-batch and a progress line,
// until Ctrl-C stops it gracefully. Options: --rate N (events/s), --trigger '2 seconds',
// --batches N (stop after N batches; used by CI's smoke test).
import { parseArgs } from 'node:util';
import { Session, F, T } from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    trigger: { type: 'string', default: '2 seconds' },
    batches: { type: 'string' },
    rows: { type: 'string', default: '5' },
  },
});

const spark = Session.builder().appName('seed-pipeline').getOrCreate();

const schema = T.fromDDL('event_id STRING, user_id STRING, event_type STRING, amount DOUBLE, event_time TIMESTAMP');

const raw = spark.readStream
  .format('seed-events')
  .option('eventsPerSecond', args.rate)
  .option('maxOffsetsPerTrigger', 100000)
  .load();

const events = raw
  .select(F.fromJson(F.col('value'), schema).alias('e'))
  .select('e.*')
  .where(F.col('event_id').isNotNull().and(F.col('event_time').isNotNull()).and(F.col('amount').isNotNull()))
  .filter(F.col('event_type').isin('view', 'click', 'purchase'));

const maxBatches = args.batches === undefined ? Infinity : Number(args.batches);

spark.streams.addListener({
  onQueryProgress({ progress: p }) {
    console.log(
      `[progress] batch=${p.batchId} inputRows=${p.numInputRows} rows/s=${p.processedRowsPerSecond.toFixed(0)} ` +
        `outputRows=${p.sink.numOutputRows} triggerMs=${p.durationMs.triggerExecution}`,
    );
    if (p.batchId + 1 >= maxBatches) void shutdown('batch limit reached');
  },
});

const query = await events.writeStream
  .format('console')
  .option('numRows', args.rows)
  .option('truncate', 'false')
  .outputMode('append')
  .queryName('seed-pipeline')
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

console.log(`rivulet seed pipeline running (query ${query.id}); Ctrl-C to stop.`);
await query.awaitTermination().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
