import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { alias, call, col, lit, type Expr } from '../../src/expr/ast.js';
import { parseExpression } from '../../src/expr/sql-parser.js';
import { exprToSql, exprToSqlString } from '../../src/expr/sql-render.js';
import type { DataType } from '../../src/types/data-types.js';

const int = (v: number): Expr => lit(v, 'integer');
const str = (v: string): Expr => lit(v, 'string');
const iv = (months: number, days: number, micros: number): Expr => lit({ months, days, micros }, 'interval');
const a = col('a');

describe('exprToSql: Spark pretty names', () => {
  test('operators are parenthesised', () => {
    expect(exprToSql(call('add', a, int(1)))).toBe('(a + 1)');
    expect(exprToSql(call('subtract', a, call('multiply', col('b'), int(2))))).toBe('(a - (b * 2))');
    expect(exprToSql(call('divide', a, int(2)))).toBe('(a / 2)');
    expect(exprToSql(call('div', a, int(2)))).toBe('(a div 2)');
    expect(exprToSql(call('mod', a, int(2)))).toBe('(a % 2)');
    expect(exprToSql(call('negative', a))).toBe('(- a)');
    expect(exprToSql(call('positive', a))).toBe('(+ a)');
    expect(exprToSql(call('eq_null_safe', a, int(1)))).toBe('(a <=> 1)');
    expect(exprToSql(call('and', call('lt', a, int(1)), call('or', col('b'), col('c'))))).toBe('((a < 1) AND (b OR c))');
  });

  test('the PySpark column names from the brief', () => {
    // F.col('a') + 1
    expect(exprToSql(call('add', a, int(1)))).toBe('(a + 1)');
    // F.count('*')
    expect(exprToSql(call('count', int(1)))).toBe('count(1)');
    // F.lit('x')
    expect(exprToSql(str('x'))).toBe('x');
    // F.col('a').isNull()
    expect(exprToSql(call('isnull', a))).toBe('(a IS NULL)');
    expect(exprToSql(call('isnotnull', a))).toBe('(a IS NOT NULL)');
    // ~F.col('a')
    expect(exprToSql(call('not', a))).toBe('(NOT a)');
    // F.col('a').isin(1, 2)
    expect(exprToSql(call('in', a, int(1), int(2)))).toBe('(a IN (1, 2))');
    // F.when(F.col('a') > 1, 1).otherwise(0)
    expect(exprToSql({ kind: 'caseWhen', branches: [[call('gt', a, int(1)), int(1)]], otherwise: int(0) })).toBe('CASE WHEN (a > 1) THEN 1 ELSE 0 END');
    expect(exprToSql({ kind: 'caseWhen', branches: [[call('gt', a, int(1)), str('big')]] })).toBe('CASE WHEN (a > 1) THEN big END');
    // F.col('a').cast('long')
    expect(exprToSql({ kind: 'cast', child: a, to: 'long' })).toBe('CAST(a AS BIGINT)');
    // F.col('a').between(1, 2)
    expect(exprToSql(call('and', call('gte', a, int(1)), call('lte', a, int(2))))).toBe('((a >= 1) AND (a <= 2))');
    // F.col('a') != 1
    expect(exprToSql(call('not', call('eq', a, int(1))))).toBe('(NOT (a = 1))');
    // F.col('s').getField('a') and F.col('s.a')
    expect(exprToSql(call('get_field', col('s'), str('a')))).toBe('s.a');
    expect(exprToSql(col('s', 'a'))).toBe('s.a');
    // F.col('d')['k'], F.col('arr')[0]
    expect(exprToSql(call('get_item', col('d'), str('k')))).toBe('d[k]');
    expect(exprToSql(call('get_item', col('arr'), int(0)))).toBe('arr[0]');
  });

  test('aggregates and functions', () => {
    expect(exprToSql(call('sum', col('amount')))).toBe('sum(amount)');
    expect(exprToSql(call('avg', col('amount')))).toBe('avg(amount)');
    expect(exprToSql({ kind: 'call', name: 'count', args: [col('user_id')], distinct: true })).toBe('count(DISTINCT user_id)');
    expect(exprToSql({ kind: 'call', name: 'count', args: [a, col('b')], distinct: true })).toBe('count(DISTINCT a, b)');
    expect(exprToSql(call('concat', a, str('x')))).toBe('concat(a, x)');
    expect(exprToSql(call('current_timestamp'))).toBe('current_timestamp()');
    expect(exprToSql(call('first', a, lit(true, 'boolean')))).toBe('first(a)');
    expect(exprToSql(call('round', a, int(0)))).toBe('round(a, 0)');
    expect(exprToSql(call('window', col('event_time'), str('10 minutes')))).toBe('window(event_time, 10 minutes)');
  });

  test('LIKE family', () => {
    expect(exprToSql(call('like', a, str('x%')))).toBe('a LIKE x%');
    expect(exprToSql(call('rlike', a, str('^x')))).toBe('RLIKE(a, ^x)');
    expect(exprToSql(call('ilike', a, str('x%')))).toBe('ilike(a, x%)');
  });

  test('aliases, attributes, stars, sort orders', () => {
    expect(exprToSql(alias(call('add', a, int(1)), 'b'))).toBe('(a + 1)');
    expect(exprToSql({ kind: 'attr', id: 7, name: 'amount', dataType: 'double', nullable: true, qualifier: 't' })).toBe('amount');
    expect(exprToSql({ kind: 'star' })).toBe('*');
    expect(exprToSql({ kind: 'star', target: ['t'] })).toBe('t.*');
    expect(exprToSql({ kind: 'sortOrder', child: a, direction: 'desc', nulls: 'last' })).toBe('a DESC NULLS LAST');
    expect(exprToSql({ kind: 'sortOrder', child: a, direction: 'asc', nulls: 'first' })).toBe('a ASC NULLS FIRST');
    expect(exprToSql(col('my col'))).toBe('my col');
  });

  test('literals', () => {
    expect(exprToSql(lit(null, 'null'))).toBe('NULL');
    expect(exprToSql(lit(null, 'integer'))).toBe('NULL');
    expect(exprToSql(lit(true, 'boolean'))).toBe('true');
    expect(exprToSql(lit(-3, 'integer'))).toBe('-3');
    expect(exprToSql(lit(5, 'long'))).toBe('5');
    expect(exprToSql(lit(1.5, 'double'))).toBe('1.5');
    expect(exprToSql(lit(2, 'double'))).toBe('2.0');
    expect(exprToSql(lit(1e20, 'double'))).toBe('1.0E20');
    expect(exprToSql(lit(1.5e-4, 'double'))).toBe('1.5E-4');
    expect(exprToSql(lit(12345678, 'double'))).toBe('1.2345678E7');
    expect(exprToSql(lit(0.001, 'double'))).toBe('0.001');
    expect(exprToSql(lit(-0, 'double'))).toBe('-0.0');
    expect(exprToSql(lit(Math.fround(0.1), 'float'))).toBe('0.1');
    expect(exprToSql(lit(1577836800000000, 'timestamp'))).toBe("TIMESTAMP '2020-01-01 00:00:00'");
    expect(exprToSql(lit(1577836800123400, 'timestamp'))).toBe("TIMESTAMP '2020-01-01 00:00:00.1234'");
    expect(exprToSql(lit(-1, 'timestamp'))).toBe("TIMESTAMP '1969-12-31 23:59:59.999999'");
    expect(exprToSql(lit(18262, 'date'))).toBe("DATE '2020-01-01'");
    expect(exprToSql(lit(-1, 'date'))).toBe("DATE '1969-12-31'");
  });

  test('intervals in Spark ANSI form', () => {
    expect(exprToSql(iv(0, 0, 10_000_000))).toBe("INTERVAL '10' SECOND");
    expect(exprToSql(iv(0, 0, 5_000_000))).toBe("INTERVAL '05' SECOND");
    expect(exprToSql(iv(0, 0, 1_500_000))).toBe("INTERVAL '01.5' SECOND");
    expect(exprToSql(iv(0, 0, 1_800_000_000))).toBe("INTERVAL '30' MINUTE");
    expect(exprToSql(iv(0, 0, 3_600_000_000))).toBe("INTERVAL '01' HOUR");
    expect(exprToSql(iv(0, 0, 36 * 3_600_000_000))).toBe("INTERVAL '36' HOUR");
    expect(exprToSql(iv(0, 0, 5_400_000_000))).toBe("INTERVAL '01:30' HOUR TO MINUTE");
    expect(exprToSql(iv(0, 0, 90_500_000))).toBe("INTERVAL '01:30.5' MINUTE TO SECOND");
    expect(exprToSql(iv(0, 1, 7_384_000_000))).toBe("INTERVAL '1 02:03:04' DAY TO SECOND");
    expect(exprToSql(iv(0, 2, 0))).toBe("INTERVAL '2' DAY");
    expect(exprToSql(iv(0, 1, 3_600_000_000))).toBe("INTERVAL '1 01' DAY TO HOUR");
    expect(exprToSql(iv(0, 0, -3_600_000_000))).toBe("INTERVAL '-01' HOUR");
    expect(exprToSql(iv(0, -1, -60_000_000))).toBe("INTERVAL '-1 00:01' DAY TO MINUTE");
    expect(exprToSql(iv(0, 0, 0))).toBe("INTERVAL '00' SECOND");
    expect(exprToSql(iv(12, 0, 0))).toBe("INTERVAL '1' YEAR");
    expect(exprToSql(iv(3, 0, 0))).toBe("INTERVAL '3' MONTH");
    expect(exprToSql(iv(27, 0, 0))).toBe("INTERVAL '2-3' YEAR TO MONTH");
    expect(exprToSql(iv(-27, 0, 0))).toBe("INTERVAL '-2-3' YEAR TO MONTH");
    // No ANSI form: Spark's CalendarInterval literal.
    expect(exprToSql(iv(1, 2, 0))).toBe("INTERVAL '1 months 2 days'");
    expect(exprToSql(iv(0, 1, -3_600_000_000))).toBe("INTERVAL '1 days -1 hours'");
  });

  test('parsed expressions get Spark names', () => {
    const name = (s: string): string => exprToSql(parseExpression(s));
    expect(name('a + 1')).toBe('(a + 1)');
    expect(name('count(*)')).toBe('count(1)');
    expect(name("concat(a, 'x')")).toBe('concat(a, x)');
    expect(name('a != 1')).toBe('(NOT (a = 1))');
    expect(name('a BETWEEN 1 AND 2')).toBe('((a >= 1) AND (a <= 2))');
    expect(name('CAST(a AS long)')).toBe('CAST(a AS BIGINT)');
    expect(name("CASE WHEN a > 1 THEN 'x' END")).toBe('CASE WHEN (a > 1) THEN x END');
    expect(name('-1')).toBe('-1');
    expect(name('a * 1.5')).toBe('(a * 1.5)');
    expect(name('1L + 2')).toBe('(1 + 2)');
    expect(name('t - INTERVAL 30 minutes')).toBe("(t - INTERVAL '30' MINUTE)");
    expect(name("TIMESTAMP '2020-01-01 10:00:00'")).toBe("TIMESTAMP '2020-01-01 10:00:00'");
    expect(name('sum(amount) AS total')).toBe('sum(amount)');
    expect(name('a IS NOT NULL')).toBe('(a IS NOT NULL)');
  });
});

describe('exprToSqlString: re-parseable SQL', () => {
  test('quotes strings and odd identifiers, keeps literal types', () => {
    expect(exprToSqlString(call('concat', a, str("it's \\ ok")))).toBe("concat(a, 'it\\'s \\\\ ok')");
    expect(exprToSqlString(col('my col', 'x`y'))).toBe('`my col`.`x``y`');
    expect(exprToSqlString(col('end'))).toBe('`end`');
    expect(exprToSqlString(col('1a'))).toBe('`1a`');
    expect(exprToSqlString(lit(1, 'long'))).toBe('1L');
    expect(exprToSqlString(lit(2, 'double'))).toBe('2.0D');
    expect(exprToSqlString(lit(1.5, 'float'))).toBe('1.5F');
    expect(exprToSqlString(lit(Number.NaN, 'double'))).toBe("CAST('NaN' AS DOUBLE)");
    expect(exprToSqlString(lit(null, 'integer'))).toBe('CAST(NULL AS INT)');
    expect(exprToSqlString(alias(a, 'my alias'))).toBe('a AS `my alias`');
    expect(exprToSqlString(call('get_field', col('s'), str('a')))).toBe('(s).a');
    expect(exprToSqlString(call('get_item', col('m'), str('k')))).toBe("m['k']");
    expect(exprToSqlString(call('negative', int(1)))).toBe('(- (1))');
    expect(exprToSqlString(call('like', a, str('x%')))).toBe("(a LIKE 'x%')");
    expect(exprToSqlString({ kind: 'star', target: ['t'] })).toBe('t.*');
  });

  const roundTrip = (s: string): void => {
    const e = parseExpression(s);
    expect(parseExpression(exprToSqlString(e)), `${s} → ${exprToSqlString(e)}`).toEqual(e);
  };

  test('round trip of hand-picked expressions', () => {
    for (const s of [
      'a + 1',
      '-1',
      '-(1)',
      '- -1',
      '+(2)',
      'a - -1',
      '-2147483648',
      '2147483648',
      '1.5 * 2L / 3D % 4F',
      "'it''s' || \"a\\\\b\"",
      "r'\\d+'",
      'NOT a = 1 AND b OR c',
      'a IS NOT DISTINCT FROM b',
      'a IS TRUE',
      "a NOT LIKE 'x%' = true",
      "a RLIKE '^x'",
      "a ILIKE 'x'",
      'a NOT IN (1, 2, 3)',
      'a BETWEEN 1 AND 2',
      "CASE a WHEN 1 THEN 'one' ELSE NULL END",
      'CAST(a AS struct<x: int, `y z`: array<string>>)',
      'a::map<string, bigint>',
      'count(*) AS n',
      'count(DISTINCT a, b) `odd name`',
      'first(x IGNORE NULLS)',
      'f(x).a[0].b',
      '(a).b',
      '`a.b`.c',
      '`end` + `date` + `interval`',
      't.*',
      'current_date',
      "TIMESTAMP '2020-01-01 00:00:00.5'",
      "DATE '2020-02-29'",
      'INTERVAL 1 HOUR 30 MINUTES',
      "INTERVAL '1 2:3:4.5' DAY TO SECOND",
      "INTERVAL '1 month 2 days'",
      "INTERVAL '1 day -1 hours'",
      "INTERVAL '-2-3' YEAR TO MONTH",
      '(a, b)',
      'x.y AS z',
    ]) {
      roundTrip(s);
    }
  });

  test('round trip of generated expressions', () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        const sql = exprToSqlString(e);
        expect(parseExpression(sql), sql).toEqual(e);
      }),
      { numRuns: 400 },
    );
  });
});

// ---- generators of trees in the shapes the parser produces ----

const names = fc.constantFrom('a', 'b', 'x_1', 'Amount', 'end', 'date', 'interval', 'current_date', 'my col', 'x`y', '1a', '');
const castTypes: readonly DataType[] = [
  'integer',
  'long',
  'double',
  'string',
  'boolean',
  'timestamp',
  'date',
  { type: 'array', elementType: 'string', containsNull: true },
  { type: 'map', keyType: 'string', valueType: 'integer', valueContainsNull: true },
  { type: 'struct', fields: [{ name: 'f g', type: 'long', nullable: true, metadata: {} }] },
];

const literalArb: fc.Arbitrary<Expr> = fc.oneof(
  fc.integer().map((v) => lit(v, 'integer')),
  fc.maxSafeInteger().map((v) => lit(v, 'long')),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => lit(v, 'double')),
  fc.float({ noNaN: true, noDefaultInfinity: true }).map((v) => lit(v, 'float')),
  fc.string().map((v) => lit(v, 'string')),
  fc.boolean().map((v) => lit(v, 'boolean')),
  fc.constant(lit(null, 'null')),
  fc.integer({ min: -62_135_596_800, max: 253_402_300_799 }).chain((s) => fc.integer({ min: 0, max: 999_999 }).map((f) => lit(s * 1_000_000 + f, 'timestamp'))),
  fc.integer({ min: -719_162, max: 2_932_896 }).map((d) => lit(d, 'date')),
  fc
    .tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1e12, max: 1e12 }))
    .map(([m, d, us]) => lit({ months: m, days: d, micros: us }, 'interval')),
);

const leafArb: fc.Arbitrary<Expr> = fc.oneof(
  fc.array(names, { minLength: 1, maxLength: 3 }).map((parts): Expr => ({ kind: 'column', name: parts })),
  literalArb,
);

const { expr: exprArb } = fc.letrec<{ expr: Expr }>((tie) => {
  const e = tie('expr');
  const binary = fc.constantFrom('add', 'subtract', 'multiply', 'divide', 'div', 'mod', 'eq', 'eq_null_safe', 'lt', 'lte', 'gt', 'gte', 'and', 'or', 'like', 'rlike');
  const unary = fc.constantFrom('negative', 'positive', 'not', 'isnull', 'isnotnull');
  const fnNames = fc.constantFrom('f', 'coalesce', 'sum', 'count', 'concat', 'ilike', 'struct', 'date', 'if', 'not', 'in');
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leafArb,
      fc.tuple(binary, e, e).map(([n, x, y]) => call(n, x, y)),
      fc.tuple(unary, e).map(([n, x]) => call(n, x)),
      fc.tuple(e, fc.array(e, { minLength: 1, maxLength: 3 })).map(([x, xs]) => call('in', x, ...xs)),
      fc.tuple(fnNames, fc.array(e, { maxLength: 3 }), fc.boolean()).map(([n, args, distinct]): Expr =>
        distinct && args.length > 0 ? { kind: 'call', name: n, args, distinct: true } : { kind: 'call', name: n, args },
      ),
      fc.tuple(e, e).map(([x, i]) => call('get_item', x, i)),
      fc.tuple(e, names).map(([x, f]) => call('get_field', x, lit(f, 'string'))),
      fc.tuple(e, fc.constantFrom(...castTypes)).map(([x, to]): Expr => ({ kind: 'cast', child: x, to })),
      fc.tuple(fc.array(fc.tuple(e, e), { minLength: 1, maxLength: 2 }), fc.option(e, { nil: undefined })).map(([branches, otherwise]): Expr =>
        otherwise ? { kind: 'caseWhen', branches, otherwise } : { kind: 'caseWhen', branches },
      ),
    ),
  };
});
