import fc from 'fast-check';
import { it, vi } from 'vitest';
vi.mock('../../src/index.js', () => {
  const p: any = new Proxy(function () {}, { get: (_t, k) => (k === 'then' ? undefined : p), apply: () => p });
  return { F: p, T: p, Session: p, DataFrame: p, Column: p, RivuletError: p };
});
import { F } from '../../src/index.js';
import { loadTables, openDuck, runDuck, normalizeRows, toDataFrame } from './duckdb-helpers.js';
import { chooserFromGen } from './gen/chooser.js';
import { QueryGen, SHAPES, type Shape } from './gen/queries.js';
import { RelBuilder } from './gen/relations.js';
import { genTables } from './gen/tables.js';

it('sql runs', async () => {
  const duck = await openDuck();
  let n = 0; const counts: number[] = [];
  for (const shape of Object.keys(SHAPES) as Shape[]) {
    const c0 = counts.length;
    await fc.assert(fc.asyncProperty(fc.gen(), async (g) => {
      const ch = chooserFromGen(g);
      const tables = genTables(ch);
      const rb = new RelBuilder(ch);
      const bases = tables.map((t) => rb.base(t, toDataFrame({ createDataFrame: () => F } as any, t)));
      const rel = new QueryGen(ch, rb, bases).build(shape);
      await loadTables(duck, tables);
      try { const rows = normalizeRows(await runDuck(duck, rel.sql), rel.cols, 'duck'); counts.push(rows.length); n++; if (shape === 'filter' && n % 20 === 0) console.log(rows.length, tables.map((t) => t.rows.length).join('/'), rel.src); }
      catch (e) { throw new Error(`${shape}: ${(e as Error).message}\n${rel.sql}\n${rel.src}`); }
    }), { seed: 1, numRuns: 300 });
    const cs = counts.slice(c0); console.log(shape, 'empty', cs.filter((c) => c === 0).length / cs.length, 'avg', cs.reduce((a, b) => a + b, 0) / cs.length);
  }
  console.log('ok', n, 'empty', counts.filter((c) => c === 0).length, 'avg rows', counts.reduce((a, b) => a + b, 0) / counts.length);
}, 120_000);
