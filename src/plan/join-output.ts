import type { AttributeExpr } from '../expr/ast.js';
import type { JoinType } from './logical.js';

/** A join's output: both sides, with the non-preserved side made nullable; semi/anti keep the left. */
export function outputOfJoin(t: JoinType, l: readonly AttributeExpr[], r: readonly AttributeExpr[]): readonly AttributeExpr[] {
  switch (t) {
    case 'left_semi':
    case 'left_anti':
      return l;
    case 'left_outer':
      return [...l, ...r.map(nullable)];
    case 'right_outer':
      return [...l.map(nullable), ...r];
    case 'full_outer':
      return [...l.map(nullable), ...r.map(nullable)];
    default:
      return [...l, ...r];
  }
}

function nullable(a: AttributeExpr): AttributeExpr {
  return a.nullable ? a : { ...a, nullable: true };
}
