import { describe, expect, test } from 'vitest';
import { getJsonObject, jsonFunctions, jsonParser, parseJsonPath, parseJsonSchema, readJson } from '../../src/expr/functions/json.js';
import type { Expr } from '../../src/expr/ast.js';
import type { DataType } from '../../src/types/data-types.js';
import { T } from '../../src/types/t.js';
import { byName, col, errorOf, evalFn, lit, resolveFn, utc, day } from './functions-harness.js';

const fn = byName(jsonFunctions);
const j = (v: string | null) => col('string', v);
const fromJson = (json: string | null, schema: string, options?: unknown, timeZone?: string): unknown =>
  evalFn(
    fn('from_json'),
    options === undefined ? [j(json), lit('string', schema)] : [j(json), lit('string', schema), lit(T.map(T.string(), T.string()), options)],
    timeZone ? { timeZone } : {},
  );

describe('from_json: schemas', () => {
  test('DDL, type names and JSON schemas', () => {
    expect(parseJsonSchema('a INT, b STRING')).toEqual(T.struct([T.field('a', T.int()), T.field('b', T.string())]));
    expect(parseJsonSchema('array<int>')).toEqual(T.array(T.int()));
    expect(parseJsonSchema('map<string, double>')).toEqual(T.map(T.string(), T.double()));
    expect(parseJsonSchema('STRUCT<a: INT>')).toEqual(T.struct([T.field('a', T.int())]));
    expect(parseJsonSchema('{"type":"struct","fields":[{"name":"a","type":"long","nullable":false,"metadata":{}}]}')).toEqual(
      T.struct([T.field('a', T.long(), false)]),
    );
  });

  test('the result type is the nullable schema', () => {
    const r = resolveFn(fn('from_json'), [j('{}'), lit('string', 'a INT NOT NULL, s STRUCT<x: INT NOT NULL>')]);
    expect(r.dataType).toEqual(T.struct([T.field('a', T.int()), T.field('s', T.struct([T.field('x', T.int())]))]));
    expect(r.nullable).toBe(true);
  });

  test('invalid schemas', () => {
    expect(errorOf(() => resolveFn(fn('from_json'), [j('{}'), lit('string', 'a INTEGRAL')])).errorClass).toBe('UNSUPPORTED_DATATYPE');
    expect(errorOf(() => resolveFn(fn('from_json'), [j('{}'), col('string', 'a INT')])).errorClass).toBe('INVALID_SCHEMA.NON_STRING_LITERAL');
    expect(errorOf(() => resolveFn(fn('from_json'), [j('{}'), lit('string', 'int')])).message).toContain('must be a struct, an array, a map');
    expect(errorOf(() => resolveFn(fn('from_json'), [j('{}'), lit('string', 'map<int, int>')])).message).toContain('can only contain "STRING" as a key type');
    expect(errorOf(() => resolveFn(fn('from_json'), [j('{}'), lit('string', '{"type":')])).errorClass).toBe('INVALID_SCHEMA.PARSE_ERROR');
  });
});

describe('from_json: values', () => {
  test('structs by field name, missing fields are null, extra fields ignored', () => {
    expect(fromJson('{"a": 1, "b": "x", "c": true}', 'a INT, b STRING, d DOUBLE')).toEqual([1, 'x', null]);
    expect(fromJson('{"b": null}', 'a INT, b STRING')).toEqual([null, null]);
    expect(fromJson(null, 'a INT')).toBeNull();
    expect(fromJson('', 'a INT')).toBeNull();
    expect(fromJson('   ', 'a INT')).toBeNull();
  });

  test('numbers', () => {
    expect(fromJson('{"a": 2147483647, "b": 9007199254740991, "c": 1.5, "d": 2}', 'a INT, b BIGINT, c DOUBLE, d DOUBLE')).toEqual([2147483647, 9007199254740991, 1.5, 2]);
    expect(fromJson('{"a": 2147483648}', 'a INT')).toEqual([null]);
    expect(fromJson('{"a": 1.5}', 'a INT')).toEqual([null]);
    expect(fromJson('{"a": "1"}', 'a INT')).toEqual([null]);
    expect(fromJson('{"a": NaN, "b": "Infinity", "c": -Infinity}', 'a DOUBLE, b DOUBLE, c DOUBLE')).toEqual([NaN, Infinity, -Infinity]);
    expect(fromJson('{"a": 1e3}', 'a FLOAT')).toEqual([1000]);
  });

  test('strings keep the text of non-string values', () => {
    expect(fromJson('{"a": 1.50, "b": {"x": [1, 2]}, "c": true}', 'a STRING, b STRING, c STRING')).toEqual(['1.50', '{"x": [1, 2]}', 'true']);
  });

  test('booleans, timestamps, dates, binary', () => {
    expect(fromJson('{"a": true, "b": "true"}', 'a BOOLEAN, b BOOLEAN')).toEqual([true, null]);
    expect(fromJson('{"t": "2020-01-01T10:00:00.123Z", "d": "2020-01-02"}', 't TIMESTAMP, d DATE')).toEqual([utc(2020, 1, 1, 10, 0, 0, 123000), day(2020, 1, 2)]);
    expect(fromJson('{"t": "2020-01-01 10:00:00"}', 't TIMESTAMP', undefined, '+02:00')).toEqual([utc(2020, 1, 1, 8)]);
    expect(fromJson('{"t": 1}', 't TIMESTAMP')).toEqual([1_000_000]);
    expect(fromJson('{"t": "soon"}', 't TIMESTAMP')).toEqual([null]);
    expect(fromJson('{"b": "AQID"}', 'b BINARY')).toEqual([new Uint8Array([1, 2, 3])]);
  });

  test('custom timestamp and date formats', () => {
    const opts = new Map([['timestampFormat', 'dd/MM/yyyy HH:mm'], ['dateFormat', 'dd.MM.yyyy']]);
    expect(fromJson('{"t": "02/01/2020 10:30", "d": "03.01.2020"}', 't TIMESTAMP, d DATE', opts)).toEqual([utc(2020, 1, 2, 10, 30), day(2020, 1, 3)]);
    expect(fromJson('{"t": "2020-01-02T10:30:00"}', 't TIMESTAMP', opts)).toEqual([null]);
  });

  test('nested structs, arrays and maps', () => {
    const schema = 's STRUCT<x: INT, y: ARRAY<STRING>>, m MAP<STRING, INT>, a ARRAY<STRUCT<k: STRING>>';
    expect(fromJson('{"s": {"x": 1, "y": ["a", null]}, "m": {"p": 1, "q": null}, "a": [{"k": "v"}, null]}', schema)).toEqual([
      [1, ['a', null]],
      new Map<string, unknown>([['p', 1], ['q', null]]),
      [['v'], null],
    ]);
    // A wrong type deep inside makes the enclosing top-level field null.
    expect(fromJson('{"s": {"x": "bad"}, "m": {"p": 2}}', schema)).toEqual([[null, null], new Map([['p', 2]]), null]);
    expect(fromJson('{"s": {"x": 1, "y": [1, 2]}}', schema)).toEqual([[1, ['1', '2']], null, null]);
    expect(fromJson('{"m": [1]}', schema)).toEqual([null, null, null]);
  });

  test('array and map schemas at the top', () => {
    expect(fromJson('[1, 2, null]', 'array<int>')).toEqual([1, 2, null]);
    expect(fromJson('{"a": 1}', 'map<string, int>')).toEqual(new Map([['a', 1]]));
    expect(fromJson('[{"a": 1}, {"a": 2}]', 'array<struct<a: int>>')).toEqual([[1], [2]]);
    expect(fromJson('{"a": 1}', 'array<struct<a: int>>')).toEqual([[1]]);
    expect(fromJson('{"a": 1}', 'array<int>')).toBeNull();
    expect(fromJson('[1, "x"]', 'array<int>')).toBeNull();
  });

  test('Jackson leniency: single quotes and trailing text', () => {
    expect(fromJson("{'a': 'x'}", 'a STRING')).toEqual(['x']);
    expect(fromJson('{"a": 1} trailing', 'a INT')).toEqual([1]);
    expect(fromJson('{"a": 01}', 'a INT')).toEqual([null]);
  });
});

describe('from_json: modes', () => {
  test('PERMISSIVE: malformed JSON is a struct of nulls', () => {
    expect(fromJson('{"a": 1', 'a INT, b STRING')).toEqual([null, null]);
    expect(fromJson('not json', 'a INT')).toEqual([null]);
    expect(fromJson('[1]', 'a INT')).toEqual([null]);
    expect(fromJson('1', 'a INT')).toEqual([null]);
    expect(fromJson('[1', 'array<int>')).toBeNull();
  });

  test('the corrupt record column', () => {
    const schema = 'a INT, _corrupt_record STRING';
    expect(fromJson('{"a": 1', schema)).toEqual([null, '{"a": 1']);
    expect(fromJson('{"a": "x"}', schema)).toEqual([null, '{"a": "x"}']);
    expect(fromJson('{"a": 1}', schema)).toEqual([1, null]);
    expect(fromJson('{"a": 1', 'a INT, bad STRING', new Map([['columnNameOfCorruptRecord', 'bad']]))).toEqual([null, '{"a": 1']);
  });

  test('FAILFAST raises MALFORMED_RECORD_IN_PARSING quoting the record', () => {
    const opts = new Map([['mode', 'FAILFAST']]);
    expect(fromJson('{"a": 1}', 'a INT', opts)).toEqual([1]);
    const e = errorOf(() => fromJson('{"a": 1', 'a INT', opts));
    expect(e.errorClass).toBe('MALFORMED_RECORD_IN_PARSING');
    expect(e.message).toBe(
      `[MALFORMED_RECORD_IN_PARSING] Malformed records are detected in record parsing: {"a": 1. Parse Mode: FAILFAST. To process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'.`,
    );
    expect(errorOf(() => fromJson('{"a": "x"}', 'a INT', opts)).errorClass).toBe('MALFORMED_RECORD_IN_PARSING');
  });

  test('DROPMALFORMED is rejected as in Spark; unknown modes mean PERMISSIVE', () => {
    const e = errorOf(() => resolveFn(fn('from_json'), [j('{}'), lit('string', 'a INT'), lit(T.map(T.string(), T.string()), new Map([['mode', 'DROPMALFORMED']]))]));
    expect(e.errorClass).toBe('PARSE_MODE_UNSUPPORTED');
    expect(e.message).toContain("The function `from_json` doesn't support the DROPMALFORMED mode. Acceptable modes are PERMISSIVE and FAILFAST.");
    expect(fromJson('{"a": 1', 'a INT', new Map([['mode', 'whatever']]))).toEqual([null]);
  });

  test('options as a mode string, a plain object, or a map(...) call', () => {
    expect(errorOf(() => evalFn(fn('from_json'), [j('x'), lit('string', 'a INT'), lit('string', 'FAILFAST')])).errorClass).toBe('MALFORMED_RECORD_IN_PARSING');
    expect(errorOf(() => fromJson('x', 'a INT', { MODE: 'failfast' })).errorClass).toBe('MALFORMED_RECORD_IN_PARSING');
    const mapCall: Expr = {
      kind: 'call',
      name: 'map',
      args: [
        { kind: 'literal', value: 'mode', dataType: 'string' },
        { kind: 'literal', value: 'FAILFAST', dataType: 'string' },
      ],
    };
    const options = { type: T.map(T.string(), T.string()) as DataType, value: new Map([['mode', 'FAILFAST']]), literal: false, expr: mapCall };
    expect(errorOf(() => evalFn(fn('from_json'), [j('x'), lit('string', 'a INT'), options])).errorClass).toBe('MALFORMED_RECORD_IN_PARSING');
    expect(fn('from_json').nullIntolerant).not.toBe(false);
    expect(fn('from_json').sql!(['value', 'a INT'])).toBe('from_json(value)');
  });

  test('parsers can be built directly', () => {
    const p = jsonParser(T.struct([T.field('a', T.int())]), new Map(), 'UTC');
    expect(p('{"a": 5}')).toEqual([5]);
  });
});

describe('to_json', () => {
  const struct = T.struct([T.field('a', T.int()), T.field('b', T.string()), T.field('t', T.timestamp())]);

  test('structs omit null fields', () => {
    expect(evalFn(fn('to_json'), [col(struct, [1, 'x', utc(2020, 1, 1)])])).toBe('{"a":1,"b":"x","t":"2020-01-01T00:00:00.000Z"}');
    expect(evalFn(fn('to_json'), [col(struct, [null, 'x', null])])).toBe('{"b":"x"}');
    expect(evalFn(fn('to_json'), [col(struct, [null, null, null])])).toBe('{}');
    expect(evalFn(fn('to_json'), [col(struct, null)])).toBeNull();
  });

  test('timestamps in the session time zone, with milliseconds', () => {
    expect(evalFn(fn('to_json'), [col(struct, [1, 'x', utc(2020, 1, 1, 10, 0, 0, 123456)])], { timeZone: '+02:00' })).toBe(
      '{"a":1,"b":"x","t":"2020-01-01T12:00:00.123+02:00"}',
    );
  });

  test('numbers, strings and nesting', () => {
    const t = T.struct([
      T.field('d', T.double()),
      T.field('n', T.double()),
      T.field('s', T.string()),
      T.field('arr', T.array(T.int())),
      T.field('m', T.map(T.string(), T.int())),
      T.field('date', T.date()),
      T.field('bin', T.binary()),
      T.field('f', T.float()),
      T.field('bool', T.boolean()),
    ]);
    const v = [1, NaN, 'q"\n\u0001', [1, null], new Map<string, unknown>([['k', null]]), day(2020, 3, 4), new Uint8Array([1, 2, 3]), 1.1, false];
    expect(evalFn(fn('to_json'), [col(t, v)])).toBe(
      '{"d":1.0,"n":"NaN","s":"q\\"\\n\\u0001","arr":[1,null],"m":{"k":null},"date":"2020-03-04","bin":"AQID","f":1.1,"bool":false}',
    );
  });

  test('arrays and maps at the top', () => {
    expect(evalFn(fn('to_json'), [col(T.array(T.struct([T.field('a', T.int())])), [[1], [null]])])).toBe('[{"a":1},{}]');
    expect(evalFn(fn('to_json'), [col(T.map(T.int(), T.string()), new Map([[1, 'a']]))])).toBe('{"1":"a"}');
    expect(errorOf(() => resolveFn(fn('to_json'), [col('integer', 1)])).errorClass).toBe('DATATYPE_MISMATCH');
  });

  test('options', () => {
    const opts = lit(T.map(T.string(), T.string()), new Map([['timestampFormat', 'yyyy/MM/dd'], ['ignoreNullFields', 'false']]));
    expect(evalFn(fn('to_json'), [col(struct, [null, 'x', utc(2020, 1, 1)]), opts])).toBe('{"a":null,"b":"x","t":"2020/01/01"}');
    expect(fn('to_json').sql!(['s'])).toBe('to_json(s)');
  });
});

describe('get_json_object', () => {
  const doc = '{"store":{"fruit":[{"weight":8,"type":"apple"},{"weight":9,"type":"pear"}],"basket":[[1,2,{"b":"y","a":"x"}],[3,4],[5,6]],"book":[{"author":"Nigel Rees","price":8.95}],"bicycle":{"price":19.95,"color":"red"}},"email":"a@b.c","owner":"amy","zip code":"94025","n":null}';

  test.each([
    ['$.owner', 'amy'],
    ['$.store.bicycle', '{"price":19.95,"color":"red"}'],
    ['$.store.bicycle.price', '19.95'],
    ["$['zip code']", '94025'],
    ['$.store.fruit[0]', '{"weight":8,"type":"apple"}'],
    ['$.store.fruit[1].type', 'pear'],
    ['$.store.fruit[*].weight', '[8,9]'],
    ['$.store.fruit[*].type', '["apple","pear"]'],
    // One match of a wildcard is written without the array, but still quoted (Hive).
    ['$.store.book[*].author', '"Nigel Rees"'],
    ['$.store.basket[0][1]', '2'],
    ['$.store.basket[*]', '[[1,2,{"b":"y","a":"x"}],[3,4],[5,6]]'],
    ['$.store.basket[*][0]', '[1,3,5]'],
    ['$.store.basket[0][*]', '[1,2,{"b":"y","a":"x"}]'],
    ['$.store.basket[*][*]', '[1,2,{"b":"y","a":"x"},3,4,5,6]'],
    ['$.store.basket[0][2].b', 'y'],
    ['$', doc.replace(/ /g, ' ')],
  ])('%s', (path, expected) => {
    expect(evalFn(fn('get_json_object'), [j(doc), lit('string', path)])).toBe(expected);
  });

  test.each([['$.missing'], ['$.store.fruit[5]'], ['$.n'], ['$.owner.x'], ['owner'], ['$..owner'], ['$.store.fruit[-1]']])('%s is null', (path) => {
    expect(getJsonObject(doc, parseJsonPath(path))).toBeNull();
  });

  test('invalid JSON and nulls', () => {
    expect(evalFn(fn('get_json_object'), [j('{"a": '), lit('string', '$.a')])).toBeNull();
    expect(evalFn(fn('get_json_object'), [j(null), lit('string', '$.a')])).toBeNull();
    expect(evalFn(fn('get_json_object'), [j('{"a":1}'), col('string', '$.a')])).toBe('1');
    expect(evalFn(fn('get_json_object'), [j('{"a":[1,null]}'), lit('string', '$.a')])).toBe('[1,null]');
    expect(evalFn(fn('get_json_object'), [j('{"a":1.50E2}'), lit('string', '$.a')])).toBe('150.0');
    expect(evalFn(fn('get_json_object'), [j('{"a":"\\u00e9\\n"}'), lit('string', '$.a')])).toBe('é\n');
  });
});

describe('readJson', () => {
  test('rejects what Jackson rejects', () => {
    const strict = { singleQuotes: false, nonNumeric: false, unquotedControlChars: false };
    for (const bad of ['{"a":1,}', '[1,]', '{a:1}', "{'a':1}", '"\\x"', '01', '-', 'NaN', '{"a"}', '"a\tb"']) {
      expect(() => readJson(bad, strict), bad).toThrow();
    }
    expect(readJson('  ', strict)).toBeUndefined();
    expect(readJson('"a\tb"', { ...strict, unquotedControlChars: true })).toMatchObject({ t: 'str', v: 'a\tb' });
  });
});
