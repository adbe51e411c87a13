/**
 * Spark's RemoveNoopOperators (the Project half): a Project that lists exactly its child's output
 * attributes, in order and under the same names, changes nothing.
 */
import { transformPlanUp, type LogicalPlan } from '../logical.js';
import { outputOf } from '../output.js';

export function removeNoopOperators(p: LogicalPlan): LogicalPlan {
  return transformPlanUp(p, (n) => {
    if (n.node !== 'Project') return n;
    const out = outputOf(n.child);
    const list = n.projectList;
    const noop = list.length === out.length && list.every((e, i) => e.kind === 'attr' && e.id === out[i]!.id && e.name === out[i]!.name);
    return noop ? n.child : n;
  });
}
