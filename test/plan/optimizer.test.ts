import { describe, expect, test } from 'vitest';
import { Session } from '../../src/index.js';
import { call, col, lit, newExprId, type AttributeExpr, type Expr } from '../../src/expr/ast.js';
import { lookupFunction } from '../../src/expr/functions/index.js';
import { analyze } from '../../src/plan/analyzer.js';
import * as B from '../../src/plan/builders.js';
import { newPlanId, planChildren, type JoinType, type LogicalPlan } from '../../src/plan/logical.js';
import { collapseProject } from '../../src/plan/optimizer/collapse-project.js';
import { columnPruning } from '../../src/plan/optimizer/column-pruning.js';
import { combineFilters } from '../../src/plan/optimizer/combine-filters.js';
import { DEFAULT_RULES, optimize } from '../../src/plan/optimizer/index.js';
import { pushDownPredicates } from '../../src/plan/optimizer/push-down-predicates.js';
import { removeNoopOperators } from '../../src/plan/optimizer/remove-noop-operators.js';
import { simplifyBoolean } from '../../src/plan/optimizer/simplify-boolean.js';
import { outputOf } from '../../src/plan/output.js';
import { planPhysical } from '../../src/plan/physical.js';
import { structField, structType, type DataType } from '../../src/types/data-types.js';

// ---------------------------------------------------------------------------------------------
// Helpers: resolved plans are built with the plan builders and the analyzer, as DataFrame does.

type Cell = number | null;

function rel(names: readonly string[], rows: readonly (readonly Cell[])[], type: DataType = 'integer'): LogicalPlan {
  return B.localRelation(structType(names.map((n) => structField(n, type, true))), rows);
}

const A = (p: LogicalPlan): LogicalPlan => analyze(p);
const int = (v: number | null): Expr => lit(v, 'integer');
const c = (n: string): Expr => col(n);
const gt = (a: Expr, b: Expr): Expr => call('gt', a, b);
const lt = (a: Expr, b: Expr): Expr => call('lt', a, b);
const eq = (a: Expr, b: Expr): Expr => call('eq', a, b);
const and = (a: Expr, b: Expr): Expr => call('and', a, b);
const or = (a: Expr, b: Expr): Expr => call('or', a, b);
const not = (a: Expr): Expr => call('not', a);
const add = (a: Expr, b: Expr): Expr => call('add', a, b);
const as = (e: Expr, name: string): Expr => ({ kind: 'alias', child: e, name });
const T: Expr = lit(true, 'boolean');
const F: Expr = lit(false, 'boolean');

const filter = (p: LogicalPlan, cond: Expr): LogicalPlan => A(B.filter(p, cond));
const project = (p: LogicalPlan, list: readonly Expr[]): LogicalPlan => A(B.project(p, list));
const join = (l: LogicalPlan, r: LogicalPlan, how: string, on?: Expr): LogicalPlan => A(B.join(l, r, how, on));

function run(p: LogicalPlan): unknown[][] {
  return planPhysical(p).execute({ compile: { timeZone: 'UTC', ansi: false } }) as unknown[][];
}

const OPS: Record<string, string> = { and: 'AND', or: 'OR', gt: '>', lt: '<', gte: '>=', lte: '<=', eq: '=', add: '+' };

function sql(e: Expr): string {
  switch (e.kind) {
    case 'attr':
      return e.name;
    case 'literal':
      return String(e.value);
    case 'alias':
      return `${sql(e.child)} AS ${e.name}`;
    case 'cast':
      return `cast(${sql(e.child)})`;
    case 'sortOrder':
      return `${sql(e.child)} ${e.direction}`;
    case 'call':
      if (OPS[e.name] && e.args.length === 2) return `(${sql(e.args[0]!)} ${OPS[e.name]} ${sql(e.args[1]!)})`;
      return `${e.name}(${e.args.map(sql).join(', ')})`;
    default:
      return e.kind;
  }
}

/** One line per node, children indented: the plan shape the assertions compare. */
function tree(p: LogicalPlan, depth = 0): string {
  const pad = '  '.repeat(depth);
  const list = (es: readonly Expr[]): string => `[${es.map(sql).join(', ')}]`;
  let line: string;
  switch (p.node) {
    case 'LocalRelation':
      line = `LocalRelation ${list(p.output)}${p.rows.length === 0 ? ' empty' : ''}`;
      break;
    case 'Project':
      line = `Project ${list(p.projectList)}`;
      break;
    case 'Filter':
      line = `Filter ${sql(p.condition)}`;
      break;
    case 'Join':
      line = `Join ${p.joinType}${p.condition ? ` ${sql(p.condition)}` : ''}`;
      break;
    case 'Aggregate':
      line = `Aggregate ${list(p.groupingExprs)} ${list(p.aggregateExprs)}`;
      break;
    case 'Sort':
      line = `Sort ${list(p.order)}`;
      break;
    case 'Limit':
      line = `Limit ${p.limit}`;
      break;
    case 'Deduplicate':
      line = `Deduplicate${p.keys ? ` ${list(p.keys)}` : ''}`;
      break;
    case 'EventTimeWatermark':
      line = `EventTimeWatermark ${sql(p.eventTime)}`;
      break;
    case 'Generate':
      line = `Generate ${sql(p.generator)} ${list(p.generatorOutput)}`;
      break;
    default:
      line = p.node;
  }
  return [pad + line, ...planChildren(p).map((k) => tree(k, depth + 1))].join('\n');
}

const lines = (...ls: string[]): string => ls.join('\n');

/** The optimized plan returns the same rows (same order) and the same output columns. */
function expectSameResult(p: LogicalPlan, o: LogicalPlan = optimize(p)): void {
  expect(outputOf(o).map((a) => [a.id, a.name])).toEqual(outputOf(p).map((a) => [a.id, a.name]));
  expect(run(o)).toEqual(run(p));
}

const L = (): LogicalPlan =>
  rel(
    ['lk', 'la', 'lx'],
    [
      [1, 10, 100],
      [2, 20, 200],
      [3, null, 300],
      [null, 40, 400],
      [2, 25, 250],
    ],
  );
const R = (): LogicalPlan =>
  rel(
    ['rk', 'rb', 'ry'],
    [
      [2, 5, 7],
      [3, 6, 8],
      [4, null, 9],
      [null, 7, 10],
      [2, 8, 11],
    ],
  );

// ---------------------------------------------------------------------------------------------

describe('combineFilters', () => {
  test('merges nested deterministic filters, inner condition first, dropping repeats', () => {
    const base = L();
    const p = filter(filter(base, gt(c('la'), int(5))), and(lt(c('lk'), int(3)), gt(c('la'), int(5))));
    const o = combineFilters(p);
    expect(tree(o)).toBe(lines('Filter ((la > 5) AND (lk < 3))', '  LocalRelation [lk, la, lx]'));
    expectSameResult(p, o);
    expect(combineFilters(o)).toBe(o);
  });

  test('a filter repeating its child filter disappears', () => {
    const p = filter(filter(L(), gt(c('la'), int(5))), gt(c('la'), int(5)));
    expect(tree(combineFilters(p))).toBe(lines('Filter (la > 5)', '  LocalRelation [lk, la, lx]'));
  });

  test('three filters collapse bottom-up into one', () => {
    const p = filter(filter(filter(L(), gt(c('la'), int(5))), lt(c('lk'), int(3))), gt(c('lx'), int(0)));
    expect(tree(combineFilters(p))).toBe(lines('Filter (((la > 5) AND (lk < 3)) AND (lx > 0))', '  LocalRelation [lk, la, lx]'));
  });
});

describe('pushDownPredicates: non-join nodes', () => {
  test('through a Project, replacing aliases by their definitions', () => {
    const p = filter(project(L(), [c('lk'), as(add(c('la'), c('lx')), 's')]), and(gt(c('s'), int(120)), gt(c('lk'), int(1))));
    const o = pushDownPredicates(p);
    expect(tree(o)).toBe(
      lines('Project [lk, (la + lx) AS s]', '  Filter (((la + lx) > 120) AND (lk > 1))', '    LocalRelation [lk, la, lx]'),
    );
    expectSameResult(p, o);
    expect(pushDownPredicates(o)).toBe(o);
  });

  test('into every child of a Union, attributes rewritten by position', () => {
    const u = A(B.union([L(), R()], false));
    const p = filter(u, gt(c('la'), int(6)));
    const o = pushDownPredicates(p);
    expect(tree(o)).toBe(
      lines('Union', '  Filter (la > 6)', '    LocalRelation [lk, la, lx]', '  Filter (rb > 6)', '    LocalRelation [rk, rb, ry]'),
    );
    expectSameResult(p, o);
    expect(run(o)).toEqual([
      [1, 10, 100],
      [2, 20, 200],
      [null, 40, 400],
      [2, 25, 250],
      [null, 7, 10],
      [2, 8, 11],
    ]);
  });

  test('below a Sort, never below a Limit', () => {
    const sorted = A(B.sort(L(), [{ kind: 'sortOrder', child: c('la'), direction: 'desc', nulls: 'last' }]));
    const p = filter(A(B.limit(filter(sorted, gt(c('lk'), int(1))), 2)), lt(c('la'), int(30)));
    const o = pushDownPredicates(p);
    expect(tree(o)).toBe(
      lines('Filter (la < 30)', '  Limit 2', '    Sort [la desc]', '      Filter (lk > 1)', '        LocalRelation [lk, la, lx]'),
    );
    expectSameResult(p, o);
    expect(run(o)).toEqual([
      [2, 25, 250],
      [2, 20, 200],
    ]);
  });

  test('below an Aggregate: conjuncts over grouping columns only', () => {
    const agg = A(B.aggregate(L(), [c('lk')], [as(call('count', int(1)), 'n'), as(call('sum', c('la')), 's')]));
    const p = filter(agg, and(gt(c('lk'), int(1)), gt(c('n'), int(1))));
    const o = pushDownPredicates(p);
    expect(tree(o)).toBe(
      lines(
        'Filter (n > cast(1))',
        '  Aggregate [lk] [lk, count(1) AS n, sum(la) AS s]',
        '    Filter (lk > 1)',
        '      LocalRelation [lk, la, lx]',
      ),
    );
    expectSameResult(p, o);
    expect(run(o)).toEqual([[2, 2, 45]]);
  });

  test('a constant conjunct stays above an Aggregate; a global aggregate is left alone', () => {
    const agg = A(B.aggregate(L(), [c('lk')], [as(call('count', int(1)), 'n')]));
    const p = filter(agg, F);
    expect(pushDownPredicates(p)).toBe(p);
    const global = A(B.aggregate(L(), [], [as(call('count', int(1)), 'n')]));
    const q = filter(global, gt(c('n'), int(0)));
    expect(pushDownPredicates(q)).toBe(q);
  });

  test('below an EventTimeWatermark, except conjuncts on the event-time column', () => {
    const events = rel(['t', 'v'], [[1_000_000, 1], [2_000_000, 5], [3_000_000, 9]], 'integer');
    const ts = A(B.project(events, [as({ kind: 'cast', child: c('t'), to: 'timestamp' }, 'ts'), c('v')]));
    const wm = A(B.watermark(ts, 'ts', 10_000, '10 seconds'));
    const p = filter(wm, and(gt(c('v'), int(2)), gt({ kind: 'cast', child: c('ts'), to: 'long' }, lit(1, 'long'))));
    const o = pushDownPredicates(p);
    expect(tree(o)).toBe(
      lines(
        'Filter (cast(ts) > 1)',
        '  EventTimeWatermark ts',
        '    Project [cast(t) AS ts, v]',
        '      Filter (v > 2)',
        '        LocalRelation [t, v]',
      ),
    );
    expectSameResult(p, o);
  });

  test('below a Deduplicate: key-column conjuncts only; everything when all columns are the key', () => {
    const d = A(B.deduplicate(L(), ['lk']));
    const p = filter(d, and(gt(c('lk'), int(1)), gt(c('la'), int(22))));
    const o = pushDownPredicates(p);
    expect(tree(o)).toBe(
      lines('Filter (la > 22)', '  Deduplicate [lk]', '    Filter (lk > 1)', '      LocalRelation [lk, la, lx]'),
    );
    expectSameResult(p, o);
    // Filtering on a non-key column first would keep [2, 25, 250] instead of dropping key 2.
    expect(run(o)).toEqual([]);
    const all = filter(A(B.deduplicate(L(), undefined)), gt(c('la'), int(22)));
    expect(tree(pushDownPredicates(all))).toBe(lines('Deduplicate', '  Filter (la > 22)', '    LocalRelation [lk, la, lx]'));
  });

  test('nothing moves when no conjunct can', () => {
    const p = filter(A(B.limit(L(), 3)), gt(c('la'), int(1)));
    expect(pushDownPredicates(p)).toBe(p);
  });
});

describe('pushDownPredicates: joins', () => {
  // Filter: (lk > 1) AND (rb > 5) AND (la > rb); join condition: (lk = rk) AND (la > 15) AND (ry < 11).
  function joined(how: JoinType): LogicalPlan {
    const on = and(and(eq(c('lk'), c('rk')), gt(c('la'), int(15))), lt(c('ry'), int(11)));
    const j = join(L(), R(), how, on);
    return j;
  }
  const whereAll = and(and(gt(c('lk'), int(1)), gt(c('rb'), int(5))), gt(c('la'), c('rb')));

  const expected: Record<string, string> = {
    inner: lines(
      'Join inner ((la > rb) AND (lk = rk))',
      '  Filter ((lk > 1) AND (la > 15))',
      '    LocalRelation [lk, la, lx]',
      '  Filter ((rb > 5) AND (ry < 11))',
      '    LocalRelation [rk, rb, ry]',
    ),
    left_outer: lines(
      'Filter ((rb > 5) AND (la > rb))',
      '  Join left_outer ((lk = rk) AND (la > 15))',
      '    Filter (lk > 1)',
      '      LocalRelation [lk, la, lx]',
      '    Filter (ry < 11)',
      '      LocalRelation [rk, rb, ry]',
    ),
    right_outer: lines(
      'Filter ((lk > 1) AND (la > rb))',
      '  Join right_outer ((lk = rk) AND (ry < 11))',
      '    Filter (la > 15)',
      '      LocalRelation [lk, la, lx]',
      '    Filter (rb > 5)',
      '      LocalRelation [rk, rb, ry]',
    ),
    full_outer: lines(
      'Filter (((lk > 1) AND (rb > 5)) AND (la > rb))',
      '  Join full_outer (((lk = rk) AND (la > 15)) AND (ry < 11))',
      '    LocalRelation [lk, la, lx]',
      '    LocalRelation [rk, rb, ry]',
    ),
  };

  for (const how of ['inner', 'left_outer', 'right_outer', 'full_outer'] as const) {
    test(`filter and join condition over a ${how} join`, () => {
      const p = filter(joined(how), whereAll);
      const o = optimize(p, [pushDownPredicates, combineFilters]);
      expect(tree(o)).toBe(expected[how]);
      expectSameResult(p, o);
      expectSameResult(p);
    });
  }

  test('left semi: filter conjuncts into the left, join-condition conjuncts into both sides', () => {
    const on = and(and(eq(c('lk'), c('rk')), gt(c('la'), int(15))), lt(c('ry'), int(11)));
    const p = filter(join(L(), R(), 'left_semi', on), gt(c('lx'), int(100)));
    const o = optimize(p, [pushDownPredicates, combineFilters]);
    expect(tree(o)).toBe(
      lines(
        'Join left_semi (lk = rk)',
        '  Filter ((lx > 100) AND (la > 15))',
        '    LocalRelation [lk, la, lx]',
        '  Filter (ry < 11)',
        '    LocalRelation [rk, rb, ry]',
      ),
    );
    expectSameResult(p, o);
    expect(run(o)).toEqual([
      [2, 20, 200],
      [2, 25, 250],
    ]);
  });

  test('left anti: only right-side join-condition conjuncts move; left ones would drop rows anti keeps', () => {
    const on = and(and(eq(c('lk'), c('rk')), gt(c('la'), int(15))), lt(c('ry'), int(11)));
    const p = filter(join(L(), R(), 'left_anti', on), gt(c('lx'), int(100)));
    const o = optimize(p, [pushDownPredicates, combineFilters]);
    expect(tree(o)).toBe(
      lines(
        'Join left_anti ((lk = rk) AND (la > 15))',
        '  Filter (lx > 100)',
        '    LocalRelation [lk, la, lx]',
        '  Filter (ry < 11)',
        '    LocalRelation [rk, rb, ry]',
      ),
    );
    expectSameResult(p, o);
    expect(run(o)).toEqual([
      [3, null, 300],
      [null, 40, 400],
    ]);
  });

  test('a constant join condition is pushed only where Spark pushes it', () => {
    for (const how of ['inner', 'left_outer', 'right_outer', 'left_semi', 'left_anti', 'full_outer']) {
      const p = join(L(), R(), how, and(eq(c('lk'), c('rk')), F));
      expectSameResult(p);
    }
    const o = pushDownPredicates(join(L(), R(), 'right_outer', and(eq(c('lk'), c('rk')), F)));
    expect(tree(o)).toBe(
      lines('Join right_outer (lk = rk)', '  Filter false', '    LocalRelation [lk, la, lx]', '  LocalRelation [rk, rb, ry]'),
    );
    const anti = join(L(), R(), 'left_anti', and(eq(c('lk'), c('rk')), F));
    expect(pushDownPredicates(anti)).toBe(anti);
  });
});

describe('non-deterministic conjuncts never move', () => {
  const nonDet = ['rand', 'random', 'uuid', 'monotonically_increasing_id', 'current_timestamp'].find(
    (n) => lookupFunction(n)?.kind === 'scalar' && (lookupFunction(n) as { deterministic?: boolean }).deterministic === false,
  );
  test.skipIf(nonDet === undefined)('through joins, aggregates, unions and filters', () => {
    const r = call(nonDet!);
    // A predicate that is always true but non-deterministic: `isnotnull(rand())`.
    const nd = call('isnotnull', r);
    const j = filter(join(L(), R(), 'inner', eq(c('lk'), c('rk'))), and(nd, gt(c('la'), int(15))));
    const o = optimize(j, [pushDownPredicates, combineFilters]);
    expect(tree(o).split('\n')[0]).toBe(`Filter isnotnull(${nonDet}())`);
    const inner = filter(L(), nd);
    const twice = filter(inner, gt(c('la'), int(15)));
    // Inner non-deterministic: not combined.
    expect(combineFilters(twice)).toBe(twice);
    const u = filter(A(B.union([L(), R()], false)), nd);
    expect(pushDownPredicates(u)).toBe(u);
    // A filter never moves below a projection that computes a non-deterministic column.
    const pr = filter(project(L(), [c('la'), as(r, 'x')]), gt(c('la'), int(15)));
    expect(pushDownPredicates(pr)).toBe(pr);
    // Deterministic conjuncts still move; the non-deterministic one stays above them.
    const mixed = filter(L(), and(nd, gt(c('la'), int(15))));
    const agg = filter(A(B.aggregate(L(), [c('lk')], [as(call('count', int(1)), 'n')])), and(nd, gt(c('lk'), int(1))));
    expect(tree(pushDownPredicates(agg))).toBe(
      lines(`Filter isnotnull(${nonDet}())`, '  Aggregate [lk] [lk, count(1) AS n]', '    Filter (lk > 1)', '      LocalRelation [lk, la, lx]'),
    );
    expect(pushDownPredicates(mixed)).toBe(mixed);
  });
});

describe('columnPruning', () => {
  test('inserts Projects on join children and keeps the root output', () => {
    const p = project(join(L(), R(), 'inner', eq(c('lk'), c('rk'))), [c('la'), c('rb')]);
    const o = optimize(p);
    expect(tree(o)).toBe(
      lines(
        'Project [la, rb]',
        '  Join inner (lk = rk)',
        '    Project [lk, la]',
        '      LocalRelation [lk, la, lx]',
        '    Project [rk, rb]',
        '      LocalRelation [rk, rb, ry]',
      ),
    );
    expectSameResult(p, o);
  });

  test('the right side of a semi join keeps only the join keys, even at the root', () => {
    const p = join(L(), R(), 'left_semi', eq(c('lk'), c('rk')));
    const o = columnPruning(p);
    expect(tree(o)).toBe(
      lines('Join left_semi (lk = rk)', '  LocalRelation [lk, la, lx]', '  Project [rk]', '    LocalRelation [rk, rb, ry]'),
    );
    expectSameResult(p, o);
  });

  test('filters stay under the projects pruning adds (no fight with push-down)', () => {
    const p = project(filter(join(L(), R(), 'inner', eq(c('lk'), c('rk'))), and(gt(c('lx'), int(150)), gt(c('ry'), int(7)))), [c('la')]);
    const o = optimize(p);
    expect(tree(o)).toBe(
      lines(
        'Project [la]',
        '  Join inner (lk = rk)',
        '    Project [lk, la]',
        '      Filter (lx > 150)',
        '        LocalRelation [lk, la, lx]',
        '    Project [rk]',
        '      Filter (ry > 7)',
        '        LocalRelation [rk, rb, ry]',
      ),
    );
    expectSameResult(p, o);
    expect(run(o)).toEqual([[20], [null], [25]]);
  });

  test('aggregate input and unused aggregate outputs are pruned', () => {
    const agg = A(B.aggregate(L(), [c('lk')], [as(call('sum', c('la')), 's'), as(call('count', int(1)), 'n')]));
    const p = project(agg, [c('s')]);
    const o = optimize(p);
    expect(tree(o)).toBe(
      lines('Aggregate [lk] [sum(la) AS s]', '  Project [lk, la]', '    LocalRelation [lk, la, lx]'),
    );
    expectSameResult(p, o);
  });

  test('union children are pruned at the same positions', () => {
    const u = A(B.union([L(), R()], false));
    const p = project(u, [c('lx'), c('lk')]);
    const o = optimize(p);
    expect(tree(o)).toBe(
      lines(
        'Project [lx, lk]',
        '  Union',
        '    Project [lk, lx]',
        '      LocalRelation [lk, la, lx]',
        '    Project [rk, ry]',
        '      LocalRelation [rk, rb, ry]',
      ),
    );
    expectSameResult(p, o);
  });

  test('a distinct over all columns keeps all of them', () => {
    const rows = rel(['a', 'b'], [[1, 1], [1, 2], [1, 1]]);
    const p = project(A(B.deduplicate(rows, undefined)), [c('a')]);
    const o = optimize(p);
    expect(tree(o)).toBe(lines('Project [a]', '  Deduplicate', '    LocalRelation [a, b]'));
    expect(run(o)).toEqual([[1], [1]]);
  });

  test('collapses projects, substituting aliases', () => {
    const inner = project(L(), [c('lk'), as(add(c('la'), int(1)), 'a1'), as(add(c('lx'), int(1)), 'x1')]);
    const p = project(inner, [as(add(c('a1'), c('lk')), 'z'), c('lk'), c('x1')]);
    const o = optimize(p);
    expect(tree(o)).toBe(lines('Project [((la + 1) + lk) AS z, lk, (lx + 1) AS x1]', '  LocalRelation [lk, la, lx]'));
    expectSameResult(p, o);
  });

  test('unused inner columns are pruned when the projects cannot collapse', () => {
    const inner = project(L(), [c('lk'), as(add(c('la'), int(1)), 'a1'), as(add(c('lx'), int(1)), 'x1')]);
    // a1 is read twice and is not cheap: Spark keeps both projects.
    const p = project(inner, [as(add(c('a1'), c('lk')), 'z'), c('a1')]);
    const o = optimize(p);
    expect(tree(o)).toBe(
      lines('Project [(a1 + lk) AS z, a1]', '  Project [lk, (la + 1) AS a1]', '    LocalRelation [lk, la, lx]'),
    );
    expectSameResult(p, o);
  });

  test('an expensive alias used twice is not duplicated', () => {
    const inner = project(L(), [as(add(c('la'), int(1)), 'a1')]);
    const p = project(inner, [as(add(c('a1'), c('a1')), 'z')]);
    expect(collapseProject(p)).toBe(p);
  });

  test('select(*) disappears; the root keeps names, ids and order', () => {
    const base = L();
    const p = project(project(base, [c('lx'), c('lk')]), [c('lx'), c('lk')]);
    const o = optimize(p);
    expect(tree(o)).toBe(lines('Project [lx, lk]', '  LocalRelation [lk, la, lx]'));
    expectSameResult(p, o);
    const star = A(B.project(base, [{ kind: 'star' }]));
    expect(removeNoopOperators(star)).toBe(base);
  });

  test('local relation rows are never touched', () => {
    const base = L();
    const o = optimize(project(base, [c('la')])) as LogicalPlan & { node: 'Project' };
    expect(o.child).toBe(base);
  });
});

describe('simplifyBoolean', () => {
  test('literal AND / OR / NOT NOT under three-valued logic', () => {
    const p = filter(L(), and(T, or(F, not(not(gt(c('la'), int(15)))))));
    const o = simplifyBoolean(p);
    expect(tree(o)).toBe(lines('Filter (la > 15)', '  LocalRelation [lk, la, lx]'));
    expectSameResult(p, o);
  });

  test('Filter(true) goes away; Filter(false) and Filter(null) become empty relations', () => {
    const base = L();
    expect(simplifyBoolean(filter(base, or(gt(c('la'), int(1)), T)))).toBe(base);
    for (const cond of [and(gt(c('la'), int(1)), F), lit(null, 'boolean')]) {
      const p = filter(base, cond);
      const o = simplifyBoolean(p);
      expect(tree(o)).toBe('LocalRelation [lk, la, lx] empty');
      expectSameResult(p, o);
    }
  });
});

describe('optimize', () => {
  test('a fixpoint: every rule returns the optimized plan itself', () => {
    const p = project(
      filter(join(L(), R(), 'left_outer', eq(c('lk'), c('rk'))), and(gt(c('la'), int(1)), gt(add(c('rb'), int(1)), int(6)))),
      [c('la'), c('rb')],
    );
    const o = optimize(p);
    for (const r of DEFAULT_RULES) expect(r(o)).toBe(o);
    expect(optimize(o)).toBe(o);
    expectSameResult(p, o);
  });
});

describe('more operators', () => {
  test('below a Generate: conjuncts over the generator input only', () => {
    const arrType: DataType = { type: 'array', elementType: 'integer', containsNull: true };
    const base = B.localRelation(structType([structField('k', 'integer', true), structField('arr', arrType, true)]), [
      [1, [1, 2, 3]],
      [2, [4, null]],
      [3, []],
      [null, [7]],
    ]);
    const exploded = project(base, [c('k'), as(call('explode', c('arr')), 'e')]);
    const p = filter(exploded, and(gt(c('k'), int(1)), gt(c('e'), int(3))));
    const o = optimize(p);
    expect(tree(o)).toBe(
      lines(
        'Project [k, e]',
        '  Filter (e > 3)',
        '    Generate explode(arr) [e]',
        '      Filter (k > 1)',
        '        LocalRelation [k, arr]',
      ),
    );
    expectSameResult(p, o);
    expect(run(o)).toEqual([[2, 4]]);
  });

  test('below an Aggregate through an alias of a grouping expression', () => {
    const agg = A(B.aggregate(L(), [call('mod', c('lk'), int(2))], [as(call('count', int(1)), 'n')]));
    const g = outputOf(agg)[0]!;
    const p = filter(agg, eq(g, int(0)));
    const o = pushDownPredicates(p);
    expect(tree(o)).toBe(
      lines('Aggregate [mod(lk, 2)] [mod(lk, 2) AS (lk % 2), count(1) AS n]', '  Filter (mod(lk, 2) = 0)', '    LocalRelation [lk, la, lx]'),
    );
    expectSameResult(p, o);
    expect(run(o)).toEqual([[0, 2]]);
  });

  test('an aggregate nobody reads a column of still counts its groups', () => {
    const inner = A(B.aggregate(L(), [c('lk')], [as(call('sum', c('la')), 's')]));
    const p = A(B.aggregate(inner, [], [as(call('count', int(1)), 'groups')]));
    const o = optimize(p);
    expect(tree(o)).toBe(
      lines('Aggregate [] [count(1) AS groups]', '  Aggregate [lk] []', '    Project [lk]', '      LocalRelation [lk, la, lx]'),
    );
    expectSameResult(p, o);
    expect(run(o)).toEqual([[4]]);
  });

  test('subquery aliases are removed and filters move through them', () => {
    const p = filter(A(B.subqueryAlias(L(), 't')), gt(c('la'), int(15)));
    const o = optimize(p);
    expect(tree(o)).toBe(lines('Filter (la > 15)', '  LocalRelation [lk, la, lx]'));
    expectSameResult(p, o);
  });
});

describe('streaming plans', () => {
  function stream(): LogicalPlan {
    const output: AttributeExpr[] = [
      { kind: 'attr', id: newExprId(), name: 'k', dataType: 'integer', nullable: true },
      { kind: 'attr', id: newExprId(), name: 'ts', dataType: 'timestamp', nullable: true },
      { kind: 'attr', id: newExprId(), name: 'v', dataType: 'integer', nullable: true },
    ];
    return { node: 'StreamingRelation', id: newPlanId(), output, source: { format: 'memory', options: {} } };
  }

  test('a stateful operator keeps its event-time column even when no expression reads it', () => {
    const wm = A(B.watermark(stream(), 'ts', 10_000, '10 seconds'));
    const dedup = A(B.deduplicate(project(wm, [c('k'), c('ts'), c('v')]), ['k'], true));
    const p = project(dedup, [c('k')]);
    const o = optimize(p);
    expect(tree(o)).toBe(
      lines('Project [k]', '  Deduplicate [k]', '    Project [k, ts]', '      EventTimeWatermark ts', '        StreamingRelation'),
    );
    // In a batch plan the same shape drops ts below the distinct.
    const batch = rel(['k', 'ts', 'v'], [[1, 2, 3]]);
    const q = project(A(B.deduplicate(project(batch, [c('k'), c('ts'), c('v')]), ['k'])), [c('k')]);
    expect(tree(optimize(q))).toBe(lines('Deduplicate [k]', '  Project [k]', '    LocalRelation [k, ts, v]'));
  });

  test('a filter that keeps nothing stays a filter over a stream', () => {
    const p = filter(stream(), F);
    expect(tree(optimize(p))).toBe(lines('Filter false', '  StreamingRelation'));
  });
});

describe('through the public API', () => {
  test('join, where and select of DataFrames', async () => {
    const s = Session.builder().getOrCreate();
    const orders = s.createDataFrame(
      [
        [1, 'a', 10],
        [2, 'b', 20],
        [3, 'c', 30],
      ],
      'k INT, s STRING, v INT',
    );
    const users = s.createDataFrame(
      [
        [1, 5],
        [2, 6],
        [3, 4],
      ],
      'k2 INT, w INT',
    );
    const q = orders.join(users, orders.col('k').eq(users.col('k2'))).filter('v > 5 AND w > 4').select('s');
    const o = optimize(q.plan);
    expect(tree(o)).toBe(
      lines(
        'Project [s]',
        '  Join inner (k = k2)',
        '    Project [k, s]',
        '      Filter (v > 5)',
        '        LocalRelation [k, s, v]',
        '    Project [k2]',
        '      Filter (w > 4)',
        '        LocalRelation [k2, w]',
      ),
    );
    expectSameResult(q.plan, o);
    expect(await q.collect()).toEqual([{ s: 'a' }, { s: 'b' }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Randomized: seeded plans of filters, projects, joins, unions (and a few other operators) give
// the same rows before and after optimization.

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  readonly #rnd: () => number;
  #names = 0;
  constructor(seed: number) {
    this.#rnd = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.#rnd() * n);
  }
  pick<X>(xs: readonly X[]): X {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.#rnd() < p;
  }
  name(): string {
    return `c${this.#names++}`;
  }
  cell(): Cell {
    return this.chance(0.15) ? null : this.int(5) - 1;
  }
  relation(width = 2 + this.int(2)): LogicalPlan {
    const names = Array.from({ length: width }, () => this.name());
    const rows = Array.from({ length: 2 + this.int(6) }, () => names.map(() => this.cell()));
    return rel(names, rows);
  }
  /** An integer-valued expression over `attrs`. */
  value(attrs: readonly AttributeExpr[]): Expr {
    if (this.chance(0.2)) return int(this.int(5) - 1);
    const a = this.pick(attrs);
    return this.chance(0.25) ? add(a, int(this.int(3))) : a;
  }
  predicate(attrs: readonly AttributeExpr[], depth = 0): Expr {
    const r = this.int(10);
    if (depth < 2 && r < 3) return this.pick(['and', 'or'] as const) === 'and' ? and(this.predicate(attrs, depth + 1), this.predicate(attrs, depth + 1)) : or(this.predicate(attrs, depth + 1), this.predicate(attrs, depth + 1));
    if (r === 3) return not(this.predicate(attrs, depth + 1));
    if (r === 4) return call(this.pick(['isnull', 'isnotnull']), this.pick(attrs));
    if (r === 5 && this.chance(0.3)) return this.pick([T, F, lit(null, 'boolean')]);
    return call(this.pick(['eq', 'lt', 'gt', 'lte', 'gte', 'eq_null_safe']), this.value(attrs), this.value(attrs));
  }
  plan(depth: number): LogicalPlan {
    if (depth === 0) return this.relation();
    const r = this.int(12);
    if (r < 3) {
      const child = this.plan(depth - 1);
      return filter(child, this.predicate(outputOf(child)));
    }
    if (r < 5) {
      const child = this.plan(depth - 1);
      const out = outputOf(child);
      const list: Expr[] = out.filter(() => this.chance(0.6));
      if (this.chance(0.7)) list.push(as(this.value(out), this.name()));
      if (list.length === 0) list.push(out[0]!);
      return project(child, list.sort(() => (this.chance(0.5) ? 1 : -1)));
    }
    if (r < 8) {
      const left = this.plan(depth - 1);
      const right = this.plan(depth - 1);
      const how = this.pick(['inner', 'left_outer', 'right_outer', 'full_outer', 'left_semi', 'left_anti', 'cross'] as const);
      const lo = outputOf(left);
      const ro = outputOf(right);
      const conjuncts: Expr[] = [eq(this.pick(lo), this.pick(ro))];
      if (this.chance(0.5)) conjuncts.push(this.predicate(lo));
      if (this.chance(0.5)) conjuncts.push(this.predicate(ro));
      if (this.chance(0.3)) conjuncts.push(this.predicate([...lo, ...ro]));
      const on = how === 'cross' && this.chance(0.5) ? undefined : conjuncts.sort(() => (this.chance(0.5) ? 1 : -1)).reduce(and);
      return join(left, right, how, on);
    }
    if (r < 10) {
      const first = this.plan(depth - 1);
      const width = outputOf(first).length;
      const other = this.chance(0.3) ? first : this.plan(depth - 1);
      const ow = outputOf(other);
      // Align the second child's width by projecting (and repeating) its columns.
      const aligned = ow.length === width && other !== first ? other : project(other, Array.from({ length: width }, (_, i) => as(ow[i % ow.length]!, this.name())));
      return A(B.union([first, aligned], false));
    }
    const child = this.plan(depth - 1);
    const out = outputOf(child);
    switch (this.int(5)) {
      case 0:
        return A(B.aggregate(child, [this.pick(out)], [as(call('count', int(1)), this.name()), as(call('sum', this.pick(out)), this.name())]));
      case 1:
        return A(B.sort(child, out.map((a) => ({ kind: 'sortOrder', child: a, direction: this.pick(['asc', 'desc'] as const), nulls: this.pick(['first', 'last'] as const) }))));
      case 2:
        return A(B.deduplicate(child, this.chance(0.5) ? undefined : [this.pick(out).name]));
      case 3:
        return A(B.limit(child, this.int(4)));
      default:
        return A(B.subqueryAlias(child, `q${this.int(100)}`));
    }
  }
}

describe('randomized: optimized plans return the same rows', () => {
  test('200 seeded plans', { timeout: 60_000 }, () => {
    let changed = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const g = new Gen(seed);
      let p: LogicalPlan;
      try {
        p = g.plan(1 + g.int(5));
        // Filters on top exercise push-down through whatever was generated.
        p = filter(p, g.predicate(outputOf(p)));
      } catch (e) {
        throw new Error(`seed ${seed}: building the plan failed`, { cause: e });
      }
      const o = optimize(p);
      if (o !== p) changed++;
      const ctx = `seed ${seed}\n${tree(p)}\n--- optimized ---\n${tree(o)}`;
      expect(outputOf(o).map((a) => [a.id, a.name]), ctx).toEqual(outputOf(p).map((a) => [a.id, a.name]));
      expect(run(o), ctx).toEqual(run(p));
      for (const r of DEFAULT_RULES) expect(r(o), ctx).toBe(o);
    }
    expect(changed).toBeGreaterThan(150);
  });
});
