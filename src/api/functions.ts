/**
 * `F`: PySpark's `pyspark.sql.functions` in camelCase. Each function builds one expression
 * node; string arguments in column positions are column names, as in PySpark.
 */
import type { Expr } from '../expr/ast.js';
import { parseExpression } from '../expr/sql-parser.js';
import { toDDL } from '../types/ddl.js';
import { isStruct, type DataType, type StructType } from '../types/data-types.js';
import { Column, columnExpr, valueExpr, type ColumnLike, type ColumnOrValue } from './column.js';
import { toLiteral } from './literals.js';

function call(name: string, ...args: Expr[]): Column {
  return new Column({ kind: 'call', name, args });
}
function cols(cs: readonly ColumnLike[]): Expr[] {
  return cs.map(columnExpr);
}
function lit(v: unknown): Expr {
  return toLiteral(v);
}
function fn1(name: string) {
  return (c: ColumnLike): Column => call(name, columnExpr(c));
}
function fnN(name: string) {
  return (...cs: ColumnLike[]): Column => call(name, ...cols(cs));
}

export type JsonParseMode = 'PERMISSIVE' | 'DROPMALFORMED' | 'FAILFAST';

export const F = {
  col: (name: string): Column => new Column(columnExpr(name)),
  column: (name: string): Column => new Column(columnExpr(name)),
  lit: (v: ColumnOrValue): Column => (v instanceof Column ? v : new Column(lit(v))),
  /** A Spark SQL expression string: `F.expr("amount * 2 AS doubled")`. */
  expr: (sql: string): Column => new Column(parseExpression(sql)),

  // aggregates
  count: (c: ColumnLike): Column => (c === '*' ? call('count', lit(1)) : call('count', columnExpr(c))),
  sum: fn1('sum'),
  avg: fn1('avg'),
  mean: fn1('avg'),
  min: fn1('min'),
  max: fn1('max'),
  countDistinct: (...cs: ColumnLike[]): Column => new Column({ kind: 'call', name: 'count', args: cols(cs), distinct: true }),
  count_distinct: (...cs: ColumnLike[]): Column => new Column({ kind: 'call', name: 'count', args: cols(cs), distinct: true }),
  sumDistinct: (c: ColumnLike): Column => new Column({ kind: 'call', name: 'sum', args: [columnExpr(c)], distinct: true }),
  approxCountDistinct: (c: ColumnLike, rsd?: number): Column =>
    rsd === undefined ? call('approx_count_distinct', columnExpr(c)) : call('approx_count_distinct', columnExpr(c), lit(rsd)),
  first: (c: ColumnLike, ignoreNulls = false): Column => (ignoreNulls ? call('first', columnExpr(c), lit(true)) : call('first', columnExpr(c))),
  last: (c: ColumnLike, ignoreNulls = false): Column => (ignoreNulls ? call('last', columnExpr(c), lit(true)) : call('last', columnExpr(c))),
  collectList: fn1('collect_list'),
  collectSet: fn1('collect_set'),
  stddev: fn1('stddev'),
  stddevPop: fn1('stddev_pop'),
  variance: fn1('variance'),
  varPop: fn1('var_pop'),

  // windows
  window: (timeColumn: ColumnLike, windowDuration: string, slideDuration?: string | null, startTime?: string): Column => {
    const args: Expr[] = [columnExpr(timeColumn), lit(windowDuration)];
    if (slideDuration || startTime) args.push(lit(slideDuration ?? windowDuration));
    if (startTime) args.push(lit(startTime));
    return call('window', ...args);
  },
  sessionWindow: (timeColumn: ColumnLike, gapDuration: string | Column): Column =>
    call('session_window', columnExpr(timeColumn), gapDuration instanceof Column ? gapDuration.expr : lit(gapDuration)),
  windowTime: fn1('window_time'),

  // conditionals and nulls
  when: (condition: Column, value: ColumnOrValue): Column =>
    new Column({ kind: 'caseWhen', branches: [[condition.expr, valueExpr(value)]] }),
  coalesce: fnN('coalesce'),
  isnull: fn1('isnull'),
  isnotnull: fn1('isnotnull'),
  nvl: (a: ColumnLike, b: ColumnLike): Column => call('nvl', columnExpr(a), columnExpr(b)),
  nullif: (a: ColumnLike, b: ColumnLike): Column => call('nullif', columnExpr(a), columnExpr(b)),
  greatest: fnN('greatest'),
  least: fnN('least'),
  not: (c: ColumnLike): Column => call('not', columnExpr(c)),

  // math
  abs: fn1('abs'),
  round: (c: ColumnLike, scale = 0): Column => call('round', columnExpr(c), lit(scale)),
  bround: (c: ColumnLike, scale = 0): Column => call('bround', columnExpr(c), lit(scale)),
  floor: fn1('floor'),
  ceil: fn1('ceil'),
  sqrt: fn1('sqrt'),
  exp: fn1('exp'),
  log: fn1('log'),
  log10: fn1('log10'),
  pow: (a: ColumnLike | number, b: ColumnLike | number): Column =>
    call('pow', typeof a === 'number' ? lit(a) : columnExpr(a), typeof b === 'number' ? lit(b) : columnExpr(b)),
  signum: fn1('signum'),
  pmod: (a: ColumnLike, b: ColumnOrValue): Column => call('pmod', columnExpr(a), valueExpr(b)),
  // Spark picks an unseeded rand()'s seed when the column is made, so every action agrees.
  rand: (seed?: number): Column => call('rand', lit(seed ?? Math.floor(Math.random() * 2 ** 31))),

  // strings
  upper: fn1('upper'),
  lower: fn1('lower'),
  length: fn1('length'),
  trim: fn1('trim'),
  ltrim: fn1('ltrim'),
  rtrim: fn1('rtrim'),
  reverse: fn1('reverse'),
  initcap: fn1('initcap'),
  concat: fnN('concat'),
  concatWs: (sep: string, ...cs: ColumnLike[]): Column => call('concat_ws', lit(sep), ...cols(cs)),
  substring: (c: ColumnLike, pos: number, len: number): Column => call('substring', columnExpr(c), lit(pos), lit(len)),
  split: (c: ColumnLike, pattern: string, limit = -1): Column => call('split', columnExpr(c), lit(pattern), lit(limit)),
  regexpReplace: (c: ColumnLike, pattern: string, replacement: string): Column =>
    call('regexp_replace', columnExpr(c), lit(pattern), lit(replacement)),
  regexpExtract: (c: ColumnLike, pattern: string, idx: number): Column => call('regexp_extract', columnExpr(c), lit(pattern), lit(idx)),
  lpad: (c: ColumnLike, len: number, pad: string): Column => call('lpad', columnExpr(c), lit(len), lit(pad)),
  rpad: (c: ColumnLike, len: number, pad: string): Column => call('rpad', columnExpr(c), lit(len), lit(pad)),
  instr: (c: ColumnLike, substr: string): Column => call('instr', columnExpr(c), lit(substr)),
  repeat: (c: ColumnLike, n: number): Column => call('repeat', columnExpr(c), lit(n)),

  // date and time
  currentTimestamp: (): Column => call('current_timestamp'),
  currentDate: (): Column => call('current_date'),
  toTimestamp: (c: ColumnLike, format?: string): Column =>
    format === undefined ? call('to_timestamp', columnExpr(c)) : call('to_timestamp', columnExpr(c), lit(format)),
  toDate: (c: ColumnLike, format?: string): Column =>
    format === undefined ? call('to_date', columnExpr(c)) : call('to_date', columnExpr(c), lit(format)),
  timestampSeconds: fn1('timestamp_seconds'),
  timestampMillis: fn1('timestamp_millis'),
  unixTimestamp: (c?: ColumnLike, format?: string): Column =>
    c === undefined
      ? call('unix_timestamp')
      : format === undefined
        ? call('unix_timestamp', columnExpr(c))
        : call('unix_timestamp', columnExpr(c), lit(format)),
  fromUnixtime: (c: ColumnLike, format?: string): Column =>
    format === undefined ? call('from_unixtime', columnExpr(c)) : call('from_unixtime', columnExpr(c), lit(format)),
  dateFormat: (c: ColumnLike, format: string): Column => call('date_format', columnExpr(c), lit(format)),
  year: fn1('year'),
  month: fn1('month'),
  dayofmonth: fn1('dayofmonth'),
  dayofweek: fn1('dayofweek'),
  hour: fn1('hour'),
  minute: fn1('minute'),
  second: fn1('second'),
  dateAdd: (c: ColumnLike, days: number): Column => call('date_add', columnExpr(c), lit(days)),
  dateSub: (c: ColumnLike, days: number): Column => call('date_sub', columnExpr(c), lit(days)),
  datediff: (end: ColumnLike, start: ColumnLike): Column => call('datediff', columnExpr(end), columnExpr(start)),
  dateTrunc: (format: string, c: ColumnLike): Column => call('date_trunc', lit(format), columnExpr(c)),

  // JSON and collections
  fromJson: (c: ColumnLike, schema: StructType | DataType | string, options?: { mode?: JsonParseMode }): Column => {
    const ddl = typeof schema === 'string' ? schema : isStruct(schema) ? toDDL(schema) : JSON.stringify(schema);
    const args: Expr[] = [columnExpr(c), lit(ddl)];
    if (options?.mode) args.push(lit(options.mode));
    return call('from_json', ...args);
  },
  toJson: fn1('to_json'),
  getJsonObject: (c: ColumnLike, path: string): Column => call('get_json_object', columnExpr(c), lit(path)),
  array: fnN('array'),
  struct: (...cs: ColumnLike[]): Column => call('struct', ...cols(cs)),
  size: fn1('size'),
  arrayContains: (c: ColumnLike, value: ColumnOrValue): Column => call('array_contains', columnExpr(c), valueExpr(value)),
  elementAt: (c: ColumnLike, key: ColumnOrValue): Column => call('element_at', columnExpr(c), valueExpr(key)),
  explode: fn1('explode'),
  explodeOuter: fn1('explode_outer'),
  posexplode: fn1('posexplode'),

  // sorting
  asc: (name: string): Column => F.col(name).asc(),
  desc: (name: string): Column => F.col(name).desc(),
  ascNullsFirst: (name: string): Column => F.col(name).ascNullsFirst(),
  ascNullsLast: (name: string): Column => F.col(name).ascNullsLast(),
  descNullsFirst: (name: string): Column => F.col(name).descNullsFirst(),
  descNullsLast: (name: string): Column => F.col(name).descNullsLast(),
} as const;
