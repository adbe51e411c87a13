import { RivuletError } from '../errors.js';
import type { Expr } from '../expr/ast.js';

/** A JS value as a typed literal, the way PySpark's `lit` infers types. */
export function toLiteral(v: unknown): Expr {
  if (v === null || v === undefined) return { kind: 'literal', value: null, dataType: 'null' };
  if (typeof v === 'boolean') return { kind: 'literal', value: v, dataType: 'boolean' };
  if (typeof v === 'string') return { kind: 'literal', value: v, dataType: 'string' };
  if (typeof v === 'bigint') return { kind: 'literal', value: Number(v), dataType: 'long' };
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) {
      return { kind: 'literal', value: v, dataType: v >= -2147483648 && v <= 2147483647 ? 'integer' : 'long' };
    }
    return { kind: 'literal', value: v, dataType: 'double' };
  }
  if (v instanceof Date) return { kind: 'literal', value: v.getTime() * 1000, dataType: 'timestamp' };
  throw new RivuletError('UNSUPPORTED_FEATURE.LITERAL_TYPE', `Unsupported literal type ${Object.prototype.toString.call(v)}: ${String(v)}.`);
}
