import fc from 'fast-check';
import { it } from 'vitest';
import { chooserFromGen } from './gen/chooser.js';
it('dist', () => {
  const sizes: number[] = []; const ch10: number[] = [];
  fc.assert(fc.property(fc.gen(), (g) => { const ch = chooserFromGen(g); sizes.push(ch.int(1, 30)); ch10.push(ch.chance(0.5) ? 1 : 0); }), { numRuns: 500, seed: 1 });
  console.log(sizes.slice(0, 60).join(' '), ch10.reduce((a, b) => a + b, 0));
});
