// memoryUsedBytes: estimated per store from the rows each commit puts (JSON size), never from
// removed keys, and never shared between operators (a Nexmark q8 run reported 900 MB for 4.7k
// join rows when an eviction-heavy commit's removed keys fed a query-wide estimate).
import { describe, expect, it } from 'vitest';
import { MemoryStateBackend, StateStoreProvider } from '../../src/state/state-store.js';

const perRow = (puts: [string, unknown][]) => 64 + (JSON.stringify(puts).length * 2) / puts.length;

describe('state store memory estimate', () => {
  it('follows the rows put; removals and other operators do not change a store’s per-row estimate', async () => {
    const provider = new StateStoreProvider(new MemoryStateBackend(), 100);
    const puts: [string, unknown][] = [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ];
    const s0 = await provider.open(0, 0, 0);
    for (const [k, v] of puts) s0.put(k, v);
    await s0.commit();
    const est = perRow(puts);
    expect(s0.metrics.memoryUsedBytes).toBe(Math.round(3 * est));

    // Another operator with much bigger rows keeps its own estimate.
    const big: [string, unknown][] = [['x', 'y'.repeat(1000)]];
    const t0 = await provider.open(1, 0, 0);
    t0.put('x', 'y'.repeat(1000));
    await t0.commit();
    expect(t0.metrics.memoryUsedBytes).toBe(Math.round(perRow(big)));

    // A commit that only removes keys (a watermark eviction): the estimate per row stays.
    const s1 = await provider.open(0, 0, 1);
    s1.remove('a');
    s1.remove('b');
    await s1.commit();
    expect(s1.metrics.numRowsTotal).toBe(1);
    expect(s1.metrics.memoryUsedBytes).toBe(Math.round(est));

    // Later puts move the estimate as a running average (0.8 old + 0.2 new).
    const s2 = await provider.open(0, 0, 2);
    s2.put('d', 4);
    await s2.commit();
    expect(s2.metrics.memoryUsedBytes).toBe(Math.round(2 * (0.8 * est + 0.2 * perRow([['d', 4]]))));
  });
});
