// The README's worked example: a 10-second watermark and 5-second tumbling windows, in append
// and update mode, fed batch by batch with a MemoryStream.
// Run: npm run build && node examples/watermark-window.mjs
import { Session, F } from '../dist/index.js';

const spark = Session.builder().appName('windows').getOrCreate();

async function run(mode) {
  console.log(`\n===== outputMode('${mode}') =====`);
  const events = spark.memoryStream('word STRING, seconds INT');
  const counts = events
    .toDF()
    .withColumn('event_time', F.col('seconds').cast('timestamp'))
    .withWatermark('event_time', '10 seconds')
    .groupBy(F.window('event_time', '5 seconds'), 'word')
    .count()
    .select(F.dateFormat(F.col('window').getField('start'), 'mm:ss').alias('start'), 'word', 'count');
  const q = await counts.writeStream.format('console').outputMode(mode).start();
  const feed = [
    [['cat', 10], ['dog', 11], ['cat', 14]], // watermark 14 - 10 = 4 from the next batch on
    [['cat', 26]], // max event time 26: watermark 16, window [10, 15) is final
    [['dog', 12], ['cat', 27]], // dog at 12 is late: its window ended at 15 <= 16
  ];
  for (const rows of feed) {
    events.addData(rows.map(([word, seconds]) => ({ word, seconds })));
    await q.processAllAvailable();
    const p = q.recentProgress.filter((x) => x.numInputRows > 0).at(-1);
    const s = p.stateOperators[0];
    console.log(`>> input batch ${p.batchId}: ran with watermark ${p.eventTime.watermark.slice(14, 19)}, state rows ${s.numRowsTotal}, dropped as late ${s.numRowsDroppedByWatermark}\n`);
  }
  await q.stop();
}

await run('update');
await run('append');
