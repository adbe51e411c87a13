/**
 * The analyzer: resolves column names to attributes, functions to definitions and inserts
 * Spark's implicit casts. It is idempotent (resolved expressions and ids are kept), so a
 * DataFrame can wrap an analyzed plan in a new node and analyze the whole tree again.
 * Streaming checks (output mode × operator) live in plan/streaming-checks.ts.
 */
import { RivuletError } from '../errors.js';
import {
  newExprId,
  semanticKey,
  type AliasExpr,
  type AttributeExpr,
  type CallExpr,
  type Expr,
  type SortOrderExpr,
} from '../expr/ast.js';
import { canCast } from '../expr/cast.js';
import { argsOf, resolveContextFor, typeOf } from '../expr/compile.js';
import { lookupFunction } from '../expr/functions/index.js';
import { eventTimeMetadata, SESSION_WINDOW_KEY } from '../expr/event-time.js';
import { exprToSql } from '../expr/sql-render.js';
import { durationToMicros } from '../types/interval.js';
import {
  isArray,
  isMap,
  isStruct,
  simpleString,
  typeEquals,
  widerType,
  type DataType,
} from '../types/data-types.js';
import { comparisonType } from '../expr/functions/operators.js';
import { findPlan, newPlanId, planChildren, type LogicalPlan } from './logical.js';
import { outputOf } from './output.js';
import { suggestNames } from '../util/suggest.js';

export interface AnalyzerOptions {
  readonly caseSensitive: boolean;
  readonly timeZone: string;
}

export const DEFAULT_ANALYZER_OPTIONS: AnalyzerOptions = { caseSensitive: false, timeZone: 'UTC' };

const GENERATORS = new Set(['explode', 'explode_outer', 'posexplode', 'posexplode_outer']);

export function analyze(plan: LogicalPlan, opts: AnalyzerOptions = DEFAULT_ANALYZER_OPTIONS): LogicalPlan {
  return new Analyzer(opts).plan(plan);
}

class Analyzer {
  readonly #opts: AnalyzerOptions;
  constructor(opts: AnalyzerOptions) {
    this.#opts = opts;
  }

  plan(p: LogicalPlan): LogicalPlan {
    switch (p.node) {
      case 'LocalRelation':
      case 'StreamingRelation':
        return p;
      case 'Project':
        return this.#project(p.id, this.plan(p.child), p.projectList);
      case 'Filter': {
        const child = this.plan(p.child);
        const missing = this.#missingReferences(p, child, [p.condition]);
        if (missing) return missing;
        const scope = new Scope(child, this.#opts);
        const condition = this.expr(p.condition, scope);
        const t = typeOf(condition).dataType;
        if (t !== 'boolean' && t !== 'null') {
          throw new RivuletError(
            'DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN',
            `Cannot resolve "${exprToSql(p.condition)}" due to data type mismatch: Filter expression "${exprToSql(p.condition)}" of type "${simpleString(t).toUpperCase()}" is not a boolean.`,
          );
        }
        return this.#withWindows({ ...p, child, condition }, [condition], (exprs, c) => ({ ...p, child: c, condition: exprs[0]! }));
      }
      case 'Aggregate':
        return this.#aggregate(p.id, this.plan(p.child), p.groupingExprs, p.aggregateExprs);
      case 'Join':
        return this.#join(p);
      case 'Union':
        return this.#union(p);
      case 'Sort': {
        const child = this.plan(p.child);
        const missing = this.#missingReferences(p, child, p.order);
        if (missing) return missing;
        const scope = new Scope(child, this.#opts);
        const order = p.order.map((o) => this.expr(o, scope) as SortOrderExpr);
        return { ...p, child, order };
      }
      case 'Limit':
        if (!Number.isInteger(p.limit) || p.limit < 0) {
          throw new RivuletError('INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE', `The limit expression must be a non-negative integer, got ${p.limit}.`);
        }
        return { ...p, child: this.plan(p.child) };
      case 'Deduplicate': {
        const child = this.plan(p.child);
        if (!p.keys) return { ...p, child };
        const scope = new Scope(child, this.#opts);
        return { ...p, child, keys: p.keys.map((k) => this.expr(k, scope)) };
      }
      case 'SubqueryAlias':
        return { ...p, child: this.plan(p.child) };
      case 'Generate':
        return { ...p, child: this.plan(p.child) };
      case 'EventTimeWatermark': {
        const child = this.plan(p.child);
        const eventTime = this.expr(p.eventTime, new Scope(child, this.#opts));
        if (eventTime.kind !== 'attr') {
          throw new RivuletError('UNRESOLVED_COLUMN', `withWatermark needs a column name, got ${exprToSql(p.eventTime)}.`);
        }
        if (eventTime.dataType !== 'timestamp' && !isWindowStruct(eventTime.dataType)) {
          throw new RivuletError(
            'EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE',
            `The event time \`${eventTime.name}\` has the invalid type "${simpleString(eventTime.dataType).toUpperCase()}", but expected "TIMESTAMP".`,
          );
        }
        return { ...p, child, eventTime };
      }
    }
  }

  /**
   * Spark's ResolveMissingReferences: `df.select('name').orderBy('age')` (or a filter) may use a
   * column the projection dropped. The column is carried through the Project, the Sort/Filter
   * applied, and a Project on top restores the original columns.
   */
  #missingReferences(p: LogicalPlan & { node: 'Filter' | 'Sort' }, child: LogicalPlan, exprs: readonly Expr[]): LogicalPlan | undefined {
    if (child.node !== 'Project') return undefined;
    const childOut = outputOf(child);
    const names = new Set(childOut.map((a) => (this.#opts.caseSensitive ? a.name : a.name.toLowerCase())));
    const wanted: string[] = [];
    for (const e of exprs) collectColumnNames(e, wanted);
    const absent = wanted.filter((n) => !names.has(this.#opts.caseSensitive ? n : n.toLowerCase()));
    if (absent.length === 0) return undefined;
    const grand = outputOf(child.child);
    const extra = grand.filter((a) => absent.some((n) => sameName(a.name, n, this.#opts.caseSensitive)) && !childOut.some((c) => c.id === a.id));
    if (extra.length === 0) return undefined;
    const widened: LogicalPlan = { ...child, projectList: [...child.projectList, ...extra] };
    const inner = this.plan({ ...p, child: widened } as LogicalPlan);
    return { node: 'Project', id: newPlanId(), child: inner, projectList: childOut };
  }

  #project(id: number, child: LogicalPlan, list: readonly Expr[]): LogicalPlan {
    const scope = new Scope(child, this.#opts);
    const expanded = list.flatMap((e) => this.#expandStar(e, scope));
    // Generators are not named here: explode's output columns are `col` / `key`, `value`
    // unless the user aliased them.
    let resolved = expanded.map((e) => (isGenerator(unalias(e)) ? this.expr(e, scope) : this.named(e, scope)));
    if (resolved.some((e) => containsAggregate(e))) {
      // select(F.sum('x')) is a global aggregation, as in Spark.
      return this.#aggregate(id, child, [], expanded);
    }
    const gen = resolved.findIndex((e) => isGenerator(unalias(e)));
    let input = child;
    if (gen >= 0) {
      const g = this.#generate(child, resolved[gen]!);
      input = g.plan;
      resolved = resolved.map((e, i) => (i === gen ? g.attrs : [e])).flat();
    }
    const node: LogicalPlan = { node: 'Project', id, child: input, projectList: resolved };
    return this.#withWindows(node, resolved, (exprs, c) => ({ node: 'Project', id, child: c, projectList: exprs }));
  }

  #generate(child: LogicalPlan, e: Expr): { plan: LogicalPlan; attrs: AttributeExpr[] } {
    const gen = unalias(e) as CallExpr;
    const argType = typeOf(gen.args[0]!).dataType;
    const pos = gen.name.startsWith('pos');
    const outer = gen.name.endsWith('_outer');
    const names: string[] = [];
    const types: DataType[] = [];
    if (pos) {
      names.push('pos');
      types.push('integer');
    }
    if (isArray(argType)) {
      names.push('col');
      types.push(argType.elementType);
    } else if (isMap(argType)) {
      names.push('key', 'value');
      types.push(argType.keyType, argType.valueType);
    } else {
      throw new RivuletError(
        'DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE',
        `Cannot resolve "${exprToSql(gen)}" due to data type mismatch: the input of ${gen.name} must be an ARRAY or a MAP, got "${simpleString(argType).toUpperCase()}".`,
      );
    }
    if (e.kind === 'alias' && (names.length === 1 || (pos && names.length === 2))) names[names.length - 1] = e.name;
    const attrs: AttributeExpr[] = names.map((name, i) => ({
      kind: 'attr',
      id: newExprId(),
      name,
      dataType: types[i]!,
      nullable: true,
    }));
    return {
      plan: { node: 'Generate', id: newPlanId(), child, generator: gen, outer, generatorOutput: attrs },
      attrs,
    };
  }

  /**
   * Spark's TimeWindowing: each distinct `window(...)` call becomes a Generate below the node
   * producing a `window` struct column, and the calls are replaced by that attribute.
   */
  #withWindows<P extends LogicalPlan>(
    node: P,
    exprs: readonly Expr[],
    rebuild: (exprs: readonly Expr[], child: LogicalPlan) => LogicalPlan,
  ): LogicalPlan {
    const calls: CallExpr[] = [];
    for (const e of exprs) collect(e, (x) => x.kind === 'call' && x.name === 'window', calls);
    if (calls.length === 0) return node;
    const first = calls[0]!;
    const key = JSON.stringify(first);
    if (calls.some((c) => JSON.stringify(c) !== key)) {
      throw new RivuletError('MULTIPLE_TIME_TRAVEL_SPEC', 'Multiple time/session window expressions would result in a cartesian product of rows, therefore they are currently not supported.');
    }
    const child = planChildren(node)[0]!;
    const timeCol = first.args[0]!;
    const attr: AttributeExpr = {
      kind: 'attr',
      id: newExprId(),
      name: 'window',
      dataType: typeOf(first).dataType,
      nullable: false,
      ...(eventTimeMetadata(timeCol) ? { metadata: eventTimeMetadata(timeCol) } : {}),
    };
    const generator: CallExpr = { kind: 'call', name: 'window_expand', args: first.args };
    const gen: LogicalPlan = { node: 'Generate', id: newPlanId(), child, generator, outer: false, generatorOutput: [attr] };
    const replaced = exprs.map((e) => replace(e, (x) => (x.kind === 'call' && x.name === 'window' ? attr : undefined)));
    return rebuild(replaced, gen);
  }

  /**
   * Spark's SessionWindowing: `session_window(t, gap)` in a grouping becomes a `session_window`
   * column (each event's own session `[t, t + gap)`, marked as the session key and carrying the
   * event-time marker) computed below the aggregation; rows without a session are removed. The
   * aggregation then merges each key's overlapping sessions.
   */
  #withSessionWindow(child: LogicalPlan, grouping: readonly Expr[], aggs: readonly Expr[]): { child: LogicalPlan; grouping: Expr[]; aggs: Expr[] } | undefined {
    const calls: CallExpr[] = [];
    for (const g of grouping) collect(g, (x) => x.kind === 'call' && x.name === 'session_window', calls);
    if (calls.length === 0) return undefined;
    const first = calls[0]!;
    if (calls.some((c) => semanticKey(c) !== semanticKey(first))) {
      throw new RivuletError('MULTIPLE_TIME_TRAVEL_SPEC', 'Multiple time/session window expressions would result in a cartesian product of rows, therefore they are currently not supported.');
    }
    const gap = first.args[1]!;
    const gapArg: Expr = gap.kind === 'literal' && typeof gap.value === 'string' ? { kind: 'literal', value: durationToMicros(gap.value), dataType: 'long' } : gap;
    const call: CallExpr = { ...first, args: [first.args[0]!, gapArg] };
    const metadata = { ...(eventTimeMetadata(first.args[0]!) ?? {}), [SESSION_WINDOW_KEY]: true };
    const alias: Expr = { kind: 'alias', name: 'session_window', exprId: newExprId(), child: call, metadata };
    const projected: LogicalPlan = { node: 'Project', id: newPlanId(), child, projectList: [...outputOf(child), alias] };
    const attr = outputOf(projected).at(-1)!;
    const filtered: LogicalPlan = { node: 'Filter', id: newPlanId(), child: projected, condition: { kind: 'call', name: 'isnotnull', args: [attr] } };
    const swap = (e: Expr): Expr => replace(e, (x) => (x.kind === 'call' && x.name === 'session_window' ? attr : undefined));
    return { child: filtered, grouping: grouping.map(swap), aggs: aggs.map(swap) };
  }

  #aggregate(id: number, child: LogicalPlan, grouping: readonly Expr[], aggs: readonly Expr[]): LogicalPlan {
    const scope = new Scope(child, this.#opts);
    // Spark strips aliases from grouping expressions; the output list carries the names.
    const groupingExprs = grouping.map((g) => unalias(this.expr(g, scope)));
    const aggregateExprs = aggs.flatMap((e) => this.#expandStar(e, scope)).map((e) => this.named(e, scope));
    for (const e of aggregateExprs) checkGrouped(e, groupingExprs);
    const session = this.#withSessionWindow(child, groupingExprs, aggregateExprs);
    if (session) return this.#aggregate(id, session.child, session.grouping, session.aggs);
    const node: LogicalPlan = { node: 'Aggregate', id, child, groupingExprs, aggregateExprs };
    return this.#withWindows(node, [...groupingExprs, ...aggregateExprs], (exprs, c) => ({
      node: 'Aggregate',
      id,
      child: c,
      groupingExprs: exprs.slice(0, groupingExprs.length),
      aggregateExprs: exprs.slice(groupingExprs.length),
    }));
  }

  #join(p: LogicalPlan & { node: 'Join' }): LogicalPlan {
    const left = this.plan(p.left);
    let right = this.plan(p.right);
    const leftIds = new Set(outputOf(left).map((a) => a.id));
    const selfJoin = outputOf(right).some((a) => leftIds.has(a.id));
    if (selfJoin) right = freshen(right);
    const base = { ...p, left, right };
    if (p.usingColumns) return this.#usingJoin(base, p.usingColumns);
    if (!p.condition) return { ...base, usingColumns: undefined } as LogicalPlan;
    const scope = new Scope(base, this.#opts, [left, right]);
    let condition = this.expr(p.condition, scope);
    if (selfJoin) condition = resolveSelfJoinCondition(condition, outputOf(left), outputOf(right));
    const t = typeOf(condition).dataType;
    if (t !== 'boolean') {
      throw new RivuletError('DATATYPE_MISMATCH.JOIN_CONDITION_IS_NOT_BOOLEAN_TYPE', `The join condition ${exprToSql(p.condition)} has the invalid type "${simpleString(t).toUpperCase()}", expected "BOOLEAN".`);
    }
    return { ...base, condition };
  }

  #usingJoin(p: LogicalPlan & { node: 'Join' }, using: readonly string[]): LogicalPlan {
    const lo = outputOf(p.left);
    const ro = outputOf(p.right);
    const find = (out: readonly AttributeExpr[], name: string, side: string): AttributeExpr => {
      const hits = out.filter((a) => sameName(a.name, name, this.#opts.caseSensitive));
      if (hits.length !== 1) {
        throw new RivuletError(
          'UNRESOLVED_USING_COLUMN_FOR_JOIN',
          `USING column \`${name}\` cannot be resolved on the ${side} side of the join. The ${side}-side columns: [${out.map((a) => `\`${a.name}\``).join(', ')}].`,
        );
      }
      return hits[0]!;
    };
    const pairs = using.map((n) => [find(lo, n, 'left'), find(ro, n, 'right')] as const);
    const conds = pairs.map(([l, r]) => this.expr({ kind: 'call', name: 'eq', args: [l, r] }, new Scope(p, this.#opts)));
    const condition = conds.reduce((a, b) => ({ kind: 'call', name: 'and', args: [a, b] }));
    const join: LogicalPlan = { ...p, condition, usingColumns: undefined } as LogicalPlan;
    const leftKeys = new Set(pairs.map(([l]) => l.id));
    const rightKeys = new Set(pairs.map(([, r]) => r.id));
    const keyCols: Expr[] = pairs.map(([l, r]) => {
      switch (p.joinType) {
        case 'right_outer':
          return r;
        case 'full_outer':
          return { kind: 'alias', name: l.name, exprId: newExprId(), child: this.expr({ kind: 'call', name: 'coalesce', args: [l, r] }, new Scope(join, this.#opts)) };
        default:
          return l;
      }
    });
    const semi = p.joinType === 'left_semi' || p.joinType === 'left_anti';
    const projectList = [
      ...keyCols,
      ...lo.filter((a) => !leftKeys.has(a.id)),
      ...(semi ? [] : ro.filter((a) => !rightKeys.has(a.id))),
    ];
    const out = outputOf(join);
    const byId = new Map(out.map((a) => [a.id, a]));
    return {
      node: 'Project',
      id: newPlanId(),
      child: join,
      projectList: projectList.map((e) => (e.kind === 'attr' ? byId.get(e.id) ?? e : e)),
    };
  }

  #union(p: LogicalPlan & { node: 'Union' }): LogicalPlan {
    let children = p.children.map((c) => this.plan(c));
    const first = outputOf(children[0]!);
    if (p.byName) {
      const originals = children;
      children = children.map((c, i) => (i === 0 ? c : this.#byName(c, first, p.allowMissingColumns)));
      if (p.allowMissingColumns) {
        // Columns only later children have are appended to the first child as nulls.
        const extra: AttributeExpr[] = [];
        for (const c of originals.slice(1)) {
          for (const a of outputOf(c)) {
            if (!first.some((f) => sameName(f.name, a.name, this.#opts.caseSensitive)) && !extra.some((x) => sameName(x.name, a.name, this.#opts.caseSensitive))) extra.push(a);
          }
        }
        if (extra.length > 0) {
          const c0 = children[0]!;
          children[0] = { node: 'Project', id: newPlanId(), child: c0, projectList: [...outputOf(c0), ...extra.map((a) => nullColumn(a))] };
          const full = outputOf(children[0]);
          children = originals.map((c, i) => (i === 0 ? children[0]! : this.#byName(c, full, true)));
        }
      }
    }
    const n = outputOf(children[0]!).length;
    children.forEach((c, i) => {
      const m = outputOf(c).length;
      if (m !== n) {
        throw new RivuletError(
          'NUM_COLUMNS_MISMATCH',
          `UNION can only be performed on inputs with the same number of columns, but the first input has ${n} columns and the ${ordinal(i + 1)} input has ${m} columns.`,
        );
      }
    });
    // Widen column types across children (Spark's WidenSetOperationTypes).
    const outs = children.map(outputOf);
    const targets = outs[0]!.map((_, col) => {
      let t: DataType | undefined = outs[0]![col]!.dataType;
      for (const o of outs.slice(1)) t = t && widerType(t, o[col]!.dataType);
      if (!t) {
        throw new RivuletError(
          'INCOMPATIBLE_COLUMN_TYPE',
          `UNION can only be performed on inputs with compatible column types. The ${ordinal(col + 1)} column \`${outs[0]![col]!.name}\` has incompatible types.`,
        );
      }
      return t;
    });
    children = children.map((c, i) => {
      const o = outs[i]!;
      if (o.every((a, col) => typeEquals(a.dataType, targets[col]!))) return c;
      return {
        node: 'Project',
        id: newPlanId(),
        child: c,
        projectList: o.map((a, col): Expr => (typeEquals(a.dataType, targets[col]!) ? a : { kind: 'alias', name: a.name, exprId: newExprId(), child: { kind: 'cast', child: a, to: targets[col]! } })),
      };
    });
    return { ...p, children };
  }

  #byName(child: LogicalPlan, target: readonly AttributeExpr[], allowMissing: boolean): LogicalPlan {
    const out = outputOf(child);
    const list = target.map((t): Expr => {
      const hit = out.find((a) => sameName(a.name, t.name, this.#opts.caseSensitive));
      if (hit) return hit;
      if (allowMissing) return nullColumn(t);
      throw new RivuletError(
        'UNRESOLVED_COLUMN_AMONG_FIELD_NAMES',
        `Cannot resolve column name "${t.name}" among (${out.map((a) => a.name).join(', ')}). Use unionByName(other, true) to fill missing columns with nulls.`,
      );
    });
    if (!allowMissing && out.length !== target.length) {
      throw new RivuletError(
        'NUM_COLUMNS_MISMATCH',
        `UNION can only be performed on inputs with the same number of columns, but the first input has ${target.length} columns and the second input has ${out.length} columns.`,
      );
    }
    return { node: 'Project', id: newPlanId(), child, projectList: list };
  }

  #expandStar(e: Expr, scope: Scope): Expr[] {
    if (e.kind !== 'star') return [e];
    if (!e.target) return [...scope.input];
    const t = e.target;
    const byQualifier = scope.input.filter((a) => a.qualifier !== undefined && t.length === 1 && sameName(a.qualifier, t[0]!, this.#opts.caseSensitive));
    if (byQualifier.length > 0) return byQualifier;
    const struct = this.expr({ kind: 'column', name: t }, scope);
    const st = typeOf(struct).dataType;
    if (!isStruct(st)) {
      throw new RivuletError('CANNOT_RESOLVE_STAR_EXPAND', `Cannot resolve \`${t.join('.')}.*\` given input columns ${scope.input.map((a) => `\`${a.name}\``).join(', ')}.`);
    }
    return st.fields.map((f) => ({
      kind: 'alias',
      name: f.name,
      exprId: newExprId(),
      child: { kind: 'call', name: 'get_field', args: [unalias(struct), { kind: 'literal', value: f.name, dataType: 'string' }] },
    }));
  }

  /** Resolves `e` and gives it a name (Spark's pretty SQL of the unresolved expression). */
  named(e: Expr, scope: Scope): Expr {
    const r = this.expr(e, scope);
    if (r.kind === 'attr') return r;
    if (r.kind === 'alias') return r.exprId === undefined ? { ...r, exprId: newExprId() } : r;
    const name = e.kind === 'column' ? e.name[e.name.length - 1]! : defaultName(e);
    return { kind: 'alias', name, exprId: newExprId(), child: r };
  }

  expr(e: Expr, scope: Scope): Expr {
    switch (e.kind) {
      case 'attr':
        return scope.refresh(e);
      case 'literal':
        return e;
      case 'column':
        return scope.resolveColumn(e.name, e.planId);
      case 'star':
        throw new RivuletError('INVALID_USAGE_OF_STAR_OR_REGEX', `Invalid usage of '*' in ${exprToSql(e)}: a star is only allowed in select() or count(*).`);
      case 'alias': {
        const child = this.expr(e.child, scope);
        const inner = child.kind === 'alias' ? child.child : child;
        return { ...e, child: inner, exprId: e.exprId ?? newExprId() };
      }
      case 'sortOrder':
        return { ...e, child: unalias(this.expr(e.child, scope)) };
      case 'cast': {
        const child = unalias(this.expr(e.child, scope));
        const from = typeOf(child).dataType;
        if (!canCast(from, e.to)) {
          throw new RivuletError(
            'DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION',
            `Cannot resolve "${exprToSql(e)}" due to data type mismatch: cannot cast "${simpleString(from).toUpperCase()}" to "${simpleString(e.to).toUpperCase()}".`,
          );
        }
        return typeEquals(from, e.to) && from !== 'null' ? { ...e, child } : { ...e, child };
      }
      case 'caseWhen':
        return this.#caseWhen(e, scope);
      case 'call':
        return this.#call(e, scope);
    }
  }

  #caseWhen(e: Expr & { kind: 'caseWhen' }, scope: Scope): Expr {
    const branches = e.branches.map(([c, v]) => [unalias(this.expr(c, scope)), unalias(this.expr(v, scope))] as const);
    for (const [c] of branches) {
      const t = typeOf(c).dataType;
      if (t !== 'boolean' && t !== 'null') {
        throw new RivuletError('DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE', `Cannot resolve "${exprToSql(e)}" due to data type mismatch: WHEN conditions must be BOOLEAN, got "${simpleString(t).toUpperCase()}".`);
      }
    }
    const otherwise = e.otherwise ? unalias(this.expr(e.otherwise, scope)) : undefined;
    const values = [...branches.map((b) => b[1]), ...(otherwise ? [otherwise] : [])];
    let target = 'null' as DataType;
    for (const v of values) {
      const t = typeOf(v).dataType;
      const w: DataType | undefined = widerType(target, t) ?? (t === 'string' || target === 'string' ? 'string' : undefined);
      if (!w) {
        throw new RivuletError('DATATYPE_MISMATCH.DATA_DIFF_TYPES', `Cannot resolve "${exprToSql(e)}" due to data type mismatch: THEN and ELSE expressions should all be the same type or coercible to a common type.`);
      }
      target = w;
    }
    const coerce = (v: Expr): Expr => (typeEquals(typeOf(v).dataType, target) ? v : { kind: 'cast', child: v, to: target });
    return {
      kind: 'caseWhen',
      branches: branches.map(([c, v]) => [c, coerce(v)] as const),
      ...(otherwise ? { otherwise: coerce(otherwise) } : {}),
    };
  }

  #call(e: CallExpr, scope: Scope): Expr {
    const name = e.name.toLowerCase();
    if (GENERATORS.has(name)) {
      const args = e.args.map((a) => unalias(this.expr(a, scope)));
      return { ...e, name, args };
    }
    const def = lookupFunction(name);
    if (!def) {
      throw new RivuletError(
        'UNRESOLVED_ROUTINE',
        `Cannot resolve routine \`${e.name}\` on search path [\`system\`.\`builtin\`].`,
        { parameters: { routineName: `\`${e.name}\`` } },
      );
    }
    if (e.args.length < def.minArgs || e.args.length > def.maxArgs) {
      const expected = def.minArgs === def.maxArgs ? `${def.minArgs}` : def.maxArgs === Infinity ? `>= ${def.minArgs}` : `[${def.minArgs}, ${def.maxArgs}]`;
      throw new RivuletError(
        'WRONG_NUM_ARGS.WITHOUT_SUGGESTION',
        `The \`${name}\` requires ${expected} parameters but the actual number is ${e.args.length}.`,
      );
    }
    let args = e.args.map((a) => (a.kind === 'star' && name === 'count' ? lit1() : unalias(this.expr(a, scope))));
    if (name === 'window') args = this.#windowArgs(e, args);
    const call: CallExpr = { ...e, name: def.name, args };
    if (def.kind === 'aggregate' && args.some((a) => containsAggregate(a))) {
      throw new RivuletError('NESTED_AGGREGATE_FUNCTION', `It is not allowed to use an aggregate function in the argument of another aggregate function: ${exprToSql(e)}.`);
    }
    const resolved = argsOf(args, this.#opts.timeZone);
    const r = def.resolve(resolved, resolveContextFor(e, this.#opts.timeZone));
    if (!r.argTypes) return call;
    const cast = args.map((a, i) => {
      const want = r.argTypes![i];
      const have = resolved[i]!.dataType;
      if (!want || typeEquals(want, have)) return a;
      if (!canCast(have, want)) resolveContextFor(e, this.#opts.timeZone).mismatch(`cannot cast argument ${i + 1} from ${simpleString(have).toUpperCase()} to ${simpleString(want).toUpperCase()}`);
      return foldCast(a, want);
    });
    return { ...call, args: cast };
  }

  /** window(t, '10 seconds', slide?, start?) → window(t, size µs, slide µs, start µs) as longs. */
  #windowArgs(e: CallExpr, args: Expr[]): Expr[] {
    const t = args[0]!;
    const tt = typeOf(t).dataType;
    let time = t;
    if (isWindowStruct(tt)) {
      time = { kind: 'call', name: 'window_time', args: [t] };
    } else if (tt !== 'timestamp') {
      throw new RivuletError(
        'DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE',
        `Cannot resolve "${exprToSql(e)}" due to data type mismatch: the first parameter of window must be a TIMESTAMP column, got "${simpleString(tt).toUpperCase()}".`,
      );
    }
    const dur = (a: Expr | undefined, what: string, fallback: number): number => {
      if (!a) return fallback;
      const v = a.kind === 'literal' ? a.value : undefined;
      if (typeof v !== 'string') throw new RivuletError('DATATYPE_MISMATCH.NON_FOLDABLE_INPUT', `The ${what} of window must be a duration string literal such as '10 seconds'.`);
      return durationToMicros(v);
    };
    const size = dur(args[1], 'windowDuration', 0);
    const slide = dur(args[2], 'slideDuration', size);
    const start = args[3] ? dur(args[3], 'startTime', 0) : 0;
    if (size <= 0) throw new RivuletError('INVALID_PARAMETER_VALUE', 'The window duration must be greater than 0.');
    if (slide <= 0) throw new RivuletError('INVALID_PARAMETER_VALUE', 'The slide duration must be greater than 0.');
    if (slide > size) throw new RivuletError('INVALID_PARAMETER_VALUE', `The slide duration (${args[2] && (args[2] as { value?: unknown }).value}) must be less than or equal to the windowDuration (${(args[1] as { value?: unknown }).value}).`);
    const long = (v: number): Expr => ({ kind: 'literal', value: v, dataType: 'long' });
    return [time, long(size), long(slide), long(((start % slide) + slide) % slide)];
  }
}

/** Spark names `window(...)` / `session_window(...)` columns after the function. */
function defaultName(e: Expr): string {
  if (e.kind === 'call' && (e.name === 'window' || e.name === 'session_window')) return e.name;
  return exprToSql(e);
}

/**
 * Spark's self-join rule: in `df.join(df, df.col('k').eq(df.col('k')))` both sides resolve to
 * the left copy; an equality between an attribute and itself means left.k = right.k.
 */
function resolveSelfJoinCondition(c: Expr, left: readonly AttributeExpr[], right: readonly AttributeExpr[]): Expr {
  return replace(c, (x) => {
    if (x.kind !== 'call' || (x.name !== 'eq' && x.name !== 'eq_null_safe')) return undefined;
    const [a, b] = x.args;
    if (a?.kind !== 'attr' || b?.kind !== 'attr' || a.id !== b.id) return undefined;
    const i = left.findIndex((l) => l.id === a.id);
    const r = right[i];
    return i >= 0 && r ? { ...x, args: [a, r] } : undefined;
  });
}

function lit1(): Expr {
  return { kind: 'literal', value: 1, dataType: 'integer' };
}

function foldCast(a: Expr, to: DataType): Expr {
  // Null literals take the target type directly; other literals keep an explicit cast that the
  // optimizer folds, so explain() shows Spark's plan.
  if (a.kind === 'literal' && a.value === null) return { kind: 'literal', value: null, dataType: to };
  return { kind: 'cast', child: a, to };
}

function nullColumn(a: AttributeExpr): Expr {
  return { kind: 'alias', name: a.name, exprId: newExprId(), child: { kind: 'literal', value: null, dataType: a.dataType } };
}

/** Spark's ordinalNumber: first, second, ..., then 11th. */
function ordinal(n: number): string {
  const words = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
  return words[n - 1] ?? `${n}th`;
}

export function isWindowStruct(t: DataType): boolean {
  return isStruct(t) && t.fields.length === 2 && t.fields[0]!.name === 'start' && t.fields[1]!.name === 'end';
}

export function unalias(e: Expr): Expr {
  return e.kind === 'alias' ? e.child : e;
}

/** First name parts of the unresolved columns an expression mentions. */
function collectColumnNames(e: Expr, out: string[]): void {
  if (e.kind === 'column' && e.planId === undefined) out.push(e.name[0]!);
  else if (e.kind === 'alias' || e.kind === 'cast' || e.kind === 'sortOrder') collectColumnNames(e.child, out);
  else if (e.kind === 'call') e.args.forEach((a) => collectColumnNames(a, out));
  else if (e.kind === 'caseWhen') {
    e.branches.forEach(([c, v]) => {
      collectColumnNames(c, out);
      collectColumnNames(v, out);
    });
    if (e.otherwise) collectColumnNames(e.otherwise, out);
  }
}

function isGenerator(e: Expr): boolean {
  return e.kind === 'call' && GENERATORS.has(e.name);
}

function sameName(a: string, b: string, caseSensitive: boolean): boolean {
  return caseSensitive ? a === b : a.toLowerCase() === b.toLowerCase();
}

export function containsAggregate(e: Expr): boolean {
  if (e.kind === 'call' && lookupFunction(e.name)?.kind === 'aggregate') return true;
  switch (e.kind) {
    case 'alias':
    case 'cast':
    case 'sortOrder':
      return containsAggregate(e.child);
    case 'call':
      return e.args.some(containsAggregate);
    case 'caseWhen':
      return e.branches.some(([c, v]) => containsAggregate(c) || containsAggregate(v)) || (!!e.otherwise && containsAggregate(e.otherwise));
    default:
      return false;
  }
}

/** Every column outside an aggregate call must be a grouping expression (Spark's MISSING_AGGREGATION). */
function checkGrouped(e: Expr, grouping: readonly Expr[]): void {
  const keys = new Set(grouping.map((g) => semanticKey(unalias(g))));
  const visit = (x: Expr): void => {
    if (keys.has(semanticKey(unalias(x)))) return;
    if (x.kind === 'call' && lookupFunction(x.name)?.kind === 'aggregate') return;
    if (x.kind === 'attr') {
      throw new RivuletError(
        'MISSING_AGGREGATION',
        `The non-aggregating expression "${x.name}" is based on columns which are not participating in the GROUP BY clause. Add the columns or the expression to the GROUP BY, aggregate the expression, or use "any_value(${x.name})" if you do not care which of the values within a group is returned.`,
      );
    }
    if (x.kind === 'alias' || x.kind === 'cast' || x.kind === 'sortOrder') visit(x.child);
    else if (x.kind === 'call') x.args.forEach(visit);
    else if (x.kind === 'caseWhen') {
      x.branches.forEach(([c, v]) => {
        visit(c);
        visit(v);
      });
      if (x.otherwise) visit(x.otherwise);
    }
  };
  visit(e);
}

function collect(e: Expr, pred: (e: Expr) => boolean, out: CallExpr[]): void {
  if (pred(e)) {
    out.push(e as CallExpr);
    return;
  }
  switch (e.kind) {
    case 'alias':
    case 'cast':
    case 'sortOrder':
      collect(e.child, pred, out);
      break;
    case 'call':
      e.args.forEach((a) => collect(a, pred, out));
      break;
    case 'caseWhen':
      e.branches.forEach(([c, v]) => {
        collect(c, pred, out);
        collect(v, pred, out);
      });
      if (e.otherwise) collect(e.otherwise, pred, out);
      break;
    default:
  }
}

function replace(e: Expr, f: (e: Expr) => Expr | undefined): Expr {
  const hit = f(e);
  if (hit) return hit;
  switch (e.kind) {
    case 'alias':
      return { ...e, child: replace(e.child, f) };
    case 'cast':
      return { ...e, child: replace(e.child, f) };
    case 'sortOrder':
      return { ...e, child: replace(e.child, f) };
    case 'call':
      return { ...e, args: e.args.map((a) => replace(a, f)) };
    case 'caseWhen':
      return {
        ...e,
        branches: e.branches.map(([c, v]) => [replace(c, f), replace(v, f)] as const),
        ...(e.otherwise ? { otherwise: replace(e.otherwise, f) } : {}),
      };
    default:
      return e;
  }
}

/**
 * Gives every attribute a subtree produces a new id (Spark's `newInstance` for self-joins), so
 * the two sides of `df.join(df, ...)` can be told apart.
 */
function freshen(p: LogicalPlan): LogicalPlan {
  const map = new Map<number, number>();
  const re = (id: number): number => {
    let n = map.get(id);
    if (n === undefined) {
      n = newExprId();
      map.set(id, n);
    }
    return n;
  };
  const fixExpr = (e: Expr): Expr =>
    replace(e, (x) => {
      if (x.kind === 'attr') return map.has(x.id) ? { ...x, id: map.get(x.id)! } : x;
      if (x.kind === 'alias' && x.exprId !== undefined) return { ...x, exprId: re(x.exprId), child: fixExpr(x.child) } as AliasExpr;
      return undefined;
    });
  const walk = (q: LogicalPlan): LogicalPlan => {
    switch (q.node) {
      case 'LocalRelation':
      case 'StreamingRelation':
        return { ...q, output: q.output.map((a) => ({ ...a, id: re(a.id) })) };
      case 'Project':
        return { ...q, child: walk(q.child), projectList: q.projectList.map(fixExpr) };
      case 'Filter':
        return { ...q, child: walk(q.child), condition: fixExpr(q.condition) };
      case 'Aggregate': {
        const child = walk(q.child);
        return { ...q, child, groupingExprs: q.groupingExprs.map(fixExpr), aggregateExprs: q.aggregateExprs.map(fixExpr) };
      }
      case 'Join': {
        const left = walk(q.left);
        const right = walk(q.right);
        return { ...q, left, right, ...(q.condition ? { condition: fixExpr(q.condition) } : {}) };
      }
      case 'Union':
        return { ...q, children: q.children.map(walk) };
      case 'Sort': {
        const child = walk(q.child);
        return { ...q, child, order: q.order.map((o) => fixExpr(o) as SortOrderExpr) };
      }
      case 'Deduplicate': {
        const child = walk(q.child);
        return { ...q, child, ...(q.keys ? { keys: q.keys.map(fixExpr) } : {}) };
      }
      case 'Generate': {
        const child = walk(q.child);
        return { ...q, child, generator: fixExpr(q.generator), generatorOutput: q.generatorOutput.map((a) => ({ ...a, id: re(a.id) })) };
      }
      case 'EventTimeWatermark': {
        const child = walk(q.child);
        return { ...q, child, eventTime: fixExpr(q.eventTime) };
      }
      default:
        return { ...q, child: walk(q.child) };
    }
  };
  return walk(p);
}

/** Name resolution scope: the input attributes of one node (both sides for a join). */
class Scope {
  readonly input: readonly AttributeExpr[];
  readonly #roots: readonly LogicalPlan[];
  readonly #opts: AnalyzerOptions;
  constructor(child: LogicalPlan, opts: AnalyzerOptions, roots?: readonly LogicalPlan[]) {
    this.#opts = opts;
    this.#roots = roots ?? [child];
    this.input = child.node === 'Join' && roots ? roots.flatMap((r) => outputOf(r)) : outputOf(child);
  }

  refresh(a: AttributeExpr): AttributeExpr {
    return this.input.find((x) => x.id === a.id) ?? a;
  }

  resolveColumn(parts: readonly string[], planId: number | undefined): Expr {
    const cs = this.#opts.caseSensitive;
    let candidates: { attr: AttributeExpr; rest: readonly string[] }[] = [];
    if (planId !== undefined) {
      for (const root of this.#roots) {
        const target = findPlan(root, (q) => q.id === planId);
        if (!target) continue;
        const ids = new Set(this.input.map((a) => a.id));
        const hits = outputOf(target).filter((a) => sameName(a.name, parts[0]!, cs) && ids.has(a.id));
        candidates = hits.map((a) => ({ attr: this.refresh(a), rest: parts.slice(1) }));
        if (candidates.length > 0) break;
      }
    }
    if (candidates.length === 0) {
      if (parts.length >= 2) {
        candidates = this.input
          .filter((a) => a.qualifier !== undefined && sameName(a.qualifier, parts[0]!, cs) && sameName(a.name, parts[1]!, cs))
          .map((attr) => ({ attr, rest: parts.slice(2) }));
      }
      if (candidates.length === 0) {
        candidates = this.input.filter((a) => sameName(a.name, parts[0]!, cs)).map((attr) => ({ attr, rest: parts.slice(1) }));
      }
    }
    const distinct = [...new Map(candidates.map((c) => [c.attr.id, c])).values()];
    if (distinct.length > 1) {
      throw new RivuletError(
        'AMBIGUOUS_REFERENCE',
        `Reference \`${parts.join('.')}\` is ambiguous, could be: [${distinct.map((c) => `\`${c.attr.qualifier ? `${c.attr.qualifier}.` : ''}${c.attr.name}\``).join(', ')}].`,
      );
    }
    if (distinct.length === 0) {
      const name = parts.map((p) => `\`${p}\``).join('.');
      const names = this.input.map((a) => `\`${a.qualifier ? `${a.qualifier}.` : ''}${a.name}\``);
      const suggestions = suggestNames(parts.join('.'), names);
      throw new RivuletError(
        'UNRESOLVED_COLUMN.WITH_SUGGESTION',
        `A column, variable, or function parameter with name ${name} cannot be resolved. Did you mean one of the following? [${suggestions.join(', ')}].`,
        { parameters: { objectName: name, proposal: suggestions.join(', ') } },
      );
    }
    const { attr, rest } = distinct[0]!;
    let out: Expr = attr;
    for (const field of rest) {
      const t: DataType = typeOf(out).dataType;
      if (!isStruct(t) || !t.fields.some((f) => sameName(f.name, field, cs))) {
        const fields = isStruct(t) ? t.fields.map((f) => `\`${f.name}\``) : [];
        throw new RivuletError(
          'FIELD_NOT_FOUND',
          `No such struct field \`${field}\` in ${fields.join(', ') || simpleString(t)}.`,
        );
      }
      const fname: string = t.fields.find((f) => sameName(f.name, field, cs))!.name;
      out = { kind: 'call', name: 'get_field', args: [out, { kind: 'literal', value: fname, dataType: 'string' }] };
    }
    if (rest.length > 0) out = { kind: 'alias', name: rest[rest.length - 1]!, child: out };
    return out;
  }
}

export { comparisonType };
