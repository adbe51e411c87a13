/**
 * Joins. Equi-join conjuncts (`l = r` with each side from one input) become hash keys; the rest
 * of the condition is a residual predicate on the joined row. Null keys never match under `=`,
 * and do under `<=>`.
 */
import type { AttributeExpr, Expr } from '../expr/ast.js';
import { bindingOf, compileExpr } from '../expr/compile.js';
import type { Evaluator, Row } from '../expr/registry.js';
import type { JoinType } from '../plan/logical.js';
import { outputOfJoin } from '../plan/join-output.js';
import { canonicalKey } from '../util/value-equality.js';
import { exprList, exprString } from './describe.js';
import type { ExecContext, PhysicalOperator } from './operator.js';

export interface EquiJoinKeys {
  readonly leftKeys: readonly Expr[];
  readonly rightKeys: readonly Expr[];
  readonly nullSafe: readonly boolean[];
  readonly residual?: Expr;
}

export function splitConjuncts(e: Expr | undefined): Expr[] {
  if (!e) return [];
  if (e.kind === 'call' && e.name === 'and') return [...splitConjuncts(e.args[0]), ...splitConjuncts(e.args[1])];
  return [e];
}

export function conjoin(es: readonly Expr[]): Expr | undefined {
  return es.length === 0 ? undefined : es.reduce((a, b) => ({ kind: 'call', name: 'and', args: [a, b] }));
}

export function referencedIds(e: Expr, out = new Set<number>()): Set<number> {
  if (e.kind === 'attr') out.add(e.id);
  else if (e.kind === 'alias' || e.kind === 'cast' || e.kind === 'sortOrder') referencedIds(e.child, out);
  else if (e.kind === 'call') e.args.forEach((a) => referencedIds(a, out));
  else if (e.kind === 'caseWhen') {
    e.branches.forEach(([c, v]) => {
      referencedIds(c, out);
      referencedIds(v, out);
    });
    if (e.otherwise) referencedIds(e.otherwise, out);
  }
  return out;
}

function within(e: Expr, ids: ReadonlySet<number>): boolean {
  const refs = referencedIds(e);
  return refs.size > 0 && [...refs].every((i) => ids.has(i));
}

export function extractEquiKeys(condition: Expr | undefined, left: readonly AttributeExpr[], right: readonly AttributeExpr[]): EquiJoinKeys {
  const l = new Set(left.map((a) => a.id));
  const r = new Set(right.map((a) => a.id));
  const leftKeys: Expr[] = [];
  const rightKeys: Expr[] = [];
  const nullSafe: boolean[] = [];
  const rest: Expr[] = [];
  for (const c of splitConjuncts(condition)) {
    if (c.kind === 'call' && (c.name === 'eq' || c.name === 'eq_null_safe')) {
      const [a, b] = [c.args[0]!, c.args[1]!];
      if (within(a, l) && within(b, r)) {
        leftKeys.push(a);
        rightKeys.push(b);
        nullSafe.push(c.name === 'eq_null_safe');
        continue;
      }
      if (within(a, r) && within(b, l)) {
        leftKeys.push(b);
        rightKeys.push(a);
        nullSafe.push(c.name === 'eq_null_safe');
        continue;
      }
    }
    rest.push(c);
  }
  const residual = conjoin(rest);
  return { leftKeys, rightKeys, nullSafe, ...(residual ? { residual } : {}) };
}

export class JoinExec implements PhysicalOperator {
  readonly name: string;
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  readonly keys: EquiJoinKeys;
  constructor(
    readonly left: PhysicalOperator,
    readonly right: PhysicalOperator,
    readonly joinType: JoinType,
    readonly condition: Expr | undefined,
  ) {
    this.children = [left, right];
    this.output = outputOfJoin(joinType, left.output, right.output);
    this.keys = extractEquiKeys(condition, left.output, right.output);
    this.name = this.keys.leftKeys.length > 0 ? 'ShuffledHashJoin' : 'BroadcastNestedLoopJoin';
  }
  describe(): string {
    const k = this.keys;
    const parts = k.leftKeys.length > 0 ? [exprList(k.leftKeys), exprList(k.rightKeys), sparkJoinType(this.joinType)] : [sparkJoinType(this.joinType)];
    return `${parts.join(', ')}${k.residual ? `, ${exprString(k.residual)}` : ''}`;
  }
  execute(ctx: ExecContext): Row[] {
    return joinRows(this.left.execute(ctx), this.right.execute(ctx), this, ctx);
  }
}

function sparkJoinType(t: JoinType): string {
  const names: Record<JoinType, string> = {
    inner: 'Inner',
    cross: 'Cross',
    left_outer: 'LeftOuter',
    right_outer: 'RightOuter',
    full_outer: 'FullOuter',
    left_semi: 'LeftSemi',
    left_anti: 'LeftAnti',
  };
  return names[t];
}

/** Joins two row sets; exported so the streaming stream-static join reuses it per batch. */
export function joinRows(
  leftRows: readonly Row[],
  rightRows: readonly Row[],
  j: { readonly left: PhysicalOperator; readonly right: PhysicalOperator; readonly joinType: JoinType; readonly keys: EquiJoinKeys },
  ctx: ExecContext,
): Row[] {
  const lb = bindingOf(j.left.output);
  const rb = bindingOf(j.right.output);
  const lk = j.keys.leftKeys.map((e) => compileExpr(e, lb, ctx.compile));
  const rk = j.keys.rightKeys.map((e) => compileExpr(e, rb, ctx.compile));
  const both = bindingOf([...j.left.output, ...j.right.output]);
  const residual: Evaluator | undefined = j.keys.residual && compileExpr(j.keys.residual, both, ctx.compile);
  const nl = j.left.output.length;
  const nr = j.right.output.length;
  const nullsL: unknown[] = new Array(nl).fill(null);
  const nullsR: unknown[] = new Array(nr).fill(null);
  const keyOf = (fs: readonly Evaluator[], row: Row): string | undefined => {
    const vals = fs.map((f) => f(row));
    for (let i = 0; i < vals.length; i++) if (vals[i] === null && !j.keys.nullSafe[i]) return undefined;
    return canonicalKey(vals);
  };
  // Build on the right side, probe with the left.
  const table = new Map<string, number[]>();
  rightRows.forEach((r, i) => {
    const k = lk.length === 0 ? '' : keyOf(rk, r);
    if (k === undefined) return;
    let bucket = table.get(k);
    if (!bucket) table.set(k, (bucket = []));
    bucket.push(i);
  });
  const rightMatched = new Uint8Array(rightRows.length);
  const out: Row[] = [];
  const t = j.joinType;
  for (const l of leftRows) {
    const k = lk.length === 0 ? '' : keyOf(lk, l);
    const bucket = k === undefined ? undefined : table.get(k);
    let matched = false;
    if (bucket) {
      for (const ri of bucket) {
        const r = rightRows[ri]!;
        const joined = [...l, ...r];
        if (residual && residual(joined) !== true) continue;
        matched = true;
        rightMatched[ri] = 1;
        if (t === 'left_semi' || t === 'left_anti') break;
        out.push(joined);
      }
    }
    if (t === 'left_semi' && matched) out.push(l);
    else if (t === 'left_anti' && !matched) out.push(l);
    else if (!matched && (t === 'left_outer' || t === 'full_outer')) out.push([...l, ...nullsR]);
  }
  if (t === 'right_outer' || t === 'full_outer') {
    rightRows.forEach((r, i) => {
      if (!rightMatched[i]) out.push([...nullsL, ...r]);
    });
  }
  return out;
}
