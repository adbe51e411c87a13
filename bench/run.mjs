/**
 * Runs the benchmarks (`npm run bench`, after the build of dist/). Each runs in its own Node
 * process, so one's heap and GC state do not leak into the next. Benchmarks are not tests: they
 * print tables and write JSON under bench/results/, and never fail a build on their figures.
 *   node bench/run.mjs [name...]   e.g. `npm run bench -- state-commit`
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ALL = ['state-commit', 'seed-pipeline', 'ysb', 'nexmark'];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !ALL.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${ALL.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length > 0 ? wanted : ALL) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', join(here, `${name}.mjs`)], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`benchmark ${name} exited with ${r.status ?? r.signal}`);
    failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
