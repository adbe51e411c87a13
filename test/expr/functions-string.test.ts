import { describe, expect, test } from 'vitest';
import { javaFormat, javaRegex, javaSplit, md5Hex, stringFunctions } from '../../src/expr/functions/string.js';
import { T } from '../../src/types/t.js';
import { byName, col, errorOf, evalFn, lit, resolveFn } from './functions-harness.js';

const fn = byName(stringFunctions);
const s = (v: string | null) => col('string', v);
const i = (v: number | null) => col('integer', v);

describe('upper / lower / initcap', () => {
  test('case mapping', () => {
    expect(evalFn(fn('upper'), [s('straße')])).toBe('STRASSE');
    expect(evalFn(fn('lower'), [s('ÀBC')])).toBe('àbc');
    expect(evalFn(fn('upper'), [s(null)])).toBeNull();
    expect(evalFn(fn('initcap'), [s('sPark sql  rocks')])).toBe('Spark Sql  Rocks');
    expect(evalFn(fn('initcap'), [s('hello-world foo_bar')])).toBe('Hello-world Foo_bar');
  });

  test('non-strings are implicitly cast to string', () => {
    expect(resolveFn(fn('upper'), [col('integer', 1)]).argTypes).toEqual(['string']);
    expect(evalFn(fn('upper'), [col('boolean', true)])).toBe('TRUE');
    expect(evalFn(fn('upper'), [col('double', 1.5)])).toBe('1.5');
    const e = errorOf(() => resolveFn(fn('upper'), [col(T.array(T.int()), [1])]));
    expect(e.message).toContain('The first parameter requires the "STRING" type, however "c0" has the type "ARRAY<INT>"');
  });
});

describe('length', () => {
  test('counts code points; binary counts bytes', () => {
    expect(evalFn(fn('length'), [s('héllo')])).toBe(5);
    expect(evalFn(fn('length'), [s('a😀b')])).toBe(3);
    expect(evalFn(fn('length'), [s('')])).toBe(0);
    expect(evalFn(fn('length'), [col('binary', new Uint8Array([1, 2, 3]))])).toBe(3);
    expect(resolveFn(fn('length'), [s('x')]).dataType).toBe('integer');
    expect(evalFn(fn('length'), [col('integer', 12345)])).toBe(5);
  });
});

describe('concat / concat_ws', () => {
  test('concat is null if any input is null', () => {
    expect(evalFn(fn('concat'), [s('a'), s('b'), s('c')])).toBe('abc');
    expect(evalFn(fn('concat'), [s('a'), s(null)])).toBeNull();
    expect(evalFn(fn('concat'), [s('a'), col('integer', 1), col('date', 0)])).toBe('a11970-01-01');
    expect(evalFn(fn('concat'), [])).toBe('');
  });

  test('concat of arrays and of binaries', () => {
    const r = resolveFn(fn('concat'), [col(T.array(T.int()), [1]), col(T.array(T.long()), [2])]);
    expect(r.dataType).toEqual(T.array(T.long()));
    expect(evalFn(fn('concat'), [col(T.array(T.int()), [1, null]), col(T.array(T.int()), [3])])).toEqual([1, null, 3]);
    expect(evalFn(fn('concat'), [col('binary', new Uint8Array([1])), col('binary', new Uint8Array([2, 3]))])).toEqual(new Uint8Array([1, 2, 3]));
  });

  test('concat_ws skips nulls and flattens arrays', () => {
    expect(evalFn(fn('concat_ws'), [s(','), s('a'), s(null), s('b')])).toBe('a,b');
    expect(evalFn(fn('concat_ws'), [s('-'), col(T.array(T.string()), ['x', null, 'y']), s('z')])).toBe('x-y-z');
    expect(evalFn(fn('concat_ws'), [s(null), s('a')])).toBeNull();
    expect(evalFn(fn('concat_ws'), [s(',')])).toBe('');
    expect(evalFn(fn('concat_ws'), [s('/'), col('integer', 1), col(T.array(T.int()), [2, 3])])).toBe('1/2/3');
    expect(resolveFn(fn('concat_ws'), [lit('string', ','), s('a')]).nullable).toBe(false);
  });
});

describe('substring', () => {
  test.each([
    ['Spark SQL', 5, undefined, 'k SQL'],
    ['Spark SQL', -3, undefined, 'SQL'],
    ['Spark SQL', 5, 1, 'k'],
    ['Spark SQL', 0, 2, 'Sp'],
    ['Spark SQL', 1, 2, 'Sp'],
    ['Spark SQL', -10, 3, 'Sp'], ['Spark SQL', -100, 102, 'Spark SQL'],
    ['Spark SQL', 20, 2, ''],
    ['Spark SQL', 2, -1, ''],
    ['Spark SQL', 2, 0, ''],
    ['a😀bc', 2, 2, '😀b'],
  ])('substring(%j, %i, %j) = %j', (str, pos, len, expected) => {
    const args = len === undefined ? [s(str), i(pos)] : [s(str), i(pos), i(len)];
    expect(evalFn(fn('substring'), args)).toBe(expected);
  });

  test('binary and nulls', () => {
    expect(evalFn(fn('substring'), [col('binary', new Uint8Array([1, 2, 3, 4])), i(2), i(2)])).toEqual(new Uint8Array([2, 3]));
    expect(evalFn(fn('substring'), [s(null), i(1)])).toBeNull();
    expect(evalFn(fn('substring'), [s('abc'), i(null)])).toBeNull();
    expect(fn('substring').sql!(['s', '2'])).toBe('substring(s, 2, 2147483647)');
  });

  test('left / right', () => {
    expect(evalFn(fn('left'), [s('Spark'), i(3)])).toBe('Spa');
    expect(evalFn(fn('right'), [s('Spark'), i(3)])).toBe('ark');
    expect(evalFn(fn('right'), [s('Spark'), i(0)])).toBe('');
    expect(evalFn(fn('right'), [s('Spark'), i(10)])).toBe('Spark');
  });
});

describe('trim', () => {
  test('without a trim string only spaces go', () => {
    expect(evalFn(fn('trim'), [s('  a b \t')])).toBe('a b \t');
    expect(evalFn(fn('ltrim'), [s('  a  ')])).toBe('a  ');
    expect(evalFn(fn('rtrim'), [s('  a  ')])).toBe('  a');
  });

  test('trim(trimStr, str) removes any of the characters', () => {
    expect(evalFn(fn('trim'), [s('xy'), s('yxSparkxy')])).toBe('Spark');
    expect(evalFn(fn('ltrim'), [s('xy'), s('yxSparkxy')])).toBe('Sparkxy');
    expect(evalFn(fn('rtrim'), [s('xy'), s('yxSparkxy')])).toBe('yxSpark');
    expect(evalFn(fn('btrim'), [s('yxSparkxy'), s('xy')])).toBe('Spark');
    expect(fn('trim').sql!(['xy', 's'])).toBe('TRIM(BOTH xy FROM s)');
    expect(fn('ltrim').sql!(['xy', 's'])).toBe('TRIM(LEADING xy FROM s)');
    expect(fn('trim').sql!(['s'])).toBe('trim(s)');
  });
});

describe('split', () => {
  test.each([
    ['a,b,,c,,', ',', -1, ['a', 'b', '', 'c', '', '']],
    ['a,b,,c,,', ',', 0, ['a', 'b', '', 'c', '', '']],
    ['a,b,c', ',', 2, ['a', 'b,c']],
    ['a,b,c', ',', 1, ['a,b,c']],
    [',a', ',', -1, ['', 'a']],
    ['abc', 'x', -1, ['abc']],
    ['', ',', -1, ['']],
    ['oneAtwoBthreeC', '[ABC]', -1, ['one', 'two', 'three', '']],
    ['oneAtwoBthreeC', '[ABC]', 2, ['one', 'twoBthreeC']],
    ['abc', '', -1, ['a', 'b', 'c']],
    ['abc', '', 2, ['a', 'bc']],
    ['a1b22c', '\\d+', -1, ['a', 'b', 'c']],
    ['a.b', '.', -1, ['', '', '', '']],
    ['a.b', '\\.', -1, ['a', 'b']],
  ])('split(%j, %j, %i)', (str, pat, limit, expected) => {
    expect(evalFn(fn('split'), [s(str), lit('string', pat), i(limit)])).toEqual(expected);
  });

  test('type, default limit, per-row patterns', () => {
    expect(resolveFn(fn('split'), [s('a'), lit('string', ',')]).dataType).toEqual({ type: 'array', elementType: 'string', containsNull: false });
    expect(evalFn(fn('split'), [s('a b'), s(' ')])).toEqual(['a', 'b']);
    expect(fn('split').sql!(['s', ','])).toBe('split(s, ,, -1)');
  });

  test('Java split semantics directly', () => {
    expect(javaSplit('boo:and:foo', javaRegex('o', 'split'), -1)).toEqual(['b', '', ':and:f', '', '']);
    expect(javaSplit('boo:and:foo', javaRegex('o', 'split'), 2)).toEqual(['b', 'o:and:foo']);
    expect(javaSplit('ab', javaRegex('x*', 'split'), -1)).toEqual(['a', 'b', '']);
  });
});

describe('regexp_replace / regexp_extract', () => {
  test('replace all matches with Java replacement syntax', () => {
    expect(evalFn(fn('regexp_replace'), [s('100-200'), lit('string', '(\\d+)'), lit('string', 'num')])).toBe('num-num');
    expect(evalFn(fn('regexp_replace'), [s('100-200'), lit('string', '(\\d+)-(\\d+)'), lit('string', '$2-$1')])).toBe('200-100');
    expect(evalFn(fn('regexp_replace'), [s('a.b'), lit('string', '\\.'), lit('string', '\\$')])).toBe('a$b');
    expect(evalFn(fn('regexp_replace'), [s('ab'), lit('string', '(?<x>a)'), lit('string', '[${x}]')])).toBe('[a]b');
    expect(evalFn(fn('regexp_replace'), [s('abc'), lit('string', 'x*'), lit('string', '-')])).toBe('-a-b-c-');
    expect(evalFn(fn('regexp_replace'), [s('ABC'), lit('string', '(?i)b'), lit('string', 'x')])).toBe('AxC');
    expect(evalFn(fn('regexp_replace'), [s('a+b'), lit('string', '\\Q+\\E'), lit('string', '-')])).toBe('a-b');
    expect(evalFn(fn('regexp_replace'), [s(null), lit('string', 'a'), lit('string', 'b')])).toBeNull();
  });

  test('position', () => {
    expect(evalFn(fn('regexp_replace'), [s('aaa'), lit('string', 'a'), lit('string', 'b'), i(2)])).toBe('abb');
    expect(evalFn(fn('regexp_replace'), [s('aaa'), lit('string', '^a'), lit('string', 'b'), i(2)])).toBe('aba');
    expect(evalFn(fn('regexp_replace'), [s('aaa'), lit('string', 'a'), lit('string', 'b'), i(9)])).toBe('aaa');
    expect(errorOf(() => resolveFn(fn('regexp_replace'), [s('a'), s('a'), s('b'), lit('integer', 0)])).message).toContain('must be positive');
    expect(fn('regexp_replace').sql!(['s', 'p', 'r'])).toBe('regexp_replace(s, p, r, 1)');
  });

  test('invalid patterns and group references', () => {
    const e = errorOf(() => evalFn(fn('regexp_replace'), [s('a'), lit('string', '(a'), lit('string', 'b')]));
    expect(e.errorClass).toBe('INVALID_PARAMETER_VALUE.PATTERN');
    expect(e.message).toContain('`regexp_replace`');
    expect(errorOf(() => evalFn(fn('regexp_replace'), [s('a'), lit('string', 'a'), lit('string', '$2')])).message).toContain('No group 2');
  });

  test('regexp_extract', () => {
    expect(evalFn(fn('regexp_extract'), [s('100-200'), lit('string', '(\\d+)-(\\d+)'), i(2)])).toBe('200');
    expect(evalFn(fn('regexp_extract'), [s('100-200'), lit('string', '(\\d+)-(\\d+)')])).toBe('100');
    expect(evalFn(fn('regexp_extract'), [s('100-200'), lit('string', '(\\d+)-(\\d+)'), i(0)])).toBe('100-200');
    expect(evalFn(fn('regexp_extract'), [s('abc'), lit('string', '(\\d+)'), i(1)])).toBe('');
    expect(evalFn(fn('regexp_extract'), [s('ac'), lit('string', 'a(b)?c'), i(1)])).toBe('');
    const e = errorOf(() => evalFn(fn('regexp_extract'), [s('ab'), lit('string', '(a)b'), i(2)]));
    expect(e.errorClass).toBe('INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX');
    expect(e.message).toContain('Expects group index between 0 and 1, but got 2');
  });

  test('POSIX classes and Java escapes', () => {
    expect(javaRegex('\\p{Alpha}+', 'x').exec('12abc3')![0]).toBe('abc');
    expect(javaRegex('[\\p{Digit}x]+', 'x').exec('ab1x2')![0]).toBe('1x2');
    expect(javaRegex('a\\,b', 'x').test('a,b')).toBe(true);
    expect(javaRegex('a++b', 'x').exec('xaaab')![0]).toBe('aaab');
    expect(javaRegex('a{2}+b?+', 'x').exec('xaab')![0]).toBe('aab');
    expect(javaRegex('a+?', 'x').exec('aaa')![0]).toBe('a');
    expect(javaRegex('\\Aab\\z', 'x').test('ab')).toBe(true);
  });
});

describe('replace / translate / substring_index', () => {
  test('replace', () => {
    expect(evalFn(fn('replace'), [s('ABCabc'), s('abc'), s('DEF')])).toBe('ABCDEF');
    expect(evalFn(fn('replace'), [s('ABCabc'), s('abc')])).toBe('ABC');
    expect(evalFn(fn('replace'), [s('abc'), s('')])).toBe('abc');
    expect(evalFn(fn('replace'), [s('aaa'), s('aa'), s('b')])).toBe('ba');
  });

  test('translate', () => {
    expect(evalFn(fn('translate'), [s('AaBbCc'), s('abc'), s('123')])).toBe('A1B2C3');
    expect(evalFn(fn('translate'), [s('AaBbCc'), s('abc'), s('1')])).toBe('A1BC');
  });

  test('substring_index', () => {
    expect(evalFn(fn('substring_index'), [s('www.apache.org'), s('.'), i(2)])).toBe('www.apache');
    expect(evalFn(fn('substring_index'), [s('www.apache.org'), s('.'), i(-2)])).toBe('apache.org');
    expect(evalFn(fn('substring_index'), [s('www.apache.org'), s('.'), i(5)])).toBe('www.apache.org');
    expect(evalFn(fn('substring_index'), [s('www.apache.org'), s('.'), i(0)])).toBe('');
  });
});

describe('lpad / rpad / repeat / reverse', () => {
  test.each([
    ['lpad', 'hi', 5, '??', '???hi'],
    ['lpad', 'hi', 1, '??', 'h'],
    ['lpad', 'hi', 5, '', 'hi'],
    ['lpad', 'hi', -1, '?', ''],
    ['lpad', 'hi', 4, 'xyz', 'xyhi'],
    ['rpad', 'hi', 5, '??', 'hi???'],
    ['rpad', 'hi', 1, '??', 'h'],
  ])('%s(%j, %i, %j) = %j', (name, str, len, padStr, expected) => {
    expect(evalFn(fn(name), [s(str), i(len), s(padStr)])).toBe(expected);
  });

  test('default pad is a space', () => {
    expect(evalFn(fn('lpad'), [s('hi'), i(4)])).toBe('  hi');
    expect(fn('lpad').sql!(['s', '4'])).toBe('lpad(s, 4,  )');
  });

  test('repeat and reverse', () => {
    expect(evalFn(fn('repeat'), [s('ab'), i(3)])).toBe('ababab');
    expect(evalFn(fn('repeat'), [s('ab'), i(-1)])).toBe('');
    expect(evalFn(fn('reverse'), [s('a😀b')])).toBe('b😀a');
    expect(evalFn(fn('reverse'), [col(T.array(T.int()), [1, 2, 3])])).toEqual([3, 2, 1]);
    expect(resolveFn(fn('reverse'), [col(T.array(T.int()), [])]).dataType).toEqual(T.array(T.int()));
  });
});

describe('instr / locate', () => {
  test('1-based code point positions, 0 when absent', () => {
    expect(evalFn(fn('instr'), [s('SparkSQL'), s('SQL')])).toBe(6);
    expect(evalFn(fn('instr'), [s('😀SQL'), s('SQL')])).toBe(2);
    expect(evalFn(fn('instr'), [s('abc'), s('x')])).toBe(0);
    expect(evalFn(fn('instr'), [s('abc'), s('')])).toBe(1);
  });

  test('locate with a start position', () => {
    expect(evalFn(fn('locate'), [s('bar'), s('foobarbar')])).toBe(4);
    expect(evalFn(fn('locate'), [s('bar'), s('foobarbar'), i(5)])).toBe(7);
    expect(evalFn(fn('locate'), [s('bar'), s('foobarbar'), i(0)])).toBe(0);
    expect(evalFn(fn('locate'), [s('bar'), s('foobarbar'), i(null)])).toBe(0);
    expect(evalFn(fn('locate'), [s(null), s('foobarbar')])).toBeNull();
    expect(fn('locate').sql!(['a', 'b'])).toBe('locate(a, b, 1)');
  });
});

describe('startswith / endswith / contains', () => {
  test('strings and binaries', () => {
    expect(evalFn(fn('startswith'), [s('Spark'), s('Sp')])).toBe(true);
    expect(evalFn(fn('startswith'), [s('Spark'), s('')])).toBe(true);
    expect(evalFn(fn('endswith'), [s('Spark'), s('rk')])).toBe(true);
    expect(evalFn(fn('contains'), [s('Spark'), s('par')])).toBe(true);
    expect(evalFn(fn('contains'), [s('Spark'), s('x')])).toBe(false);
    expect(evalFn(fn('contains'), [s('Spark'), s(null)])).toBeNull();
    const b = (...xs: number[]) => col('binary', new Uint8Array(xs));
    expect(evalFn(fn('startswith'), [b(1, 2, 3), b(1, 2)])).toBe(true);
    expect(evalFn(fn('endswith'), [b(1, 2, 3), b(3)])).toBe(true);
    expect(evalFn(fn('contains'), [b(1, 2, 3), b(2, 4)])).toBe(false);
  });
});

describe('format_string', () => {
  test.each([
    ['Hello %s', ['World'], ['string'], 'Hello World'],
    ['%d items', [3], ['integer'], '3 items'],
    ['%5d|%-5d|%05d', [42, 42, 42], ['integer', 'integer', 'integer'], '   42|42   |00042'],
    ['%,d', [1234567], ['long'], '1,234,567'],
    ['%+d %(d', [5, -5], ['integer', 'integer'], '+5 (5)'],
    ['%x %X %o', [255, 255, 8], ['integer', 'integer', 'integer'], 'ff FF 10'],
    ['%x', [-1], ['integer'], 'ffffffff'],
    ['%.2f', [3.14159], ['double'], '3.14'],
    ['%.2f', [1.005], ['double'], '1.01'],
    ['%f', [1.5], ['double'], '1.500000'],
    ['%8.3f|', [-1.5], ['double'], '  -1.500|'],
    ['%e', [12345.678], ['double'], '1.234568e+04'],
    ['%.3g', [0.0001234], ['double'], '0.000123'],
    ['%s %s', [1.0, null], ['double', 'string'], '1.0 null'],
    ['%2$s %1$s', ['a', 'b'], ['string', 'string'], 'b a'],
    ['%s %<s', ['a'], ['string'], 'a a'],
    ['100%%%n', [], [], '100%\n'],
    ['%b %B', [null, true], ['string', 'boolean'], 'false TRUE'],
    ['%.2s', ['abc'], ['string'], 'ab'],
  ])('format(%j)', (fmt, values, types, expected) => {
    expect(javaFormat(fmt, values, types as never)).toBe(expected);
  });

  test('errors and nulls', () => {
    expect(errorOf(() => javaFormat('%d', ['x'], ['string'])).errorClass).toBe('INVALID_PARAMETER_VALUE');
    expect(errorOf(() => javaFormat('%s %s', ['x'], ['string'])).message).toContain("Format specifier '%s' has no argument");
    expect(evalFn(fn('format_string'), [s('%s-%d'), s(null), i(2)])).toBe('null-2');
    expect(evalFn(fn('format_string'), [s(null), i(2)])).toBeNull();
  });
});

describe('encodings', () => {
  test('md5, base64, unbase64, ascii', () => {
    expect(md5Hex(new TextEncoder().encode(''))).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(evalFn(fn('md5'), [s('Spark')])).toBe('8cde774d6f7333752ed72cacddb05126');
    expect(evalFn(fn('md5'), [s('The quick brown fox jumps over the lazy dog')])).toBe('9e107d9d372bb6826bd81d3542a419d6');
    expect(evalFn(fn('base64'), [s('Spark SQL')])).toBe('U3BhcmsgU1FM');
    expect(evalFn(fn('unbase64'), [s('U3BhcmsgU1FM')])).toEqual(new TextEncoder().encode('Spark SQL'));
    expect(evalFn(fn('ascii'), [s('222')])).toBe(50);
    expect(evalFn(fn('ascii'), [s('')])).toBe(0);
  });
});
