import type { Expr } from '../expr/ast.js';
import { Column } from './column.js';
import type { DataFrame } from './dataframe.js';

/** `df.groupBy(...)`: aggregations over groups. */
export class GroupedData {
  readonly #df: DataFrame;
  readonly #grouping: readonly Expr[];
  constructor(df: DataFrame, grouping: readonly Expr[]) {
    this.#df = df;
    this.#grouping = grouping;
  }

  agg(...exprs: (Column | readonly Column[])[]): DataFrame {
    return this.#df.aggregate(this.#grouping, (exprs.flat() as Column[]).map((c) => c.expr));
  }

  /** Spark names this column `count`. */
  count(): DataFrame {
    return this.agg(new Column({ kind: 'alias', name: 'count', child: { kind: 'call', name: 'count', args: [{ kind: 'literal', value: 1, dataType: 'integer' }] } }));
  }

  #each(fn: string, cols: readonly string[]): DataFrame {
    return this.agg(...cols.map((c) => new Column({ kind: 'call', name: fn, args: [{ kind: 'column', name: [c] }] })));
  }
  sum(...cols: string[]): DataFrame {
    return this.#each('sum', cols);
  }
  avg(...cols: string[]): DataFrame {
    return this.#each('avg', cols);
  }
  mean(...cols: string[]): DataFrame {
    return this.#each('avg', cols);
  }
  min(...cols: string[]): DataFrame {
    return this.#each('min', cols);
  }
  max(...cols: string[]): DataFrame {
    return this.#each('max', cols);
  }
}
