/**
 * Errors raised on purpose: RivuletError with Spark's error classes, raised where the query is
 * written (analysis is eager), with messages that name the offending column or expression.
 */
import { describe, expect, it } from 'vitest';
import { F, RivuletError, Session, isRivuletError } from '../../src/index.js';

const spark = Session.builder().appName('api-errors').getOrCreate();

function errorOf(fn: () => unknown): RivuletError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RivuletError) return e;
    throw e;
  }
  throw new Error('expected a RivuletError');
}

async function errorOfAsync(fn: () => Promise<unknown>): Promise<RivuletError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof RivuletError) return e;
    throw e;
  }
  throw new Error('expected a RivuletError');
}

const people = () =>
  spark.createDataFrame(
    [
      { id: 1, name: 'alice', age: 34, dept: 'eng' },
      { id: 2, name: 'bob', age: null, dept: 'ops' },
    ],
    'id INT NOT NULL, name STRING, age INT, dept STRING',
  );

describe('unresolved columns', () => {
  it('select of an unknown column: UNRESOLVED_COLUMN.WITH_SUGGESTION, closest name first', () => {
    const e = errorOf(() => people().select('agee'));
    expect(e).toBeInstanceOf(RivuletError);
    expect(isRivuletError(e)).toBe(true);
    expect(e.errorClass).toBe('UNRESOLVED_COLUMN.WITH_SUGGESTION');
    expect(e.message.startsWith('[UNRESOLVED_COLUMN.WITH_SUGGESTION] ')).toBe(true);
    expect(e.message).toContain('A column, variable, or function parameter with name `agee` cannot be resolved.');
    expect(e.message).toContain('Did you mean one of the following? [`age`');
    for (const c of ['`id`', '`name`', '`dept`']) expect(e.message).toContain(c);
    expect(e.messageParameters.objectName).toBe('`agee`');
  });

  it('is raised eagerly by every transformation that names a column', () => {
    const df = people();
    const cases: [string, () => unknown][] = [
      ['select(Column)', () => df.select(F.col('nmae'))],
      ['filter(Column)', () => df.filter(F.col('nmae').eq('x'))],
      ['filter(SQL)', () => df.filter("nmae = 'x'")],
      ['selectExpr', () => df.selectExpr('upper(nmae)')],
      ['withColumn', () => df.withColumn('x', F.col('nmae'))],
      ['orderBy', () => df.orderBy('nmae')],
      ['groupBy', () => df.groupBy('nmae').count()],
      ['agg', () => df.groupBy('dept').agg(F.sum('nmae'))],
      ['join condition', () => df.alias('a').join(df.alias('b'), F.col('a.nmae').eq(F.col('b.id')))],
    ];
    for (const [name, fn] of cases) {
      const e = errorOf(fn);
      expect(e.errorClass, name).toBe('UNRESOLVED_COLUMN.WITH_SUGGESTION');
      expect(e.message, name).toContain('`nmae`');
      expect(e.message, name).toContain('Did you mean one of the following?');
    }
  });

  it('an unknown struct field is FIELD_NOT_FOUND', () => {
    const df = spark.createDataFrame([{ s: { a: 1, b: 'x' } }], 's STRUCT<a: INT, b: STRING>');
    const e = errorOf(() => df.select('s.zz'));
    expect(e.errorClass).toBe('FIELD_NOT_FOUND');
    expect(e.message).toContain('`zz`');
  });

  it("'x.*' on a non-struct column cannot be expanded", () => {
    expect(errorOf(() => people().select('name.*')).errorClass).toBe('CANNOT_RESOLVE_STAR_EXPAND');
  });

  it('dropDuplicates on an unknown column names it and the available ones', () => {
    const e = errorOf(() => people().dropDuplicates(['nope']));
    expect(e.errorClass).toBe('UNRESOLVED_COLUMN_AMONG_FIELD_NAMES');
    expect(e.message).toContain('Cannot resolve column name "nope" among (id, name, age, dept)');
  });
});

describe('functions and types', () => {
  it('an unknown function is UNRESOLVED_ROUTINE', () => {
    const e = errorOf(() => people().select(F.expr('nosuchfn(name)')));
    expect(e.errorClass).toBe('UNRESOLVED_ROUTINE');
    expect(e.message).toContain('`nosuchfn`');
    expect(errorOf(() => people().selectExpr('nosuchfn(1)')).errorClass).toBe('UNRESOLVED_ROUTINE');
  });

  it('a wrong argument count is WRONG_NUM_ARGS', () => {
    const e = errorOf(() => people().select(F.expr('upper(name, name)')));
    expect(e.errorClass.startsWith('WRONG_NUM_ARGS')).toBe(true);
    expect(e.message).toContain('upper');
  });

  it('string + array is a DATATYPE_MISMATCH naming the expression', () => {
    const df = spark.createDataFrame([{ s: 'a', arr: [1] }], 's STRING, arr ARRAY<INT>');
    const e = errorOf(() => df.select(F.col('s').plus(F.col('arr'))));
    expect(e.errorClass.startsWith('DATATYPE_MISMATCH')).toBe(true);
    expect(e.message).toContain('"(s + arr)"');
  });

  it('a filter on a non-boolean expression is DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN', () => {
    const e = errorOf(() => people().filter(F.col('id')));
    expect(e.errorClass).toBe('DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN');
    expect(e.message).toContain('Filter expression "id" of type "INT" is not a boolean');
    expect(errorOf(() => people().where('age + 1')).errorClass).toBe('DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN');
  });

  it('an impossible cast is a DATATYPE_MISMATCH', () => {
    const df = spark.createDataFrame([{ arr: [1] }], 'arr ARRAY<INT>');
    const e = errorOf(() => df.select(F.col('arr').cast('int')));
    expect(e.errorClass).toBe('DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION');
    expect(e.message).toContain('"ARRAY<INT>"');
    expect(e.message).toContain('"INT"');
  });

  it('a non-boolean WHEN condition is rejected', () => {
    expect(errorOf(() => people().select(F.when(F.col('id'), 1))).errorClass.startsWith('DATATYPE_MISMATCH')).toBe(true);
  });

  it('a malformed SQL expression is PARSE_SYNTAX_ERROR, raised by F.expr itself', () => {
    expect(errorOf(() => F.expr('a +')).errorClass).toBe('PARSE_SYNTAX_ERROR');
    expect(errorOf(() => people().filter('age >')).errorClass).toBe('PARSE_SYNTAX_ERROR');
  });

  it('withWatermark needs a timestamp column and a non-negative delay', () => {
    const e = errorOf(() => people().withWatermark('name', '10 seconds'));
    expect(e.errorClass).toBe('EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE');
    expect(e.message).toContain('`name`');
    const df = spark.createDataFrame([{ t: new Date(0) }], 't TIMESTAMP');
    expect(errorOf(() => df.withWatermark('t', '-1 seconds')).message).toContain('delay threshold (-1 seconds) should not be negative.');
  });
});

describe('batch actions on streaming DataFrames', () => {
  const stream = () => spark.memoryStream('a INT').toDF();

  it('collect / count / toArray / show reject and say to use writeStream.start()', async () => {
    const df = stream().filter(F.col('a').gt(1));
    expect(df.isStreaming).toBe(true);
    for (const action of [() => df.collect(), () => df.count(), () => df.toArray(), () => df.show(), () => df.first()]) {
      const e = await errorOfAsync(action);
      expect(e.errorClass).toBe('_LEGACY_ERROR_TEMP_3102');
      expect(e.message).toContain('Queries with streaming sources must be executed with writeStream.start()');
    }
    expect(errorOf(() => df.showString()).errorClass).toBe('_LEGACY_ERROR_TEMP_3102');
  });

  it('a join of a batch and a streaming DataFrame is streaming and cannot be collected', async () => {
    const joined = spark.createDataFrame([{ a: 1 }], 'a INT').join(stream(), 'a');
    expect(joined.isStreaming).toBe(true);
    expect((await errorOfAsync(() => joined.collect())).errorClass).toBe('_LEGACY_ERROR_TEMP_3102');
  });

  it('writeStream on a batch DataFrame is WRITE_STREAM_NOT_ALLOWED', () => {
    const e = errorOf(() => people().writeStream);
    expect(e.errorClass).toBe('WRITE_STREAM_NOT_ALLOWED');
    expect(e.message).toContain('`writeStream` can be called only on streaming Dataset/DataFrame');
  });
});
