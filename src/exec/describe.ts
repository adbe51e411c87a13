/** explain() renderings shared by operators: `[a#1, b#2]`, Spark's attribute notation. */
import { transformUp, type AttributeExpr, type Expr } from '../expr/ast.js';
import { exprToSql } from '../expr/sql-render.js';

export function attrRef(a: AttributeExpr): string {
  return `${a.name}#${a.id}`;
}

export function attrList(attrs: readonly AttributeExpr[]): string {
  return `[${attrs.map(attrRef).join(', ')}]`;
}

/** An expression with attributes shown as `name#id`, as Spark's explain does. */
export function exprString(e: Expr): string {
  const shown = transformUp(e, (x) => {
    if (x.kind === 'attr') return { kind: 'column', name: [attrRef(x)] };
    if (x.kind === 'alias' && x.exprId !== undefined) return { ...x, name: `${x.name}#${x.exprId}` };
    return x;
  });
  return shown.kind === 'alias' ? `${exprToSql(shown.child)} AS ${shown.name}` : exprToSql(shown);
}

export function exprList(es: readonly Expr[]): string {
  return `[${es.map(exprString).join(', ')}]`;
}
