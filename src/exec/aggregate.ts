/**
 * Hash aggregation. Aggregate calls are pulled out of the output expressions into accumulators;
 * each group's row is `[...groupValues, ...aggregateResults]`, and the output expressions are
 * compiled against that row.
 */
import { semanticKey, type AttributeExpr, type CallExpr, type Expr } from '../expr/ast.js';
import { argsOf, bindingOf, compileExpr, resolveContextFor, typeOf, type CompileOptions } from '../expr/compile.js';
import { lookupFunction } from '../expr/functions/index.js';
import type { Accumulator, Evaluator, Row } from '../expr/registry.js';
import { toAttribute } from '../plan/output.js';
import { canonicalKey } from '../util/value-equality.js';
import { exprList } from './describe.js';
import { mergeSessions, sessionKeyIndex, type Session } from './session-window.js';
import type { ExecContext, PhysicalOperator } from './operator.js';

export interface AggregateSlot {
  readonly call: CallExpr;
  readonly accumulator: Accumulator;
  readonly args: readonly Evaluator[];
}

/** The compiled pieces of an aggregation, shared by the batch and the streaming operators. */
export interface CompiledAggregation {
  readonly groupKey: readonly Evaluator[];
  readonly slots: readonly AggregateSlot[];
  /** Builds an output row from group values and accumulator states. */
  readonly result: (groupValues: readonly unknown[], states: readonly unknown[]) => Row;
}

export function compileAggregation(
  grouping: readonly Expr[],
  aggregateExprs: readonly Expr[],
  input: readonly AttributeExpr[],
  opts: CompileOptions,
): CompiledAggregation {
  const binding = bindingOf(input);
  const groupKey = grouping.map((g) => compileExpr(g, binding, opts));
  const groupJson = grouping.map(semanticKey);
  const calls: CallExpr[] = [];
  const callJson: string[] = [];
  // Synthetic attributes stand for group values (ids -1, -2, ...) and aggregate results
  // (ids -1001, ...), so output expressions compile against the intermediate row.
  const rewrite = (e: Expr): Expr => {
    const gi = groupJson.indexOf(semanticKey(e));
    if (gi >= 0) return { kind: 'attr', id: -1 - gi, name: `_g${gi}`, ...typeOf(grouping[gi]!) };
    if (e.kind === 'call' && lookupFunction(e.name)?.kind === 'aggregate') {
      const key = semanticKey(e);
      let ci = callJson.indexOf(key);
      if (ci < 0) {
        ci = calls.length;
        calls.push(e);
        callJson.push(key);
      }
      return { kind: 'attr', id: -1001 - ci, name: `_a${ci}`, ...typeOf(e) };
    }
    switch (e.kind) {
      case 'alias':
        return { ...e, child: rewrite(e.child) };
      case 'cast':
        return { ...e, child: rewrite(e.child) };
      case 'call':
        return { ...e, args: e.args.map(rewrite) };
      case 'caseWhen':
        return {
          ...e,
          branches: e.branches.map(([c, v]) => [rewrite(c), rewrite(v)] as const),
          ...(e.otherwise ? { otherwise: rewrite(e.otherwise) } : {}),
        };
      default:
        return e;
    }
  };
  const rewritten = aggregateExprs.map(rewrite);
  const slots: AggregateSlot[] = calls.map((c) => {
    const def = lookupFunction(c.name);
    if (def?.kind !== 'aggregate') throw new Error(`not an aggregate: ${c.name}`);
    const args = argsOf(c.args, opts.timeZone);
    const r = def.resolve(args, resolveContextFor(c, opts.timeZone));
    const accumulator = def.create({
      args,
      argTypes: r.argTypes ?? args.map((a) => a.dataType),
      dataType: r.dataType,
      timeZone: opts.timeZone,
      distinct: c.distinct === true,
    });
    return { call: c, accumulator, args: c.args.map((a) => compileExpr(a, binding, opts)) };
  });
  const mid = new Map<number, number>();
  grouping.forEach((_, i) => mid.set(-1 - i, i));
  calls.forEach((_, i) => mid.set(-1001 - i, grouping.length + i));
  const outEvals = rewritten.map((e) => compileExpr(e, mid, opts));
  const result = (groupValues: readonly unknown[], states: readonly unknown[]): Row => {
    const row: unknown[] = [...groupValues];
    for (let i = 0; i < slots.length; i++) row.push(slots[i]!.accumulator.result(states[i]));
    return outEvals.map((f) => f(row));
  };
  return { groupKey, slots, result };
}

/** Folds one input row into a group's accumulator states. */
export function updateStates(slots: readonly AggregateSlot[], states: unknown[], row: Row): void {
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    const values = s.args.map((f) => f(row));
    states[i] = s.accumulator.update(states[i], values);
  }
}

export class HashAggregateExec implements PhysicalOperator {
  readonly name = 'HashAggregate';
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  constructor(
    readonly child: PhysicalOperator,
    readonly grouping: readonly Expr[],
    readonly aggregateExprs: readonly Expr[],
  ) {
    this.children = [child];
    this.output = aggregateExprs.map(toAttribute);
  }
  describe(): string {
    return `(keys=${exprList(this.grouping)}, functions=${exprList(aggregateFunctionsOf(this.aggregateExprs))})`;
  }
  execute(ctx: ExecContext): Row[] {
    const agg = compileAggregation(this.grouping, this.aggregateExprs, this.child.output, ctx.compile);
    const si = sessionKeyIndex(this.grouping);
    if (si >= 0) return aggregateSessions(agg, si, this.child.execute(ctx));
    const groups = new Map<string, { values: unknown[]; states: unknown[] }>();
    for (const row of this.child.execute(ctx)) {
      // Spark's NormalizeFloatingNumbers: -0.0 and 0.0 are one group key.
      const values = agg.groupKey.map((f) => normalizeZero(f(row)));
      const key = values.length === 0 ? '' : canonicalKey(values);
      let g = groups.get(key);
      if (!g) {
        g = { values, states: agg.slots.map((s) => s.accumulator.init()) };
        groups.set(key, g);
      }
      updateStates(agg.slots, g.states, row);
    }
    // A global aggregation over no rows still yields one row (count = 0, sum = null).
    if (groups.size === 0 && this.grouping.length === 0) {
      groups.set('', { values: [], states: agg.slots.map((s) => s.accumulator.init()) });
    }
    return [...groups.values()].map((g) => agg.result(g.values, g.states));
  }
}

/** Batch session-window aggregation: per key, each row's session, merged when they overlap. */
function aggregateSessions(agg: CompiledAggregation, si: number, rows: readonly Row[]): Row[] {
  const byKey = new Map<string, { values: unknown[]; sessions: Session[] }>();
  for (const row of rows) {
    const values = agg.groupKey.map((f) => f(row));
    const [start, end] = values[si] as [number, number];
    values[si] = null;
    const key = canonicalKey(values);
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { values, sessions: [] }));
    const states = agg.slots.map((s) => s.accumulator.init());
    updateStates(agg.slots, states, row);
    g.sessions.push({ start, end, states });
  }
  const out: Row[] = [];
  for (const g of byKey.values()) {
    for (const s of mergeSessions(g.sessions, agg.slots)) {
      const values = [...g.values];
      values[si] = [s.start, s.end];
      out.push(agg.result(values, s.states));
    }
  }
  return out;
}

function normalizeZero(v: unknown): unknown {
  return v === 0 ? 0 : v;
}

/** The distinct aggregate calls in `exprs`, in order (what explain lists as `functions=`). */
export function aggregateFunctionsOf(exprs: readonly Expr[]): Expr[] {
  const fns: Expr[] = [];
  const visit = (e: Expr): void => {
    if (e.kind === 'call' && lookupFunction(e.name)?.kind === 'aggregate') {
      if (!fns.some((f) => JSON.stringify(f) === JSON.stringify(e))) fns.push(e);
    } else if (e.kind === 'alias' || e.kind === 'cast') visit(e.child);
    else if (e.kind === 'call') e.args.forEach(visit);
  };
  exprs.forEach(visit);
  return fns;
}
