import { describe, expect, test } from 'vitest';
import { alias, call, col, lit, type Expr } from '../../src/expr/ast.js';
import { parseExpression } from '../../src/expr/sql-parser.js';
import { RivuletError } from '../../src/errors.js';

const p = parseExpression;
const int = (v: number): Expr => lit(v, 'integer');
const str = (v: string): Expr => lit(v, 'string');

function errorOf(f: () => unknown): RivuletError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RivuletError);
    return e as RivuletError;
  }
  throw new Error('expected an error');
}

describe('names and stars', () => {
  test('plain, dotted and back-quoted identifiers', () => {
    expect(p('a')).toEqual(col('a'));
    expect(p('a.b.c')).toEqual(col('a', 'b', 'c'));
    expect(p('`a.b`.c')).toEqual(col('a.b', 'c'));
    expect(p('`x``y`')).toEqual(col('x`y'));
    expect(p('`my col`')).toEqual(col('my col'));
    expect(p('_x1')).toEqual(col('_x1'));
  });

  test('keywords are case-insensitive and identifiers keep their case', () => {
    expect(p('Amount is NULL')).toEqual(call('isnull', col('Amount')));
    expect(p('a AnD b')).toEqual(call('and', col('a'), col('b')));
  });

  test('* and t.*', () => {
    expect(p('*')).toEqual({ kind: 'star' });
    expect(p('t.*')).toEqual({ kind: 'star', target: ['t'] });
    expect(p('a.`b c`.*')).toEqual({ kind: 'star', target: ['a', 'b c'] });
  });

  test('words that are keywords elsewhere still name columns', () => {
    expect(p('interval + 1')).toEqual(call('add', col('interval'), int(1)));
    expect(p('date')).toEqual(col('date'));
    expect(p('cast')).toEqual(col('cast'));
  });
});

describe('numeric literals', () => {
  test('integers become INT, then BIGINT beyond 32 bits', () => {
    expect(p('1')).toEqual(int(1));
    expect(p('2147483647')).toEqual(int(2147483647));
    expect(p('2147483648')).toEqual(lit(2147483648, 'long'));
    expect(p('-2147483648')).toEqual(int(-2147483648));
    expect(p('-2147483649')).toEqual(lit(-2147483649, 'long'));
    expect(p('99999999999999999999')).toEqual(lit(1e20, 'double'));
  });

  test('the minus sign belongs to the number, as in Spark', () => {
    expect(p('-1')).toEqual(int(-1));
    expect(p('- 1')).toEqual(int(-1));
    expect(p('-0')).toEqual(int(0));
    expect(p('-(1)')).toEqual(call('negative', int(1)));
    expect(p('- -1')).toEqual(call('negative', int(-1)));
    expect(p('a-1')).toEqual(call('subtract', col('a'), int(1)));
    expect(p('a - -1')).toEqual(call('subtract', col('a'), int(-1)));
  });

  test('suffixes and decimals', () => {
    expect(p('1L')).toEqual(lit(1, 'long'));
    expect(p('7l')).toEqual(lit(7, 'long'));
    expect(p('1S')).toEqual(int(1));
    expect(p('1Y')).toEqual(int(1));
    expect(p('1.5')).toEqual(lit(1.5, 'double'));
    expect(p('1.')).toEqual(lit(1, 'double'));
    expect(p('.5')).toEqual(lit(0.5, 'double'));
    expect(p('1e3')).toEqual(lit(1000, 'double'));
    expect(p('1.5E-2')).toEqual(lit(0.015, 'double'));
    expect(p('1.5D')).toEqual(lit(1.5, 'double'));
    expect(p('2d')).toEqual(lit(2, 'double'));
    expect(p('1.25BD')).toEqual(lit(1.25, 'double'));
    expect(p('1.5F')).toEqual(lit(1.5, 'float'));
    expect(p('0.1f')).toEqual(lit(Math.fround(0.1), 'float'));
  });

  test('digits followed by letters form an identifier', () => {
    expect(p('1a')).toEqual(col('1a'));
    expect(p('2days')).toEqual(col('2days'));
  });

  test('out-of-range suffixed literals are errors', () => {
    const e = errorOf(() => p('128Y'));
    expect(e.errorClass).toBe('INVALID_NUMERIC_LITERAL_RANGE');
    expect(e.message).toBe(
      '[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal 128 does not fit in range [-128, 127] for type tinyint.(line 1, pos 0)\n\n== SQL ==\n128Y\n^^^\n',
    );
    expect(p('-128Y')).toEqual(int(-128));
    expect(errorOf(() => p('32768S')).errorClass).toBe('INVALID_NUMERIC_LITERAL_RANGE');
    expect(errorOf(() => p('9223372036854775808L')).errorClass).toBe('INVALID_NUMERIC_LITERAL_RANGE');
  });
});

describe('string and keyword literals', () => {
  test('single and double quotes, escapes, doubled quotes', () => {
    expect(p("'abc'")).toEqual(str('abc'));
    expect(p('"abc"')).toEqual(str('abc'));
    expect(p("'it''s'")).toEqual(str("it's"));
    expect(p("'it\\'s'")).toEqual(str("it's"));
    expect(p('"say \\"hi\\""')).toEqual(str('say "hi"'));
    expect(p("'a\\nb\\tc\\\\d'")).toEqual(str('a\nb\tc\\d'));
    expect(p("'\\u0041\\101'")).toEqual(str('AA'));
    expect(p("'50\\%'")).toEqual(str('50\\%'));
    expect(p("''")).toEqual(str(''));
  });

  test('adjacent strings concatenate and r-strings are raw', () => {
    expect(p("'a' 'b' \"c\"")).toEqual(str('abc'));
    expect(p("r'\\d+'")).toEqual(str('\\d+'));
  });

  test('true, false, null', () => {
    expect(p('true')).toEqual(lit(true, 'boolean'));
    expect(p('FALSE')).toEqual(lit(false, 'boolean'));
    expect(p('NULL')).toEqual(lit(null, 'null'));
  });

  test('TIMESTAMP and DATE literals (UTC)', () => {
    expect(p("TIMESTAMP '2020-01-01 00:00:00'")).toEqual(lit(1577836800000000, 'timestamp'));
    expect(p("timestamp '2020-01-01T00:00:01.5'")).toEqual(lit(1577836801500000, 'timestamp'));
    expect(p("TIMESTAMP '2020-01-01 00:00:00.123456'")).toEqual(lit(1577836800123456, 'timestamp'));
    expect(p("TIMESTAMP '2020-01-01 02:00:00+02:00'")).toEqual(lit(1577836800000000, 'timestamp'));
    expect(p("TIMESTAMP '2020-01-01'")).toEqual(lit(1577836800000000, 'timestamp'));
    expect(p("TIMESTAMP '1969-12-31 23:59:59.999999'")).toEqual(lit(-1, 'timestamp'));
    expect(p("DATE '2020-01-01'")).toEqual(lit(18262, 'date'));
    expect(p("DATE '1970-01-01'")).toEqual(lit(0, 'date'));
    expect(p("DATE '1969-12-31'")).toEqual(lit(-1, 'date'));
  });

  test('invalid typed literals', () => {
    const e = errorOf(() => p("DATE '2020-02-30'"));
    expect(e.errorClass).toBe('INVALID_TYPED_LITERAL');
    expect(e.message).toBe(
      `[INVALID_TYPED_LITERAL] The value of the typed literal "DATE" is invalid: '2020-02-30'.(line 1, pos 5)\n\n== SQL ==\nDATE '2020-02-30'\n-----^^^\n`,
    );
    expect(errorOf(() => p("TIMESTAMP 'soon'")).errorClass).toBe('INVALID_TYPED_LITERAL');
  });
});

describe('INTERVAL literals', () => {
  const iv = (months: number, days: number, micros: number): Expr => lit({ months, days, micros }, 'interval');
  test('every Spark form', () => {
    expect(p('INTERVAL 30 minutes')).toEqual(iv(0, 0, 1_800_000_000));
    expect(p("INTERVAL '10' SECOND")).toEqual(iv(0, 0, 10_000_000));
    expect(p("INTERVAL '1 2:3:4' DAY TO SECOND")).toEqual(iv(0, 1, 7_384_000_000));
    expect(p('INTERVAL 1 HOUR 30 MINUTES')).toEqual(iv(0, 0, 5_400_000_000));
    expect(p("INTERVAL '1 day 2 hours'")).toEqual(iv(0, 1, 7_200_000_000));
    expect(p("interval '2-3' year to month")).toEqual(iv(27, 0, 0));
    expect(p('INTERVAL -1 hour')).toEqual(iv(0, 0, -3_600_000_000));
    expect(p('INTERVAL 1.5 seconds')).toEqual(iv(0, 0, 1_500_000));
    expect(p('INTERVAL 2 weeks')).toEqual(iv(0, 14, 0));
  });

  test('in arithmetic', () => {
    expect(p('a.t >= b.t - INTERVAL 1 HOUR')).toEqual(call('gte', col('a', 't'), call('subtract', col('b', 't'), iv(0, 0, 3_600_000_000))));
    expect(p('INTERVAL 1 HOUR + 1')).toEqual(call('add', iv(0, 0, 3_600_000_000), int(1)));
    expect(p('t + INTERVAL 1 DAY AS later')).toEqual(alias(call('add', col('t'), iv(0, 1, 0)), 'later'));
  });

  test('a malformed interval string', () => {
    const e = errorOf(() => p("INTERVAL '1 2' DAY TO SECOND"));
    expect(e.errorClass).toBe('INVALID_INTERVAL_FORMAT');
    expect(e.message).toContain('(line 1, pos 0)');
  });
});

describe('operators', () => {
  const a = col('a');
  const b = col('b');
  const c = col('c');

  test('arithmetic precedence and associativity', () => {
    expect(p('a + b * c')).toEqual(call('add', a, call('multiply', b, c)));
    expect(p('(a + b) * c')).toEqual(call('multiply', call('add', a, b), c));
    expect(p('a - b - c')).toEqual(call('subtract', call('subtract', a, b), c));
    expect(p('a / b % c')).toEqual(call('mod', call('divide', a, b), c));
    expect(p('a DIV b')).toEqual(call('div', a, b));
    expect(p('-a * b')).toEqual(call('multiply', call('negative', a), b));
    expect(p('+a')).toEqual(call('positive', a));
    expect(p('a || b || c')).toEqual(call('concat', call('concat', a, b), c));
    expect(p('a || b + c')).toEqual(call('add', call('concat', a, b), c));
  });

  test('comparisons', () => {
    expect(p('a = 1')).toEqual(call('eq', a, int(1)));
    expect(p('a == 1')).toEqual(call('eq', a, int(1)));
    expect(p('a <> 1')).toEqual(call('not', call('eq', a, int(1))));
    expect(p('a != 1')).toEqual(call('not', call('eq', a, int(1))));
    expect(p('a < b')).toEqual(call('lt', a, b));
    expect(p('a <= b')).toEqual(call('lte', a, b));
    expect(p('a > b')).toEqual(call('gt', a, b));
    expect(p('a >= b')).toEqual(call('gte', a, b));
    expect(p('a <=> b')).toEqual(call('eq_null_safe', a, b));
    expect(p('a + 1 > b * 2')).toEqual(call('gt', call('add', a, int(1)), call('multiply', b, int(2))));
  });

  test('NOT, AND, OR with SQL precedence', () => {
    expect(p('a OR b AND c')).toEqual(call('or', a, call('and', b, c)));
    expect(p('NOT a = 1 AND b')).toEqual(call('and', call('not', call('eq', a, int(1))), b));
    expect(p('!a')).toEqual(call('not', a));
    expect(p('NOT NOT a')).toEqual(call('not', call('not', a)));
    expect(p('not(a)')).toEqual(call('not', a));
    expect(p('a = 1 OR b = 2 AND NOT c')).toEqual(call('or', call('eq', a, int(1)), call('and', call('eq', b, int(2)), call('not', c))));
  });

  test('IS predicates', () => {
    expect(p('a IS NULL')).toEqual(call('isnull', a));
    expect(p('a IS NOT NULL')).toEqual(call('isnotnull', a));
    expect(p('a IS TRUE')).toEqual(call('eq_null_safe', a, lit(true, 'boolean')));
    expect(p('a IS NOT FALSE')).toEqual(call('not', call('eq_null_safe', a, lit(false, 'boolean'))));
    expect(p('a IS DISTINCT FROM b')).toEqual(call('not', call('eq_null_safe', a, b)));
    expect(p('a IS NOT DISTINCT FROM b')).toEqual(call('eq_null_safe', a, b));
    expect(p('a + 1 IS NULL')).toEqual(call('isnull', call('add', a, int(1))));
    expect(p('a = 1 IS NULL')).toEqual(call('isnull', call('eq', a, int(1))));
  });

  test('IN, BETWEEN, LIKE and their negations', () => {
    expect(p('a IN (1, 2)')).toEqual(call('in', a, int(1), int(2)));
    expect(p('a NOT IN (1)')).toEqual(call('not', call('in', a, int(1))));
    expect(p('a BETWEEN 1 AND 2')).toEqual(call('and', call('gte', a, int(1)), call('lte', a, int(2))));
    expect(p('a NOT BETWEEN 1 AND b + 1')).toEqual(call('not', call('and', call('gte', a, int(1)), call('lte', a, call('add', b, int(1))))));
    expect(p('a BETWEEN 1 AND 2 AND b')).toEqual(call('and', call('and', call('gte', a, int(1)), call('lte', a, int(2))), b));
    expect(p("a LIKE 'x%'")).toEqual(call('like', a, str('x%')));
    expect(p("a NOT LIKE 'x%'")).toEqual(call('not', call('like', a, str('x%'))));
    expect(p("a ILIKE 'X%'")).toEqual(call('ilike', a, str('X%')));
    expect(p("a RLIKE '^x'")).toEqual(call('rlike', a, str('^x')));
    expect(p("a REGEXP '^x'")).toEqual(call('rlike', a, str('^x')));
    expect(p("a NOT RLIKE '^x'")).toEqual(call('not', call('rlike', a, str('^x'))));
  });
});

describe('CASE and CAST', () => {
  const a = col('a');
  test('searched and simple CASE', () => {
    expect(p('CASE WHEN a > 1 THEN 1 ELSE 0 END')).toEqual({
      kind: 'caseWhen',
      branches: [[call('gt', a, int(1)), int(1)]],
      otherwise: int(0),
    });
    expect(p("case a when 1 then 'one' when 2 then 'two' end")).toEqual({
      kind: 'caseWhen',
      branches: [
        [call('eq', a, int(1)), str('one')],
        [call('eq', a, int(2)), str('two')],
      ],
    });
  });

  test('CAST(x AS type) and x::type', () => {
    expect(p('CAST(a AS BIGINT)')).toEqual({ kind: 'cast', child: a, to: 'long' });
    expect(p('cast(a + 1 as string)')).toEqual({ kind: 'cast', child: call('add', a, int(1)), to: 'string' });
    expect(p('CAST(a AS array<string>)')).toEqual({ kind: 'cast', child: a, to: { type: 'array', elementType: 'string', containsNull: true } });
    expect(p('CAST(a AS map<string, int>)')).toEqual({
      kind: 'cast',
      child: a,
      to: { type: 'map', keyType: 'string', valueType: 'integer', valueContainsNull: true },
    });
    expect(p('CAST(a AS decimal(10, 2))')).toEqual({ kind: 'cast', child: a, to: 'double' });
    expect(p('a::int')).toEqual({ kind: 'cast', child: a, to: 'integer' });
    expect(p('a::decimal(10,2) + 1')).toEqual(call('add', { kind: 'cast', child: a, to: 'double' }, int(1)));
    expect(p('a::array<array<int>>')).toEqual({
      kind: 'cast',
      child: a,
      to: { type: 'array', elementType: { type: 'array', elementType: 'integer', containsNull: true }, containsNull: true },
    });
    expect(p('a::interval day to second')).toEqual({ kind: 'cast', child: a, to: 'interval' });
  });

  test('unknown and malformed types', () => {
    const e = errorOf(() => p('CAST(a AS foo)'));
    expect(e.errorClass).toBe('UNSUPPORTED_DATATYPE');
    expect(e.message).toBe('[UNSUPPORTED_DATATYPE] Unsupported data type "FOO".(line 1, pos 10)\n\n== SQL ==\nCAST(a AS foo)\n----------^^^\n');
    const m = errorOf(() => p('CAST(a AS array<int)'));
    expect(m.errorClass).toBe('PARSE_SYNTAX_ERROR');
    expect(m.message).toBe(
      "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: missing '>'.(line 1, pos 19)\n\n== SQL ==\nCAST(a AS array<int)\n-------------------^^^\n",
    );
  });
});

describe('function calls', () => {
  test('names are lower-cased; unknown functions still parse', () => {
    expect(p('UPPER(a)')).toEqual(call('upper', col('a')));
    expect(p('coalesce(a, b, 0)')).toEqual(call('coalesce', col('a'), col('b'), int(0)));
    expect(p('no_such_fn(a)')).toEqual(call('no_such_fn', col('a')));
    expect(p('rand()')).toEqual(call('rand'));
    expect(p('`My Fn`(1)')).toEqual(call('my fn', int(1)));
  });

  test('count(*), DISTINCT and ALL', () => {
    expect(p('count(*)')).toEqual(call('count', int(1)));
    expect(p('COUNT(1)')).toEqual(call('count', int(1)));
    expect(p('count(DISTINCT a, b)')).toEqual({ kind: 'call', name: 'count', args: [col('a'), col('b')], distinct: true });
    expect(p('sum(ALL a)')).toEqual(call('sum', col('a')));
    expect(p('f(*)')).toEqual(call('f', { kind: 'star' }));
  });

  test('current_date / current_timestamp without parentheses', () => {
    expect(p('current_timestamp')).toEqual(call('current_timestamp'));
    expect(p('CURRENT_DATE()')).toEqual(call('current_date'));
  });

  test('FIRST(x IGNORE NULLS)', () => {
    expect(p('first(x IGNORE NULLS)')).toEqual(call('first', col('x'), lit(true, 'boolean')));
    expect(p('last(x RESPECT NULLS)')).toEqual(call('last', col('x')));
  });

  test('nested calls and boolean arguments', () => {
    expect(p("if(a > 1 AND b, 'x', 'y')")).toEqual(call('if', call('and', call('gt', col('a'), int(1)), col('b')), str('x'), str('y')));
    expect(p('window(event_time, "10 minutes")')).toEqual(call('window', col('event_time'), str('10 minutes')));
  });
});

describe('subscripts and field access', () => {
  test('a[0], m[k], f(x).a, chains', () => {
    expect(p('a[0]')).toEqual(call('get_item', col('a'), int(0)));
    expect(p("m['k']")).toEqual(call('get_item', col('m'), str('k')));
    expect(p('f(x).a')).toEqual(call('get_field', call('f', col('x')), str('a')));
    expect(p('a.b[1].c')).toEqual(call('get_field', call('get_item', col('a', 'b'), int(1)), str('c')));
    expect(p('(a).b')).toEqual(call('get_field', col('a'), str('b')));
    expect(p('f(x).`odd name`')).toEqual(call('get_field', call('f', col('x')), str('odd name')));
    expect(p('a[i + 1]')).toEqual(call('get_item', col('a'), call('add', col('i'), int(1))));
  });

  test('(a, b) is a struct', () => {
    expect(p('(a, b)')).toEqual(call('struct', col('a'), col('b')));
  });
});

describe('aliases', () => {
  test('AS, implicit and back-quoted', () => {
    expect(p('a + 1 AS b')).toEqual(alias(call('add', col('a'), int(1)), 'b'));
    expect(p('a b')).toEqual(alias(col('a'), 'b'));
    expect(p('count(*) cnt')).toEqual(alias(call('count', int(1)), 'cnt'));
    expect(p('a AS `weird name`')).toEqual(alias(col('a'), 'weird name'));
    expect(p('a `x``y`')).toEqual(alias(col('a'), 'x`y'));
    expect(p('amount * 2 AS doubled')).toEqual(alias(call('multiply', col('amount'), int(2)), 'doubled'));
  });

  test('comments are skipped', () => {
    expect(p('a /* the a */ + 1 -- and one')).toEqual(call('add', col('a'), int(1)));
    expect(p('a +\n-- comment\n1')).toEqual(call('add', col('a'), int(1)));
  });
});

describe('syntax errors', () => {
  test('end of input, with Spark position and caret', () => {
    const e = errorOf(() => p('a +'));
    expect(e.errorClass).toBe('PARSE_SYNTAX_ERROR');
    expect(e.message).toBe('[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.(line 1, pos 3)\n\n== SQL ==\na +\n---^^^\n');
  });

  test('trailing garbage', () => {
    expect(errorOf(() => p('a b c')).message).toBe(
      "[PARSE_SYNTAX_ERROR] Syntax error at or near 'c': extra input 'c'.(line 1, pos 4)\n\n== SQL ==\na b c\n----^^^\n",
    );
    expect(errorOf(() => p('a, b')).message).toContain("Syntax error at or near ',': extra input ','.(line 1, pos 1)");
    expect(errorOf(() => p('a IS NULL IS NULL')).message).toContain("Syntax error at or near 'IS': extra input 'IS'.(line 1, pos 10)");
  });

  test('missing tokens', () => {
    expect(errorOf(() => p('(a')).message).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: missing ')'.(line 1, pos 2)\n\n== SQL ==\n(a\n--^^^\n");
    expect(errorOf(() => p('f(a, b')).message).toContain("Syntax error at or near end of input: missing ')'.(line 1, pos 6)");
    expect(errorOf(() => p('CASE WHEN a THEN 1')).message).toContain("Syntax error at or near end of input: missing 'END'.(line 1, pos 18)");
    expect(errorOf(() => p('CASE END')).message).toContain("Syntax error at or near 'END'.(line 1, pos 5)");
    expect(errorOf(() => p('CAST(a BIGINT)')).message).toContain("Syntax error at or near 'BIGINT'.(line 1, pos 7)");
  });

  test('bad tokens', () => {
    expect(errorOf(() => p('a $ b')).message).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near '$'.(line 1, pos 2)\n\n== SQL ==\na $ b\n--^^^\n");
    expect(errorOf(() => p("'abc")).message).toContain("Syntax error at or near ''abc': unclosed string literal.(line 1, pos 0)");
    expect(errorOf(() => p('`abc')).message).toContain("unclosed back-quoted identifier.(line 1, pos 0)");
    expect(errorOf(() => p('a IS 5')).message).toContain("Syntax error at or near '5'.(line 1, pos 5)");
    expect(errorOf(() => p('a = AND b')).message).toContain("Syntax error at or near 'AND'.(line 1, pos 4)");
    expect(errorOf(() => p('a = NOT b')).message).toContain("Syntax error at or near 'NOT'.(line 1, pos 4)");
  });

  test('positions on later lines', () => {
    expect(errorOf(() => p('a +\n  )')).message).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near ')'.(line 2, pos 2)\n\n== SQL ==\na +\n  )\n--^^^\n");
    expect(errorOf(() => p('a\n+ b\n+ )\n-- end')).message).toBe(
      "[PARSE_SYNTAX_ERROR] Syntax error at or near ')'.(line 3, pos 2)\n\n== SQL ==\na\n+ b\n+ )\n--^^^\n-- end\n",
    );
  });

  test('empty input', () => {
    for (const s of ['', '   ', '-- nothing']) {
      const e = errorOf(() => p(s));
      expect(e.errorClass).toBe('PARSE_EMPTY_STATEMENT');
      expect(e.message).toBe('[PARSE_EMPTY_STATEMENT] Syntax error, unexpected empty statement.');
    }
  });
});
