import type { Row } from '../expr/registry.js';
import { transformPlanUp, type LogicalPlan } from '../plan/logical.js';
import { outputOf } from '../plan/output.js';

/** Spark's CacheManager, lazily: a registered plan is computed on first use, then reused. */
export class CacheManager {
  // Keyed by plan id: a derived DataFrame re-analyzes its tree into new objects, same ids.
  readonly #entries = new Map<number, Row[] | undefined>();

  register(p: LogicalPlan): void {
    if (!this.#entries.has(p.id)) this.#entries.set(p.id, undefined);
  }

  unregister(p: LogicalPlan): void {
    this.#entries.delete(p.id);
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Replaces cached subtrees by in-memory relations, computing them with `run` when needed. */
  substitute(p: LogicalPlan, run: (p: LogicalPlan) => Row[]): LogicalPlan {
    if (this.#entries.size === 0) return p;
    return transformPlanUp(p, (n) => {
      if (!this.#entries.has(n.id)) return n;
      let rows = this.#entries.get(n.id);
      if (!rows) {
        rows = run(n);
        this.#entries.set(n.id, rows);
      }
      return { node: 'LocalRelation', id: n.id, output: outputOf(n), rows };
    });
  }
}
