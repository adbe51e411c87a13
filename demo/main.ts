// Placeholder demo: runs one tiny batch query in the page. The engine is imported dynamically so
// the page still renders (with the reason) while the engine is incomplete or broken.
const queryText = `spark.createDataFrame(rows, 'user STRING, amount DOUBLE')
  .filter(F.col('amount').gt(10))
  .collect()`;

const rows = [
  { user: 'ada', amount: 12.5 },
  { user: 'bob', amount: 3 },
  { user: 'cy', amount: 40 },
];

function show(id: string, text: string, state?: 'ok' | 'error'): void {
  const el = document.getElementById(id);
  if (!el) return;
  el.textContent = text;
  if (state) el.dataset.state = state;
}

async function main(): Promise<void> {
  show('query', queryText);
  try {
    const { Session, F } = await import('../src/index.js');
    const spark = Session.builder().appName('demo').getOrCreate();
    const result = await spark.createDataFrame(rows, 'user STRING, amount DOUBLE').filter(F.col('amount').gt(10)).collect();
    show('result', JSON.stringify(result, null, 2), 'ok');
    await spark.stop();
  } catch (e) {
    show('result', `The engine is not ready yet: ${e instanceof Error ? e.message : String(e)}`, 'error');
  }
}

void main();
