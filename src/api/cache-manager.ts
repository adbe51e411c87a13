import type { Row } from '../expr/registry.js';
import { transformPlanUp, type LogicalPlan } from '../plan/logical.js';
import { outputOf } from '../plan/output.js';

/** Spark's CacheManager, lazily: a registered plan is computed on first use, then reused. */
export class CacheManager {
  readonly #entries = new Map<LogicalPlan, Row[] | undefined>();

  register(p: LogicalPlan): void {
    if (!this.#entries.has(p)) this.#entries.set(p, undefined);
  }

  unregister(p: LogicalPlan): void {
    this.#entries.delete(p);
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Replaces cached subtrees by in-memory relations, computing them with `run` when needed. */
  substitute(p: LogicalPlan, run: (p: LogicalPlan) => Row[]): LogicalPlan {
    if (this.#entries.size === 0) return p;
    return transformPlanUp(p, (n) => {
      if (!this.#entries.has(n)) return n;
      let rows = this.#entries.get(n);
      if (!rows) {
        rows = run(n);
        this.#entries.set(n, rows);
      }
      return { node: 'LocalRelation', id: n.id, output: outputOf(n), rows };
    });
  }
}
