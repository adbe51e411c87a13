import { describe, expect, test } from 'vitest';
import { treeString } from '../../src/util/print-schema.js';
import { structField, structType, type StructType } from '../../src/types/data-types.js';

const schema: StructType = structType([
  structField('a', 'long'),
  structField(
    's',
    structType([
      structField('x', 'string', false),
      structField('y', { type: 'array', elementType: 'integer', containsNull: false }),
    ]),
    false,
  ),
  structField('m', {
    type: 'map',
    keyType: 'string',
    valueType: structType([structField('z', 'double')]),
    valueContainsNull: true,
  }),
  structField('aa', {
    type: 'array',
    elementType: { type: 'array', elementType: 'string', containsNull: true },
    containsNull: true,
  }),
  structField('n', 'null'),
  structField('t', 'timestamp', false),
  structField('i', 'interval'),
]);

describe('treeString', () => {
  test('the whole tree', () => {
    expect(treeString(schema)).toBe(
      [
        'root',
        ' |-- a: long (nullable = true)',
        ' |-- s: struct (nullable = false)',
        ' |    |-- x: string (nullable = false)',
        ' |    |-- y: array (nullable = true)',
        ' |    |    |-- element: integer (containsNull = false)',
        ' |-- m: map (nullable = true)',
        ' |    |-- key: string',
        ' |    |-- value: struct (valueContainsNull = true)',
        ' |    |    |-- z: double (nullable = true)',
        ' |-- aa: array (nullable = true)',
        ' |    |-- element: array (containsNull = true)',
        ' |    |    |-- element: string (containsNull = true)',
        ' |-- n: void (nullable = true)',
        ' |-- t: timestamp (nullable = false)',
        ' |-- i: interval (nullable = true)',
        '',
      ].join('\n'),
    );
  });

  test('level limits the depth', () => {
    expect(treeString(schema, 1)).toBe(
      [
        'root',
        ' |-- a: long (nullable = true)',
        ' |-- s: struct (nullable = false)',
        ' |-- m: map (nullable = true)',
        ' |-- aa: array (nullable = true)',
        ' |-- n: void (nullable = true)',
        ' |-- t: timestamp (nullable = false)',
        ' |-- i: interval (nullable = true)',
        '',
      ].join('\n'),
    );
    expect(treeString(structType(schema.fields.slice(1, 4)), 2)).toBe(
      [
        'root',
        ' |-- s: struct (nullable = false)',
        ' |    |-- x: string (nullable = false)',
        ' |    |-- y: array (nullable = true)',
        ' |-- m: map (nullable = true)',
        ' |    |-- key: string',
        ' |    |-- value: struct (valueContainsNull = true)',
        ' |-- aa: array (nullable = true)',
        ' |    |-- element: array (containsNull = true)',
        '',
      ].join('\n'),
    );
  });

  test('empty schema and escaped names', () => {
    expect(treeString(structType([]))).toBe('root\n');
    expect(treeString(structType([structField('a\nb', 'integer')]))).toBe('root\n |-- a\\nb: integer (nullable = true)\n');
  });
});
