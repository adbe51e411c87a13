// Test what ships: the BUILT package (dist/, from `npm run build`), reached the way a user reaches
// it — by the package name, through package.json "exports" (Node resolves a package's own name
// from inside it). Expects the API.md surface: Session.builder().getOrCreate(),
// spark.createDataFrame(rows, schema), df.filter(Column).collect() → plain row objects, T.struct/
// T.field, F.col(...).geq, RivuletError with Spark's errorClass, and the `rivulet/testing` entry.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// A variable specifier keeps vite from resolving the name itself: Node does, as for a user.
const pkg = 'rivulet';
type Rivulet = typeof import('../../src/index.js');

beforeAll(() => {
  if (!existsSync(`${root}dist/index.js`)) throw new Error('dist/ is missing: run `npm run build` first.');
});

describe('the built package', () => {
  it('exports the public API from its root entry', async () => {
    const m = (await import(/* @vite-ignore */ pkg)) as Rivulet;
    expect(typeof m.Session.builder).toBe('function');
    expect(typeof m.F.col).toBe('function');
    expect(typeof m.T.struct).toBe('function');
    expect(new m.RivuletError('UNRESOLVED_COLUMN', 'x')).toBeInstanceOf(Error);
  });

  it('runs createDataFrame → filter → collect', async () => {
    const { Session, F, T, RivuletError } = (await import(/* @vite-ignore */ pkg)) as Rivulet;
    const spark = Session.builder().appName('dist-import').getOrCreate();
    try {
      const schema = T.struct([T.field('id', T.int(), false), T.field('name', T.string())]);
      const df = spark.createDataFrame(
        [
          { id: 1, name: 'a' },
          { id: 2, name: null },
          { id: 3, name: 'c' },
        ],
        schema,
      );
      expect(await df.filter(F.col('id').geq(2)).collect()).toEqual([
        { id: 2, name: null },
        { id: 3, name: 'c' },
      ]);

      // Analysis may fail eagerly (as Spark's does) or at the action: accept either.
      const failure = await (async () => df.select('nme').collect())().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(RivuletError);
      expect((failure as InstanceType<typeof RivuletError>).errorClass).toBe('UNRESOLVED_COLUMN.WITH_SUGGESTION');
    } finally {
      await spark.stop();
    }
  });

  it('resolves every "exports" entry under plain Node, outside vite', async () => {
    // Subentries are only checked to load; their contents are other tests' business.
    const script = `
      const root = await import('rivulet');
      const testing = await import('rivulet/testing');
      const node = await import('rivulet/node');
      console.log(JSON.stringify({
        root: ['Session', 'F', 'T', 'RivuletError'].filter((k) => k in root),
        testing: typeof testing.ManualClock,
        node: typeof node,
      }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({
      root: ['Session', 'F', 'T', 'RivuletError'],
      testing: 'function',
      node: 'object',
    });
  });
});
