import { describe, expect, test } from 'vitest';
import { aggregateFunctions } from '../../src/expr/functions/aggregates.js';
import type { AggregateFunction, ResolvedArg, ResolveContext, Resolution } from '../../src/expr/registry.js';
import { RivuletError } from '../../src/errors.js';
import type { DataType } from '../../src/types/data-types.js';

const ctx: ResolveContext = {
  timeZone: 'UTC',
  mismatch(detail: string): never {
    throw new RivuletError('DATATYPE_MISMATCH', `Cannot resolve due to data type mismatch: ${detail}.`);
  },
};

function def(name: string): AggregateFunction {
  const f = aggregateFunctions.find((x) => x.name === name);
  if (!f) throw new Error(`no aggregate ${name}`);
  return f;
}

/** An argument: a column `c<i>` of the type, or a literal when `literal` is given. */
function args(types: readonly DataType[], literals: readonly unknown[] = []): ResolvedArg[] {
  return types.map((dataType, i) =>
    i in literals && literals[i] !== undefined
      ? { expr: { kind: 'literal', value: literals[i] as never, dataType }, dataType, nullable: literals[i] === null, literal: { value: literals[i] } }
      : { expr: { kind: 'attr', id: i, name: `c${i}`, dataType, nullable: true }, dataType, nullable: true },
  );
}

function resolve(name: string, types: readonly DataType[], literals: readonly unknown[] = []): Resolution {
  return def(name).resolve(args(types, literals), ctx);
}

interface RunOptions {
  readonly distinct?: boolean;
  readonly literals?: readonly unknown[];
  /** Merged partial results may differ in the last bits (floating-point summation order). */
  readonly approx?: boolean;
}

const roundTrip = <T>(s: T): T => JSON.parse(JSON.stringify(s)) as T;

/**
 * Aggregates `rows` (argument tuples) three ways — one pass; split and merged after
 * checkpointing both halves through JSON (at every point for small inputs); and checkpointed
 * after every row (small inputs) — checks that they agree and returns the one-pass result.
 */
function run(name: string, types: readonly DataType[], rows: readonly (readonly unknown[])[], opts: RunOptions = {}): unknown {
  const a = args(types, opts.literals);
  const r = def(name).resolve(a, ctx);
  const acc = def(name).create({
    args: a,
    argTypes: r.argTypes ?? types,
    dataType: r.dataType,
    timeZone: 'UTC',
    distinct: opts.distinct === true,
  });
  const fold = (rs: readonly (readonly unknown[])[]): unknown => {
    let s = acc.init();
    for (const row of rs) s = acc.update(s, row);
    return s;
  };
  const single = fold(rows);
  // JSON-serialisable: survives a round trip unchanged (no Map/Set/typed arrays/NaN inside).
  expect(roundTrip(single)).toEqual(single);
  const result = acc.result(roundTrip(single));

  const small = rows.length <= 50;
  if (small) {
    let stepwise = acc.init();
    for (const row of rows) stepwise = roundTrip(acc.update(stepwise, row));
    expect(acc.result(stepwise)).toEqual(result);
  }

  const n = rows.length;
  const cuts = small ? Array.from({ length: n + 1 }, (_, i) => i) : [0, Math.floor(n / 3), Math.floor(n / 2), n];
  for (const cut of cuts) {
    const merged = acc.result(acc.merge(roundTrip(fold(rows.slice(0, cut))), roundTrip(fold(rows.slice(cut)))));
    if (opts.approx && typeof result === 'number' && typeof merged === 'number') expect(merged).toBeCloseTo(result, 12);
    else expect(merged).toEqual(result);
  }
  return result;
}

function mismatch(f: () => unknown): RivuletError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RivuletError);
    return e as RivuletError;
  }
  throw new Error('expected DATATYPE_MISMATCH');
}

const rowsOf = (...vs: unknown[]): unknown[][] => vs.map((v) => [v]);

describe('registry', () => {
  test('names', () => {
    expect(aggregateFunctions.map((f) => f.name)).toEqual([
      'count', 'sum', 'avg', 'min', 'max', 'first', 'first_value', 'last', 'last_value', 'collect_list',
      'collect_set', 'approx_count_distinct', 'stddev', 'stddev_samp', 'stddev_pop', 'variance', 'var_samp', 'var_pop',
    ]);
    for (const f of aggregateFunctions) expect(f.kind).toBe('aggregate');
  });
});

describe('count', () => {
  test('resolution: long, never null', () => {
    expect(resolve('count', ['string'])).toEqual({ dataType: 'long', nullable: false });
    expect(def('count').minArgs).toBe(1);
    expect(def('count').maxArgs).toBe(Infinity);
  });

  test('count(expr) skips nulls; count(1) counts rows; no rows → 0', () => {
    expect(run('count', ['integer'], rowsOf(1, null, 3, null))).toBe(2);
    expect(run('count', ['integer'], rowsOf(1, 1, 1), { literals: [1] })).toBe(3);
    expect(run('count', ['integer'], [])).toBe(0);
    expect(run('count', ['null'], rowsOf(null, null))).toBe(0);
  });

  test('count(a, b) counts rows where every argument is non-null', () => {
    expect(run('count', ['integer', 'string'], [[1, null], [1, 'x'], [null, null], [2, 'y']])).toBe(2);
  });

  test('count(DISTINCT ...)', () => {
    expect(run('count', ['integer'], rowsOf(1, 1, 2, null, 2, 3), { distinct: true })).toBe(3);
    // countDistinct(a, b): distinct tuples without nulls.
    const rows = [[1, 'x'], [1, 'x'], [1, 'y'], [null, 'x'], [2, null], [null, 'x']];
    expect(run('count', ['integer', 'string'], rows, { distinct: true })).toBe(2);
    expect(run('count', ['double'], rowsOf(NaN, NaN, 0, -0, 1), { distinct: true })).toBe(3);
    const bin = rowsOf(new Uint8Array([1]), new Uint8Array([1]), new Uint8Array([2]));
    expect(run('count', ['binary'], bin, { distinct: true })).toBe(2);
    const arrays = rowsOf([1, 2], [1, 2], [2, 1], [1, null], [1, null]);
    expect(run('count', [{ type: 'array', elementType: 'integer', containsNull: true }], arrays, { distinct: true })).toBe(3);
  });
});

describe('sum', () => {
  test('resolution', () => {
    expect(resolve('sum', ['integer'])).toEqual({ dataType: 'long', nullable: true, argTypes: ['integer'] });
    expect(resolve('sum', ['long'])).toEqual({ dataType: 'long', nullable: true, argTypes: ['long'] });
    expect(resolve('sum', ['float'])).toEqual({ dataType: 'double', nullable: true, argTypes: ['float'] });
    expect(resolve('sum', ['double'])).toEqual({ dataType: 'double', nullable: true, argTypes: ['double'] });
    // Legacy (non-ANSI) implicit casts: strings and untyped nulls become double.
    expect(resolve('sum', ['string'])).toEqual({ dataType: 'double', nullable: true, argTypes: ['double'] });
    expect(resolve('sum', ['null'])).toEqual({ dataType: 'double', nullable: true, argTypes: ['double'] });
  });

  test('non-numeric input is a DATATYPE_MISMATCH', () => {
    const e = mismatch(() => resolve('sum', ['boolean']));
    expect(e.errorClass).toBe('DATATYPE_MISMATCH');
    expect(e.message).toContain('The first parameter requires the ("NUMERIC" or "ANSI INTERVAL") type, however "c0" has the type "BOOLEAN"');
    expect(mismatch(() => resolve('sum', ['timestamp'])).message).toContain('"TIMESTAMP"');
    expect(mismatch(() => resolve('avg', [{ type: 'array', elementType: 'integer', containsNull: true }])).message).toContain(
      '"ARRAY<INT>"',
    );
  });

  test('values', () => {
    expect(run('sum', ['integer'], rowsOf(1, 2, null, 4))).toBe(7);
    expect(run('sum', ['long'], rowsOf(2 ** 40, 2 ** 40))).toBe(2 ** 41);
    expect(run('sum', ['double'], rowsOf(0.1, 0.2))).toBe(0.30000000000000004);
    expect(run('sum', ['integer'], rowsOf(null, null))).toBeNull();
    expect(run('sum', ['integer'], [])).toBeNull();
    expect(run('sum', ['integer'], rowsOf(-3, 3))).toBe(0);
  });

  test('NaN and infinities survive checkpoints', () => {
    expect(run('sum', ['double'], rowsOf(1, NaN, 2))).toBeNaN();
    expect(run('sum', ['double'], rowsOf(1, Infinity))).toBe(Infinity);
    expect(run('sum', ['double'], rowsOf(-Infinity, 1))).toBe(-Infinity);
    expect(run('sum', ['double'], rowsOf(Infinity, -Infinity))).toBeNaN();
  });

  test('sum(DISTINCT)', () => {
    expect(run('sum', ['integer'], rowsOf(1, 1, 2, null, 2), { distinct: true })).toBe(3);
    expect(run('sum', ['integer'], rowsOf(null), { distinct: true })).toBeNull();
  });
});

describe('avg', () => {
  test('resolution: always double', () => {
    expect(resolve('avg', ['integer'])).toEqual({ dataType: 'double', nullable: true, argTypes: ['integer'] });
    expect(resolve('avg', ['string'])).toEqual({ dataType: 'double', nullable: true, argTypes: ['double'] });
  });

  test('values', () => {
    expect(run('avg', ['integer'], rowsOf(1, 2, 4, null))).toBe(7 / 3);
    expect(run('avg', ['double'], rowsOf(1.5, 2.5))).toBe(2);
    expect(run('avg', ['integer'], rowsOf(null))).toBeNull();
    expect(run('avg', ['integer'], [])).toBeNull();
    expect(run('avg', ['double'], rowsOf(1, NaN))).toBeNaN();
    expect(run('avg', ['integer'], rowsOf(1, 1, 4), { distinct: true })).toBe(2.5);
  });
});

describe('min / max', () => {
  test('resolution keeps the input type; maps and intervals are not orderable', () => {
    expect(resolve('min', ['string'])).toEqual({ dataType: 'string', nullable: true });
    expect(resolve('max', ['timestamp'])).toEqual({ dataType: 'timestamp', nullable: true });
    const mapType: DataType = { type: 'map', keyType: 'string', valueType: 'integer', valueContainsNull: true };
    expect(mismatch(() => resolve('max', [mapType])).message).toContain('does not support ordering on type "MAP<STRING,INT>"');
    expect(mismatch(() => resolve('min', [{ type: 'array', elementType: mapType, containsNull: true }])).errorClass).toBe(
      'DATATYPE_MISMATCH',
    );
    expect(mismatch(() => resolve('min', ['interval'])).errorClass).toBe('DATATYPE_MISMATCH');
  });

  test('numbers, with NaN greatest', () => {
    expect(run('min', ['integer'], rowsOf(3, null, 1, 2))).toBe(1);
    expect(run('max', ['integer'], rowsOf(3, null, 1, 2))).toBe(3);
    expect(run('max', ['double'], rowsOf(1, NaN, Infinity))).toBeNaN();
    expect(run('min', ['double'], rowsOf(NaN, 1, -Infinity))).toBe(-Infinity);
    expect(run('min', ['double'], rowsOf(NaN, NaN))).toBeNaN();
    expect(run('min', ['integer'], rowsOf(null))).toBeNull();
    expect(run('max', ['integer'], [])).toBeNull();
  });

  test('strings by code point, booleans, timestamps, dates', () => {
    expect(run('min', ['string'], rowsOf('b', 'a', 'c', null))).toBe('a');
    expect(run('max', ['string'], rowsOf('b', 'a', 'c'))).toBe('c');
    expect(run('max', ['string'], rowsOf('\uFFFD', '\u{1F600}', 'z'))).toBe('\u{1F600}');
    expect(run('max', ['boolean'], rowsOf(false, true, null))).toBe(true);
    expect(run('min', ['boolean'], rowsOf(true, false))).toBe(false);
    expect(run('max', ['timestamp'], rowsOf(1_577_836_800_000_000, 0, -5))).toBe(1_577_836_800_000_000);
    expect(run('min', ['date'], rowsOf(18262, -1, 0))).toBe(-1);
  });

  test('arrays, structs and binary', () => {
    const arr: DataType = { type: 'array', elementType: 'integer', containsNull: true };
    expect(run('max', [arr], rowsOf([1, 2], [1, 3], [1]))).toEqual([1, 3]);
    expect(run('min', [arr], rowsOf([1, 2], [1, null], [1]))).toEqual([1]);
    const st: DataType = {
      type: 'struct',
      fields: [
        { name: 'a', type: 'string', nullable: true, metadata: {} },
        { name: 'b', type: 'double', nullable: true, metadata: {} },
      ],
    };
    expect(run('max', [st], rowsOf(['a', 1], ['a', NaN], ['a', 2]))).toEqual(['a', NaN]);
    expect(run('min', ['binary'], rowsOf(new Uint8Array([2]), new Uint8Array([1, 5]), new Uint8Array([1, 6])))).toEqual(
      new Uint8Array([1, 5]),
    );
  });

  test('DISTINCT changes nothing', () => {
    expect(run('max', ['integer'], rowsOf(1, 5, 5), { distinct: true })).toBe(5);
  });
});

describe('first / last', () => {
  test('resolution; ignoreNulls must be a boolean literal', () => {
    expect(resolve('first', ['string'])).toEqual({ dataType: 'string', nullable: true });
    expect(resolve('last', ['integer', 'boolean'], [undefined, true])).toEqual({ dataType: 'integer', nullable: true });
    expect(mismatch(() => resolve('first', ['integer', 'boolean'])).message).toContain('ignoreNulls');
    expect(mismatch(() => resolve('last', ['integer', 'string'], [undefined, 'yes'])).message).toContain(
      'The second parameter requires the "BOOLEAN" type',
    );
    expect(def('first').maxArgs).toBe(2);
  });

  test('first/last in input order, nulls included by default', () => {
    expect(run('first', ['integer'], rowsOf(null, 1, 2))).toBeNull();
    expect(run('first', ['integer'], rowsOf(3, null, 1))).toBe(3);
    expect(run('last', ['integer'], rowsOf(1, 2, null))).toBeNull();
    expect(run('last', ['integer'], rowsOf(null, 1, 2))).toBe(2);
    expect(run('first', ['integer'], [])).toBeNull();
    expect(run('first_value', ['string'], rowsOf('a', 'b'))).toBe('a');
    expect(run('last_value', ['string'], rowsOf('a', 'b'))).toBe('b');
  });

  test('ignoreNulls = true', () => {
    const lit = { literals: [undefined, true] };
    const rows = [[null, true], [1, true], [2, true], [null, true]];
    expect(run('first', ['integer', 'boolean'], rows, lit)).toBe(1);
    expect(run('last', ['integer', 'boolean'], rows, lit)).toBe(2);
    expect(run('first', ['integer', 'boolean'], [[null, true]], lit)).toBeNull();
    const off = { literals: [undefined, false] };
    const rowsOff = rows.map(([v]) => [v, false]);
    expect(run('first', ['integer', 'boolean'], rowsOff, off)).toBeNull();
    expect(run('last', ['integer', 'boolean'], rowsOff, off)).toBeNull();
  });

  test('values that JSON cannot hold', () => {
    expect(run('first', ['double'], rowsOf(NaN, 1))).toBeNaN();
    expect(run('last', ['binary'], rowsOf(new Uint8Array([1]), new Uint8Array([9, 9])))).toEqual(new Uint8Array([9, 9]));
    const mt: DataType = { type: 'map', keyType: 'string', valueType: 'integer', valueContainsNull: true };
    const m = run('first', [mt], rowsOf(new Map([['a', 1]]), new Map([['b', 2]])));
    expect(m).toBeInstanceOf(Map);
    expect([...(m as Map<string, number>)]).toEqual([['a', 1]]);
  });
});

describe('collect_list / collect_set', () => {
  test('resolution: array<T> without nulls, never null', () => {
    const t = { type: 'array', elementType: 'integer', containsNull: false };
    expect(resolve('collect_list', ['integer'])).toEqual({ dataType: t, nullable: false });
    expect(resolve('collect_set', ['integer'])).toEqual({ dataType: t, nullable: false });
    const mapType: DataType = { type: 'map', keyType: 'string', valueType: 'integer', valueContainsNull: true };
    expect(mismatch(() => resolve('collect_set', [mapType])).message).toContain('cannot have map type data');
    expect(resolve('collect_list', [mapType]).nullable).toBe(false);
  });

  test('collect_list keeps order and duplicates, skips nulls', () => {
    expect(run('collect_list', ['integer'], rowsOf(1, null, 2, 1))).toEqual([1, 2, 1]);
    expect(run('collect_list', ['integer'], [])).toEqual([]);
    expect(run('collect_list', ['integer'], rowsOf(null))).toEqual([]);
    expect(run('collect_list', ['double'], rowsOf(1, NaN, -Infinity))).toEqual([1, NaN, -Infinity]);
    expect(run('collect_list', ['integer'], rowsOf(2, 1, 2, 3, 1), { distinct: true })).toEqual([2, 1, 3]);
  });

  test('collect_set: distinct by value, first-seen order', () => {
    expect(run('collect_set', ['integer'], rowsOf(1, null, 2, 1))).toEqual([1, 2]);
    expect(run('collect_set', ['string'], rowsOf('b', 'a', 'b', '1'))).toEqual(['b', 'a', '1']);
    const arr: DataType = { type: 'array', elementType: 'integer', containsNull: true };
    expect(run('collect_set', [arr], rowsOf([1, 2], [1, 2], [2], [null], [null]))).toEqual([[1, 2], [2], [null]]);
    const set = run('collect_set', ['double'], rowsOf(-0, NaN, 0, NaN)) as number[];
    expect(set).toHaveLength(2);
    expect(Object.is(set[0], -0)).toBe(true);
    expect(set[1]).toBeNaN();
    expect(run('collect_set', ['binary'], rowsOf(new Uint8Array([1]), new Uint8Array([1])))).toEqual([new Uint8Array([1])]);
    expect(run('collect_set', ['integer'], [])).toEqual([]);
  });

  test('results are copies, not the live state', () => {
    const a = args(['integer']);
    const acc = def('collect_list').create({ args: a, argTypes: ['integer'], dataType: 'integer', timeZone: 'UTC', distinct: false });
    let s = acc.update(acc.init(), [1]);
    const r = acc.result(s) as number[];
    s = acc.update(s, [2]);
    expect(r).toEqual([1]);
    expect(acc.result(s)).toEqual([1, 2]);
  });
});

describe('approx_count_distinct', () => {
  test('resolution', () => {
    expect(resolve('approx_count_distinct', ['string'])).toEqual({ dataType: 'long', nullable: false });
    expect(resolve('approx_count_distinct', ['string', 'double'], [undefined, 0.01])).toEqual({ dataType: 'long', nullable: false });
    expect(resolve('approx_count_distinct', ['string', 'float'], [undefined, 0.05])).toEqual({ dataType: 'long', nullable: false });
    expect(mismatch(() => resolve('approx_count_distinct', ['string', 'boolean'], [undefined, true])).message).toContain(
      'The second parameter requires the "DOUBLE" type',
    );
    expect(mismatch(() => resolve('approx_count_distinct', ['string', 'double'])).message).toContain('relativeSD');
    const e = mismatch(() => resolve('approx_count_distinct', ['string', 'double'], [undefined, 0.5]));
    expect(e.errorClass).toBe('INVALID_PARAMETER_VALUE');
  });

  test('small cardinalities are exact', () => {
    expect(run('approx_count_distinct', ['integer'], [])).toBe(0);
    expect(run('approx_count_distinct', ['integer'], rowsOf(null, null))).toBe(0);
    expect(run('approx_count_distinct', ['integer'], rowsOf(1, 2, 3, 2, 1, null, 5, 4))).toBe(5);
    expect(run('approx_count_distinct', ['string'], rowsOf('a', 'b', 'a', 'c'))).toBe(3);
    expect(run('approx_count_distinct', ['double'], rowsOf(0, -0, NaN, NaN))).toBe(2);
  });

  test('large cardinalities: within the documented error, deterministic, mergeable', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [i % 10_000]);
    const defaultRsd = run('approx_count_distinct', ['integer'], rows) as number;
    expect(Math.abs(defaultRsd - 10_000) / 10_000).toBeLessThan(3 * 0.046);
    const precise = run('approx_count_distinct', ['integer', 'double'], rows.map(([v]) => [v, 0.01]), {
      literals: [undefined, 0.01],
    }) as number;
    expect(Math.abs(precise - 10_000) / 10_000).toBeLessThan(3 * 0.0081);
    expect(run('approx_count_distinct', ['integer'], rows)).toBe(defaultRsd);
  });
});

describe('variance / standard deviation', () => {
  test('resolution: double; strings cast, booleans refused', () => {
    for (const name of ['stddev', 'stddev_samp', 'stddev_pop', 'variance', 'var_samp', 'var_pop']) {
      expect(resolve(name, ['integer'])).toEqual({ dataType: 'double', nullable: true, argTypes: ['double'] });
      expect(resolve(name, ['string'])).toEqual({ dataType: 'double', nullable: true, argTypes: ['double'] });
      expect(mismatch(() => resolve(name, ['boolean'])).message).toContain('requires the "DOUBLE" type');
    }
  });

  test('values', () => {
    // Welford in input order, as Spark's CentralMomentAgg computes it for one partition.
    const rows = rowsOf(1, 2, 3, 4, null);
    const approx = { approx: true };
    expect(run('var_samp', ['double'], rows, approx)).toBe(1.6666666666666667);
    expect(run('variance', ['double'], rows, approx)).toBe(1.6666666666666667);
    expect(run('var_pop', ['double'], rows, approx)).toBe(1.25);
    expect(run('stddev_samp', ['double'], rows, approx)).toBe(1.2909944487358056);
    expect(run('stddev', ['double'], rows, approx)).toBe(1.2909944487358056);
    expect(run('stddev_pop', ['double'], rows, approx)).toBe(1.118033988749895);
    expect(run('var_pop', ['double'], rowsOf(2, 4, 4, 4, 5, 5, 7, 9), approx)).toBe(4);
    expect(run('stddev_pop', ['double'], rowsOf(2, 4, 4, 4, 5, 5, 7, 9), approx)).toBe(2);
  });

  test('one value: samp → null (Spark 3+), pop → 0; no values → null', () => {
    expect(run('var_samp', ['double'], rowsOf(5))).toBeNull();
    expect(run('stddev', ['double'], rowsOf(5, null))).toBeNull();
    expect(run('var_pop', ['double'], rowsOf(5))).toBe(0);
    expect(run('stddev_pop', ['double'], rowsOf(5))).toBe(0);
    for (const name of ['stddev', 'stddev_samp', 'stddev_pop', 'variance', 'var_samp', 'var_pop']) {
      expect(run(name, ['double'], [])).toBeNull();
    }
  });

  test('NaN input gives NaN and survives checkpoints', () => {
    expect(run('var_samp', ['double'], rowsOf(1, NaN, 3))).toBeNaN();
  });

  test('DISTINCT', () => {
    expect(run('var_pop', ['double'], rowsOf(1, 1, 3, 3), { distinct: true, approx: true })).toBe(1);
  });
});

describe('DISTINCT with first', () => {
  test('aggregates over distinct tuples in first-seen order', () => {
    expect(run('first', ['integer'], rowsOf(null, 2, null, 1), { distinct: true })).toBeNull();
    expect(run('last', ['integer'], rowsOf(2, 1, 2), { distinct: true })).toBe(1);
  });
});
