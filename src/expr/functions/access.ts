/** Field and element access: `s.a`, `arr[0]` (0-based, as Spark's subscript), `m['k']`. */
import { isArray, isMap, isStruct, type DataType } from '../../types/data-types.js';
import { valuesEqual } from '../../util/value-equality.js';
import type { ScalarFunction } from '../registry.js';

function fieldIndex(t: DataType, name: string): number {
  if (!isStruct(t)) return -1;
  const exact = t.fields.findIndex((f) => f.name === name);
  return exact >= 0 ? exact : t.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
}

const getField: ScalarFunction = {
  kind: 'scalar',
  name: 'get_field',
  minArgs: 2,
  maxArgs: 2,
  resolve(args, ctx) {
    const [s, n] = args;
    const name = n?.literal?.value;
    if (typeof name !== 'string') return ctx.mismatch('the field name must be a string literal');
    const t = s!.dataType;
    const i = fieldIndex(t, name);
    if (!isStruct(t) || i < 0) {
      const have = isStruct(t) ? t.fields.map((f) => `\`${f.name}\``).join(', ') : 'none (not a struct)';
      return ctx.mismatch(`no field \`${name}\` in the struct; fields: ${have}`);
    }
    const f = t.fields[i]!;
    return { dataType: f.type, nullable: s!.nullable || f.nullable };
  },
  compile([s], info) {
    const fs = s!;
    const i = fieldIndex(info.args[0]!.dataType, info.args[1]!.literal!.value as string);
    return (row) => (fs(row) as readonly unknown[])[i] ?? null;
  },
  sql: ([s, n]) => `${s}.${n}`,
};

const getItem: ScalarFunction = {
  kind: 'scalar',
  name: 'get_item',
  minArgs: 2,
  maxArgs: 2,
  resolve(args, ctx) {
    const t = args[0]!.dataType;
    if (isArray(t)) return { dataType: t.elementType, nullable: true, argTypes: [t, 'integer'] };
    if (isMap(t)) return { dataType: t.valueType, nullable: true, argTypes: [t, t.keyType] };
    if (isStruct(t)) return getField.resolve(args, ctx);
    return ctx.mismatch(`cannot subscript a value of type ${JSON.stringify(t)}`);
  },
  compile(args, info) {
    const [fc, fk] = [args[0]!, args[1]!];
    const t = info.args[0]!.dataType;
    if (isStruct(t)) return getField.compile(args, info);
    if (isMap(t)) {
      return (row) => {
        const m = fc(row) as Map<unknown, unknown>;
        const k = fk(row);
        if (m.has(k)) return m.get(k) ?? null;
        for (const [mk, mv] of m) if (valuesEqual(mk, k)) return mv;
        return null;
      };
    }
    return (row) => (fc(row) as readonly unknown[])[fk(row) as number] ?? null;
  },
  sql: ([c, k]) => `${c}[${k}]`,
};

export const accessFunctions: readonly ScalarFunction[] = [getField, getItem];
