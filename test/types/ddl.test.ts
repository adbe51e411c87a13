import { describe, expect, test } from 'vitest';
import { parseDDLSchema, parseDataType, quoteIfNeeded, sqlType, toDDL } from '../../src/types/ddl.js';
import { RivuletError } from '../../src/errors.js';

function errorOf(f: () => unknown): RivuletError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RivuletError);
    return e as RivuletError;
  }
  throw new Error('expected an error');
}

describe('parseDDLSchema', () => {
  test('the full example from the API', () => {
    const s = parseDDLSchema(
      "event_id STRING NOT NULL, amount DOUBLE, tags ARRAY<STRING>, m MAP<STRING, INT>, s STRUCT<a: INT, `b c`: STRING NOT NULL>, ts TIMESTAMP COMMENT 'x'",
    );
    expect(s).toEqual({
      type: 'struct',
      fields: [
        { name: 'event_id', type: 'string', nullable: false, metadata: {} },
        { name: 'amount', type: 'double', nullable: true, metadata: {} },
        { name: 'tags', type: { type: 'array', elementType: 'string', containsNull: true }, nullable: true, metadata: {} },
        {
          name: 'm',
          type: { type: 'map', keyType: 'string', valueType: 'integer', valueContainsNull: true },
          nullable: true,
          metadata: {},
        },
        {
          name: 's',
          type: {
            type: 'struct',
            fields: [
              { name: 'a', type: 'integer', nullable: true, metadata: {} },
              { name: 'b c', type: 'string', nullable: false, metadata: {} },
            ],
          },
          nullable: true,
          metadata: {},
        },
        { name: 'ts', type: 'timestamp', nullable: true, metadata: { comment: 'x' } },
      ],
    });
  });

  test('leading STRUCT<...>, optional colons, lower-case keywords', () => {
    const expected = {
      type: 'struct',
      fields: [
        { name: 'a', type: 'integer', nullable: false, metadata: {} },
        { name: 'b', type: 'long', nullable: true, metadata: {} },
      ],
    };
    expect(parseDDLSchema('STRUCT<a: INT NOT NULL, b: BIGINT>')).toEqual(expected);
    expect(parseDDLSchema('struct<a int not null, b long>')).toEqual(expected);
    expect(parseDDLSchema('a: int not null, b: bigint')).toEqual(expected);
    expect(parseDDLSchema('  a\tINT  NOT   NULL ,\n b BIGINT  ')).toEqual(expected);
  });

  test('a column may be named like a keyword', () => {
    expect(parseDDLSchema('struct STRING, comment INT, not BOOLEAN').fields.map((f) => [f.name, f.type])).toEqual([
      ['struct', 'string'],
      ['comment', 'integer'],
      ['not', 'boolean'],
    ]);
  });

  test('back-quoted names with `` escapes', () => {
    expect(parseDDLSchema('`a``b` INT, `x.y z` STRING').fields.map((f) => f.name)).toEqual(['a`b', 'x.y z']);
  });

  test('comments: escapes, double quotes, either order with NOT NULL', () => {
    const s = parseDDLSchema(`a INT COMMENT 'it\\'s' NOT NULL, b STRING NOT NULL COMMENT "say \\"hi\\"", c DATE COMMENT 'it''s'`);
    expect(s.fields.map((f) => [f.name, f.nullable, f.metadata])).toEqual([
      ['a', false, { comment: "it's" }],
      ['b', false, { comment: 'say "hi"' }],
      ['c', true, { comment: "it's" }],
    ]);
  });

  test('struct fields keep NOT NULL and COMMENT; empty struct', () => {
    expect(parseDDLSchema("s STRUCT<x: INT NOT NULL COMMENT 'c'>").fields[0]!.type).toEqual({
      type: 'struct',
      fields: [{ name: 'x', type: 'integer', nullable: false, metadata: { comment: 'c' } }],
    });
    expect(parseDDLSchema('s STRUCT<>').fields[0]!.type).toEqual({ type: 'struct', fields: [] });
  });

  test('nested >> closes two levels', () => {
    expect(parseDDLSchema('m MAP<STRING,ARRAY<MAP<INT,STRING>>>').fields[0]!.type).toEqual({
      type: 'map',
      keyType: 'string',
      valueType: {
        type: 'array',
        elementType: { type: 'map', keyType: 'integer', valueType: 'string', valueContainsNull: true },
        containsNull: true,
      },
      valueContainsNull: true,
    });
  });

  test('extra input is a PARSE_SYNTAX_ERROR with Spark position and caret', () => {
    const e = errorOf(() => parseDDLSchema('a INT, b INT FOO'));
    expect(e.errorClass).toBe('PARSE_SYNTAX_ERROR');
    expect(e.message).toBe(
      "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FOO': extra input 'FOO'.(line 1, pos 13)\n\n== SQL ==\na INT, b INT FOO\n-------------^^^\n",
    );
  });

  test('unknown type name is UNSUPPORTED_DATATYPE naming it', () => {
    const e = errorOf(() => parseDDLSchema('a INT, b FOO'));
    expect(e.errorClass).toBe('UNSUPPORTED_DATATYPE');
    expect(e.message).toBe('[UNSUPPORTED_DATATYPE] Unsupported data type "FOO".(line 1, pos 9)\n\n== SQL ==\na INT, b FOO\n---------^^^\n');
    expect(e.messageParameters).toEqual({ typeName: '"FOO"' });
    expect(errorOf(() => parseDataType('int(3)')).message).toContain('Unsupported data type "INT(3)"');
    expect(errorOf(() => parseDataType('decimal(1,2,3)')).message).toContain('Unsupported data type "DECIMAL(1,2,3)"');
  });

  test('positions on later lines', () => {
    const e = errorOf(() => parseDDLSchema('a INT,\nb INT BAR,\nc INT'));
    expect(e.message).toBe(
      "[PARSE_SYNTAX_ERROR] Syntax error at or near 'BAR': extra input 'BAR'.(line 2, pos 6)\n\n== SQL ==\na INT,\nb INT BAR,\n------^^^\nc INT\n",
    );
  });

  test.each([
    ['a ARRAY<INT', "Syntax error at or near end of input: missing '>'.(line 1, pos 11)"],
    ['a INT,', 'Syntax error at or near end of input.(line 1, pos 6)'],
    ['a MAP<INT>', "Syntax error at or near '>': missing ','.(line 1, pos 9)"],
    ['a INT NOT', "Syntax error at or near end of input: missing 'NULL'.(line 1, pos 9)"],
    ['a INT COMMENT x', "Syntax error at or near 'x'.(line 1, pos 14)"],
    ['a `b', "Syntax error at or near '`b': unclosed back-quoted identifier.(line 1, pos 2)"],
    ['a INT; b INT', "Syntax error at or near ';'.(line 1, pos 5)"],
    ['a', 'Syntax error at or near end of input.(line 1, pos 1)'],
    ['STRUCT<a INT> x', "Syntax error at or near 'x': extra input 'x'.(line 1, pos 14)"],
  ])('syntax error in %j', (ddl, msg) => {
    const e = errorOf(() => parseDDLSchema(ddl));
    expect(e.errorClass).toBe('PARSE_SYNTAX_ERROR');
    expect(e.message).toContain(msg);
  });

  test('empty input is PARSE_EMPTY_STATEMENT', () => {
    expect(errorOf(() => parseDDLSchema('  ')).errorClass).toBe('PARSE_EMPTY_STATEMENT');
  });
});

describe('parseDataType', () => {
  test.each([
    ['int', 'integer'],
    ['INTEGER', 'integer'],
    ['smallint', 'integer'],
    ['tinyint', 'integer'],
    ['bigint', 'long'],
    ['long', 'long'],
    ['float', 'float'],
    ['real', 'float'],
    ['double', 'double'],
    ['string', 'string'],
    ['varchar(10)', 'string'],
    ['CHAR(3)', 'string'],
    ['boolean', 'boolean'],
    ['timestamp', 'timestamp'],
    ['timestamp_ltz', 'timestamp'],
    ['timestamp_ntz', 'timestamp'],
    ['date', 'date'],
    ['binary', 'binary'],
    ['decimal(10,2)', 'double'],
    ['decimal', 'double'],
    ['void', 'null'],
    ['interval', 'interval'],
    ['interval day to second', 'interval'],
  ])('%s', (text, expected) => {
    expect(parseDataType(text)).toBe(expected);
  });

  test('complex types', () => {
    expect(parseDataType('array<string>')).toEqual({ type: 'array', elementType: 'string', containsNull: true });
    expect(parseDataType('map<string, bigint>')).toEqual({ type: 'map', keyType: 'string', valueType: 'long', valueContainsNull: true });
    expect(parseDataType('struct<a:int,b:array<double>>')).toEqual({
      type: 'struct',
      fields: [
        { name: 'a', type: 'integer', nullable: true, metadata: {} },
        { name: 'b', type: { type: 'array', elementType: 'double', containsNull: true }, nullable: true, metadata: {} },
      ],
    });
  });

  test('bad input', () => {
    expect(errorOf(() => parseDataType('array<int> x')).errorClass).toBe('PARSE_SYNTAX_ERROR');
    expect(errorOf(() => parseDataType('varchar')).errorClass).toBe('UNSUPPORTED_DATATYPE');
    expect(errorOf(() => parseDataType('strin')).message).toContain('Unsupported data type "STRIN"');
  });
});

describe('toDDL', () => {
  test("Spark's toDDL form", () => {
    const ddl =
      "event_id STRING NOT NULL, amount DOUBLE, tags ARRAY<STRING>, m MAP<STRING, INT>, s STRUCT<a: INT, `b c`: STRING NOT NULL>, ts TIMESTAMP COMMENT 'x'";
    expect(toDDL(parseDDLSchema(ddl))).toBe(
      "event_id STRING NOT NULL,amount DOUBLE,tags ARRAY<STRING>,m MAP<STRING, INT>,s STRUCT<a: INT, `b c`: STRING NOT NULL>,ts TIMESTAMP COMMENT 'x'",
    );
  });

  test('round-trips names, comments with quotes and every primitive', () => {
    const ddl =
      "`a``b` INT NOT NULL,`1x` BIGINT,f FLOAT,d DOUBLE,b BOOLEAN,dt DATE,bin BINARY,v VOID,i INTERVAL,c STRING COMMENT 'it\\'s'";
    const s = parseDDLSchema(ddl);
    expect(toDDL(s)).toBe(ddl);
    expect(parseDDLSchema(toDDL(s))).toEqual(s);
  });

  test('sqlType and quoteIfNeeded', () => {
    expect(sqlType({ type: 'map', keyType: 'long', valueType: 'null', valueContainsNull: true })).toBe('MAP<BIGINT, VOID>');
    expect(quoteIfNeeded('a_1')).toBe('a_1');
    expect(quoteIfNeeded('1a')).toBe('`1a`');
    expect(quoteIfNeeded('a-b')).toBe('`a-b`');
  });
});
