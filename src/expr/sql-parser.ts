/**
 * Spark SQL *expressions* (what `F.expr`, `selectExpr` and string filters take) → the JSON AST of
 * `ast.ts`, with the call names of the registry.
 *
 * A hand-written lexer plus a precedence-climbing parser that follows the layering of Spark's
 * `SqlBaseParser.g4`:
 *   namedExpression  := expression [[AS] name]
 *   booleanExpression := NOT b | valueExpression [predicate] | b AND b | b OR b
 *   predicate        := [NOT] BETWEEN | [NOT] IN | [NOT] LIKE/ILIKE/RLIKE | IS [NOT] ...
 *   valueExpression  := unary | * / % div | + - || | comparisons   (comparisons bind loosest)
 *   primaryExpression := literal | name | call | CASE | CAST | (expr) | postfix [i] .f ::type
 * so `NOT a = 1` is `NOT (a = 1)` and `a = 1 IS NULL` is `(a = 1) IS NULL`, as in Spark.
 *
 * Errors copy Spark's ParseException text: `Syntax error at or near 'x'.(line 1, pos 4)` and the
 * input with a caret line under the offending token.
 */
import { positionSuffix, readBackquoted } from '../util/parse-position.js';
import { RivuletError } from '../errors.js';
import type { DataType } from '../types/data-types.js';
import { parseDataType } from '../types/ddl.js';
import { parseInterval } from '../types/interval.js';
import type { Expr, LiteralExpr } from './ast.js';

type TokenKind = 'ident' | 'quoted' | 'string' | 'number' | 'op' | 'eof';

interface Token {
  readonly kind: TokenKind;
  /** identifier/operator/number text; for `quoted` and `string` the unescaped value */
  readonly text: string;
  /** the source text of the token, for error messages */
  readonly raw: string;
  readonly offset: number;
  readonly end: number;
}

/** Longest first, so `<=>` wins over `<=` and `<`. */
const OPERATORS = ['<=>', '||', '::', '==', '<>', '!=', '<=', '>=', '(', ')', '[', ']', ',', '.', '*', '/', '%', '+', '-', '=', '<', '>', '!', '~', '&', '|', '^', ':', ';'];

/** Words that end or continue an expression, so they are never taken as an implicit alias. */
const CLAUSE_WORDS = new Set([
  'and', 'or', 'not', 'is', 'in', 'between', 'like', 'ilike', 'rlike', 'regexp', 'div', 'as', 'when', 'then', 'else',
  'end', 'escape', 'from', 'distinct', 'ignore', 'respect', 'over', 'filter', 'within',
]);

/** Words that cannot begin an operand: Spark reports the syntax error at them. */
const NOT_AN_OPERAND = new Set(['and', 'or', 'is', 'in', 'between', 'like', 'ilike', 'rlike', 'regexp', 'as', 'when', 'then', 'else', 'end', 'escape', 'from']);

const INTERVAL_UNITS = new Set(
  ['year', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond'].flatMap((u) => [u, `${u}s`]),
);

const COMPARISONS: Readonly<Record<string, string>> = { '=': 'eq', '==': 'eq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte', '<=>': 'eq_null_safe' };

/** Binding powers of the valueExpression operators (higher binds tighter). */
const BP_COMPARE = 1;
const BP_ADD = 2;
const BP_MUL = 3;
const BP_UNARY = 4;

const LONG_MIN = -9223372036854775808n;
const LONG_MAX = 9223372036854775807n;

export function parseExpression(sql: string): Expr {
  return new ExprParser(sql).namedExpression();
}

class ExprParser {
  readonly #text: string;
  readonly #tokens: Token[];
  #i = 0;

  constructor(text: string) {
    this.#text = text;
    this.#tokens = tokenize(text, (offset, msg) => this.#error(offset, msg));
  }

  namedExpression(): Expr {
    if (this.#peek().kind === 'eof') {
      throw new RivuletError('PARSE_EMPTY_STATEMENT', 'Syntax error, unexpected empty statement.');
    }
    const e = this.#expression();
    let named = e;
    if (this.#isWord('as')) {
      this.#i++;
      named = { kind: 'alias', child: e, name: this.#aliasName() };
    } else {
      const t = this.#peek();
      if (t.kind === 'quoted' || (t.kind === 'ident' && !CLAUSE_WORDS.has(t.text.toLowerCase()))) {
        named = { kind: 'alias', child: e, name: this.#aliasName() };
      }
    }
    const t = this.#peek();
    if (t.kind !== 'eof') throw this.#error(t.offset, `Syntax error at or near ${describe(t)}: extra input ${describe(t)}`);
    return named;
  }

  #aliasName(): string {
    const t = this.#peek();
    if (t.kind !== 'ident' && t.kind !== 'quoted') throw this.#syntaxError(t);
    this.#i++;
    return t.text;
  }

  // ---- booleanExpression ----

  #expression(): Expr {
    let left = this.#and();
    while (this.#isWord('or')) {
      this.#i++;
      left = call('or', left, this.#and());
    }
    return left;
  }

  #and(): Expr {
    let left = this.#not();
    while (this.#isWord('and')) {
      this.#i++;
      left = call('and', left, this.#not());
    }
    return left;
  }

  #not(): Expr {
    if (this.#isWord('not') || this.#isOp('!')) {
      this.#i++;
      return call('not', this.#not());
    }
    return this.#predicated();
  }

  #predicated(): Expr {
    const value = this.#value(0);
    const negate = this.#isWord('not') && this.#predicateFollows(1);
    if (negate) this.#i++;
    const p = this.#predicate(value);
    if (!p) return value;
    return negate ? call('not', p) : p;
  }

  #predicateFollows(ahead: number): boolean {
    const t = this.#peekAt(ahead);
    return t.kind === 'ident' && ['between', 'in', 'like', 'ilike', 'rlike', 'regexp'].includes(t.text.toLowerCase());
  }

  /** The predicate after `value`, or undefined when none follows. `NOT` has been consumed. */
  #predicate(value: Expr): Expr | undefined {
    const t = this.#peek();
    if (t.kind !== 'ident') return undefined;
    switch (t.text.toLowerCase()) {
      case 'between': {
        this.#i++;
        const lower = this.#value(0);
        this.#expectWord('and');
        const upper = this.#value(0);
        return call('and', call('gte', value, lower), call('lte', value, upper));
      }
      case 'in': {
        this.#i++;
        this.#expectOp('(');
        const items = [this.#expression()];
        while (this.#isOp(',')) {
          this.#i++;
          items.push(this.#expression());
        }
        this.#expectOp(')');
        return call('in', value, ...items);
      }
      case 'like':
      case 'ilike':
        this.#i++;
        return call(t.text.toLowerCase(), value, this.#value(0));
      case 'rlike':
      case 'regexp':
        this.#i++;
        return call('rlike', value, this.#value(0));
      case 'is': {
        this.#i++;
        const not = this.#isWord('not');
        if (not) this.#i++;
        const w = this.#peek();
        const word = w.kind === 'ident' ? w.text.toLowerCase() : '';
        let e: Expr;
        switch (word) {
          case 'null':
          case 'unknown':
            this.#i++;
            return call(not ? 'isnotnull' : 'isnull', value);
          case 'true':
          case 'false':
            this.#i++;
            // Spark: `a IS TRUE` is `a <=> true`, so a null `a` gives false, not null.
            e = call('eq_null_safe', value, lit(word === 'true', 'boolean'));
            break;
          case 'distinct':
            this.#i++;
            this.#expectWord('from');
            // `IS DISTINCT FROM` is the negation of `<=>`.
            e = call('eq_null_safe', value, this.#value(0));
            return not ? e : call('not', e);
          default:
            throw this.#syntaxError(w);
        }
        return not ? call('not', e) : e;
      }
      default:
        return undefined;
    }
  }

  // ---- valueExpression (precedence climbing) ----

  #value(minBp: number): Expr {
    let left = this.#unary();
    for (;;) {
      const t = this.#peek();
      const op = binaryOperator(t);
      if (!op || op.bp <= minBp) return left;
      this.#i++;
      const right = this.#value(op.bp);
      left = op.build(left, right);
    }
  }

  #unary(): Expr {
    const t = this.#peek();
    if (t.kind === 'op' && t.text === '-') {
      const next = this.#peekAt(1);
      // Spark's `number` rule takes the minus sign: `-1` is the literal -1 (named `-1`), and
      // `-2147483648` is still an INT.
      if (next.kind === 'number') {
        this.#i += 2;
        return this.#postfix(this.#number(next, true));
      }
      this.#i++;
      return call('negative', this.#value(BP_UNARY));
    }
    if (t.kind === 'op' && t.text === '+') {
      this.#i++;
      return call('positive', this.#value(BP_UNARY));
    }
    return this.#postfix(this.#primary());
  }

  #postfix(base: Expr): Expr {
    let e = base;
    for (;;) {
      if (this.#isOp('[')) {
        this.#i++;
        const index = this.#expression();
        this.#expectOp(']');
        e = call('get_item', e, index);
      } else if (this.#isOp('.')) {
        const f = this.#peekAt(1);
        if (f.kind !== 'ident' && f.kind !== 'quoted') throw this.#syntaxError(f);
        this.#i += 2;
        e = call('get_field', e, lit(f.text, 'string'));
      } else if (this.#isOp('::')) {
        this.#i++;
        e = { kind: 'cast', child: e, to: this.#postfixType() };
      } else {
        return e;
      }
    }
  }

  // ---- primaryExpression ----

  #primary(): Expr {
    const t = this.#peek();
    switch (t.kind) {
      case 'number':
        this.#i++;
        return this.#number(t, false);
      case 'string':
        return lit(this.#strings(), 'string');
      case 'quoted':
        return this.#nameOrCall();
      case 'op':
        if (t.text === '*') {
          this.#i++;
          return { kind: 'star' };
        }
        if (t.text === '(') return this.#parenthesized();
        throw this.#syntaxError(t);
      case 'eof':
        throw this.#syntaxError(t);
      case 'ident':
        return this.#word(t);
    }
  }

  #word(t: Token): Expr {
    const w = t.text.toLowerCase();
    const next = this.#peekAt(1);
    switch (w) {
      case 'null':
        this.#i++;
        return lit(null, 'null');
      case 'true':
      case 'false':
        this.#i++;
        return lit(w === 'true', 'boolean');
      case 'case':
        this.#i++;
        return this.#caseWhen();
      case 'cast':
        if (isOp(next, '(')) return this.#cast();
        break;
      case 'interval':
        if (this.#intervalFollows()) return this.#interval();
        break;
      case 'date':
      case 'timestamp':
      case 'timestamp_ltz':
      case 'timestamp_ntz':
        if (next.kind === 'string') return this.#typedLiteral(w === 'date' ? 'date' : 'timestamp', t);
        break;
      case 'current_date':
      case 'current_timestamp':
        if (!isOp(next, '(')) {
          this.#i++;
          return call(w);
        }
        break;
      case 'not':
        // NOT binds looser than comparisons, so here it can only be the function not(x).
        if (!isOp(next, '(')) throw this.#syntaxError(t);
        break;
      case 'like':
      case 'ilike':
      case 'rlike':
      case 'regexp':
        // Also functions: rlike(a, '^x') is how Spark prints RLIKE.
        if (!isOp(next, '(')) throw this.#syntaxError(t);
        break;
      default:
        if (NOT_AN_OPERAND.has(w)) throw this.#syntaxError(t);
    }
    return this.#nameOrCall();
  }

  /** `a`, `a.b.c`, `t.*`, `f(...)`, `db.f(...)`. */
  #nameOrCall(): Expr {
    const parts = [this.#peek().text];
    this.#i++;
    while (this.#isOp('.')) {
      const f = this.#peekAt(1);
      if (f.kind === 'ident' || f.kind === 'quoted') {
        parts.push(f.text);
        this.#i += 2;
      } else if (isOp(f, '*')) {
        this.#i += 2;
        return { kind: 'star', target: parts };
      } else {
        throw this.#syntaxError(f);
      }
    }
    if (this.#isOp('(')) return this.#call(parts.join('.').toLowerCase());
    return { kind: 'column', name: parts };
  }

  #call(name: string): Expr {
    this.#expectOp('(');
    let distinct = false;
    const args: Expr[] = [];
    if (!this.#isOp(')')) {
      if ((this.#isWord('distinct') || this.#isWord('all')) && !isOp(this.#peekAt(1), ')') && !isOp(this.#peekAt(1), ',')) {
        distinct = this.#peek().text.toLowerCase() === 'distinct';
        this.#i++;
      }
      if (this.#isOp('*') && isOp(this.#peekAt(1), ')') && !distinct) {
        this.#i++;
        // Spark's analyzer turns count(*) into count(1), which is also the column's name.
        args.push(name === 'count' ? lit(1, 'integer') : { kind: 'star' });
      } else {
        args.push(this.#expression());
        while (this.#isOp(',')) {
          this.#i++;
          args.push(this.#expression());
        }
      }
      if ((this.#isWord('ignore') || this.#isWord('respect')) && this.#peekAt(1).kind === 'ident' && this.#peekAt(1).text.toLowerCase() === 'nulls') {
        // FIRST(x IGNORE NULLS) is first(x, true).
        if (this.#peek().text.toLowerCase() === 'ignore') args.push(lit(true, 'boolean'));
        this.#i += 2;
      }
    }
    this.#expectOp(')');
    return distinct ? { kind: 'call', name, args, distinct: true } : { kind: 'call', name, args };
  }

  #parenthesized(): Expr {
    this.#expectOp('(');
    const first = this.#expression();
    if (!this.#isOp(',')) {
      this.#expectOp(')');
      return first;
    }
    // `(a, b)` is Spark's row constructor: a struct.
    const items = [first];
    while (this.#isOp(',')) {
      this.#i++;
      items.push(this.#expression());
    }
    this.#expectOp(')');
    return call('struct', ...items);
  }

  #caseWhen(): Expr {
    const operand = this.#isWord('when') ? undefined : this.#expression();
    const branches: (readonly [Expr, Expr])[] = [];
    while (this.#isWord('when')) {
      this.#i++;
      const c = this.#expression();
      this.#expectWord('then');
      const v = this.#expression();
      // Spark rewrites `CASE x WHEN v` into `CASE WHEN x = v`.
      branches.push([operand ? call('eq', operand, c) : c, v]);
    }
    if (branches.length === 0) throw this.#missing('WHEN');
    let otherwise: Expr | undefined;
    if (this.#isWord('else')) {
      this.#i++;
      otherwise = this.#expression();
    }
    this.#expectWord('end');
    return otherwise ? { kind: 'caseWhen', branches, otherwise } : { kind: 'caseWhen', branches };
  }

  #cast(): Expr {
    this.#i++;
    this.#expectOp('(');
    const child = this.#expression();
    this.#expectWord('as');
    const start = this.#peek();
    let depth = 0;
    for (;;) {
      const t = this.#peek();
      if (t.kind === 'eof') throw this.#missing(')');
      if (isOp(t, '(')) depth++;
      if (isOp(t, ')')) {
        if (depth === 0) break;
        depth--;
      }
      this.#i++;
    }
    const close = this.#peek();
    if (close === start) throw this.#syntaxError(close);
    const to = this.#dataType(start, close.offset);
    this.#i++;
    return { kind: 'cast', child, to };
  }

  /** The type after `::`: a name, `interval <unit> [TO <unit>]`, and balanced `<...>`/`(...)`. */
  #postfixType(): DataType {
    const start = this.#peek();
    if (start.kind !== 'ident') throw this.#syntaxError(start);
    this.#i++;
    if (start.text.toLowerCase() === 'interval') {
      const unit = (): boolean => {
        const u = this.#peek();
        if (u.kind === 'ident' && INTERVAL_UNITS.has(u.text.toLowerCase())) {
          this.#i++;
          return true;
        }
        return false;
      };
      if (unit() && this.#isWord('to')) {
        this.#i++;
        unit();
      }
    }
    for (const [open, close] of [['<', '>'], ['(', ')']] as const) {
      if (!this.#isOp(open)) continue;
      let depth = 0;
      do {
        const t = this.#peek();
        if (t.kind === 'eof') throw this.#missing(close);
        if (isOp(t, open)) depth++;
        if (isOp(t, close)) depth--;
        this.#i++;
      } while (depth > 0);
    }
    return this.#dataType(start, this.#tokens[this.#i - 1]!.end);
  }

  #dataType(start: Token, end: number): DataType {
    const text = this.#text.slice(start.offset, end);
    try {
      return parseDataType(text);
    } catch (e) {
      throw this.#relocate(e, start.offset);
    }
  }

  /** Re-points an error of a sub-parser (the type parser) at the same place in the whole input. */
  #relocate(e: unknown, base: number): unknown {
    if (!(e instanceof RivuletError)) return e;
    const m = /^\[[^\]]*\] ([\s\S]*?)\.\(line (\d+), pos (\d+)\)/.exec(e.message);
    if (!m || m[2] !== '1') return e;
    return this.#error(base + Number(m[3]), m[1]!, e.errorClass, { ...e.messageParameters });
  }

  /** A column may be called `interval`: only `INTERVAL 'text'` or `INTERVAL [-]value unit` start a literal. */
  #intervalFollows(): boolean {
    const a = this.#peekAt(1);
    if (a.kind === 'string') return true;
    if (a.kind === 'number') return isUnit(this.#peekAt(2));
    return (isOp(a, '-') || isOp(a, '+')) && isValueToken(this.#peekAt(2)) && isUnit(this.#peekAt(3));
  }

  /**
   * INTERVAL in all of Spark's forms: `INTERVAL '1 day'`, `INTERVAL 30 minutes`,
   * `INTERVAL '10' SECOND`, `INTERVAL '1 2:3:4' DAY TO SECOND`, `INTERVAL 1 HOUR 30 MINUTES`.
   */
  #interval(): Expr {
    const start = this.#peek();
    this.#i++;
    const parts: string[] = [];
    for (;;) {
      let sign = '';
      let t = this.#peek();
      if (isOp(t, '-') || isOp(t, '+')) {
        if (!isValueToken(this.#peekAt(1))) break;
        sign = t.text;
        this.#i++;
        t = this.#peek();
      }
      if (!isValueToken(t)) {
        if (parts.length === 0) throw this.#syntaxError(t);
        break;
      }
      const value = t.kind === 'string' ? `${sign}'${t.text}'` : `${sign}${t.raw}`;
      const unit = this.#peekAt(1);
      if (!isUnit(unit)) {
        // Only a lone string may go without a unit: INTERVAL '1 day 2 hours'.
        if (parts.length === 0 && t.kind === 'string' && sign === '') {
          this.#i++;
          parts.push(value);
          break;
        }
        throw this.#syntaxError(unit);
      }
      this.#i += 2;
      let part = `${value} ${unit.text}`;
      if (this.#isWord('to') && isUnit(this.#peekAt(1))) {
        part += ` TO ${this.#peekAt(1).text}`;
        this.#i += 2;
      }
      parts.push(part);
      // Another `value unit` pair continues the literal; anything else ends it.
      const n = this.#peek();
      const n1 = this.#peekAt(1);
      const continues = isValueToken(n) ? isUnit(n1) : (isOp(n, '-') || isOp(n, '+')) && isValueToken(n1) && isUnit(this.#peekAt(2));
      if (!continues) break;
    }
    const text = `INTERVAL ${parts.join(' ')}`;
    try {
      return lit(parseInterval(text), 'interval');
    } catch (e) {
      if (e instanceof RivuletError) {
        throw this.#error(start.offset, e.message.replace(/^\[[^\]]*\] /, '').replace(/\.$/, ''), e.errorClass, { ...e.messageParameters });
      }
      throw e;
    }
  }

  #typedLiteral(type: 'date' | 'timestamp', t: Token): Expr {
    this.#i++;
    const s = this.#peek();
    const value = this.#strings();
    const v = type === 'date' ? parseDateLiteral(value) : parseTimestampLiteral(value);
    if (v === undefined) {
      throw this.#error(s.offset, `The value of the typed literal "${t.text.toUpperCase()}" is invalid: '${value}'`, 'INVALID_TYPED_LITERAL', {
        valueType: `"${t.text.toUpperCase()}"`,
        value: `'${value}'`,
      });
    }
    return lit(v, type);
  }

  /** Adjacent string literals concatenate, as in Spark: `'a' 'b'` is 'ab'. */
  #strings(): string {
    let s = '';
    while (this.#peek().kind === 'string') {
      s += this.#peek().text;
      this.#i++;
    }
    return s;
  }

  #number(t: Token, negative: boolean): LiteralExpr {
    const m = /^(\d*\.?\d*(?:e[+-]?\d+)?)(bd|[lsydf])?$/i.exec(t.raw)!;
    const body = `${negative ? '-' : ''}${m[1]!}`;
    const suffix = (m[2] ?? '').toLowerCase();
    const integral = /^-?\d+$/.test(body);
    // `+ 0` turns -0 into 0: integers have no negative zero.
    const int = (min: bigint, max: bigint, typeName: string): number => {
      const v = BigInt(body);
      if (v < min || v > max) {
        throw this.#error(t.offset - (negative ? 1 : 0), `Numeric literal ${body} does not fit in range [${min}, ${max}] for type ${typeName}`, 'INVALID_NUMERIC_LITERAL_RANGE', {
          rawStrippedQualifier: body,
          minValue: String(min),
          maxValue: String(max),
          typeName,
        });
      }
      return Number(v) + 0;
    };
    switch (suffix) {
      case 'l':
        return lit(int(LONG_MIN, LONG_MAX, 'bigint'), 'long');
      case 's':
        return lit(int(-32768n, 32767n, 'smallint'), 'integer');
      case 'y':
        return lit(int(-128n, 127n, 'tinyint'), 'integer');
      case 'f':
        return lit(Math.fround(Number(body)), 'float');
      case 'd':
      case 'bd':
        return lit(Number(body), 'double');
      default: {
        if (!integral) return lit(Number(body), 'double');
        const v = BigInt(body);
        if (v >= -2147483648n && v <= 2147483647n) return lit(Number(v) + 0, 'integer');
        if (v >= LONG_MIN && v <= LONG_MAX) return lit(Number(v), 'long');
        // Spark makes larger integers DECIMAL; without a decimal type, double is the nearest.
        return lit(Number(body), 'double');
      }
    }
  }

  // ---- token helpers ----

  #peek(): Token {
    return this.#tokens[this.#i]!;
  }

  #peekAt(n: number): Token {
    return this.#tokens[Math.min(this.#i + n, this.#tokens.length - 1)]!;
  }

  #isWord(w: string): boolean {
    const t = this.#peek();
    return t.kind === 'ident' && t.text.toLowerCase() === w;
  }

  #isOp(op: string): boolean {
    return isOp(this.#peek(), op);
  }

  #expectOp(op: string): void {
    if (this.#isOp(op)) {
      this.#i++;
      return;
    }
    throw this.#missing(op);
  }

  #expectWord(w: string): void {
    if (this.#isWord(w)) {
      this.#i++;
      return;
    }
    throw this.#missing(w.toUpperCase());
  }

  #missing(what: string): RivuletError {
    const t = this.#peek();
    const hint = t.kind === 'eof' || t.kind === 'op' ? `: missing '${what}'` : '';
    return this.#error(t.offset, `Syntax error at or near ${describe(t)}${hint}`);
  }

  #syntaxError(t: Token): RivuletError {
    return this.#error(t.offset, `Syntax error at or near ${describe(t)}`);
  }

  #error(offset: number, message: string, errorClass = 'PARSE_SYNTAX_ERROR', parameters?: Record<string, string>): RivuletError {
    return new RivuletError(errorClass, `${message}.${positionSuffix(this.#text, offset)}`, parameters ? { parameters } : {});
  }
}

interface BinaryOp {
  readonly bp: number;
  build(l: Expr, r: Expr): Expr;
}

function binaryOperator(t: Token): BinaryOp | undefined {
  if (t.kind === 'ident') {
    return t.text.toLowerCase() === 'div' ? { bp: BP_MUL, build: (l, r) => call('div', l, r) } : undefined;
  }
  if (t.kind !== 'op') return undefined;
  const cmp = COMPARISONS[t.text];
  if (cmp) return { bp: BP_COMPARE, build: (l, r) => call(cmp, l, r) };
  switch (t.text) {
    case '<>':
    case '!=':
      return { bp: BP_COMPARE, build: (l, r) => call('not', call('eq', l, r)) };
    case '+':
      return { bp: BP_ADD, build: (l, r) => call('add', l, r) };
    case '-':
      return { bp: BP_ADD, build: (l, r) => call('subtract', l, r) };
    case '||':
      return { bp: BP_ADD, build: (l, r) => call('concat', l, r) };
    case '*':
      return { bp: BP_MUL, build: (l, r) => call('multiply', l, r) };
    case '/':
      return { bp: BP_MUL, build: (l, r) => call('divide', l, r) };
    case '%':
      return { bp: BP_MUL, build: (l, r) => call('mod', l, r) };
    default:
      return undefined;
  }
}

function call(name: string, ...args: Expr[]): Expr {
  return { kind: 'call', name, args };
}

function lit(value: LiteralExpr['value'], dataType: DataType): LiteralExpr {
  return { kind: 'literal', value, dataType };
}

function isOp(t: Token, op: string): boolean {
  return t.kind === 'op' && t.text === op;
}

function isValueToken(t: Token): boolean {
  return t.kind === 'number' || t.kind === 'string';
}

function isUnit(t: Token): boolean {
  return t.kind === 'ident' && INTERVAL_UNITS.has(t.text.toLowerCase());
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of input' : `'${t.raw}'`;
}

/** `(line l, pos p)` plus the `== SQL ==` block with a caret, as Spark's ParseException prints. */

// ---- lexer ----

const WORD_CHAR = /[A-Za-z0-9_]/;

function tokenize(text: string, fail: (offset: number, msg: string) => RivuletError): Token[] {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, value: string, start: number, end: number): void => {
    tokens.push({ kind, text: value, raw: text.slice(start, end), offset: start, end });
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw fail(i, `Syntax error at or near '${text.slice(i)}': unclosed bracketed comment`);
      i = close + 2;
    } else if (c === "'" || c === '"') {
      const [value, end] = readString(text, i, false);
      if (end < 0) throw fail(i, `Syntax error at or near '${text.slice(i)}': unclosed string literal`);
      push('string', value, i, end);
      i = end;
    } else if ((c === 'r' || c === 'R') && (text[i + 1] === "'" || text[i + 1] === '"')) {
      const [value, end] = readString(text, i + 1, true);
      if (end < 0) throw fail(i, `Syntax error at or near '${text.slice(i)}': unclosed string literal`);
      push('string', value, i, end);
      i = end;
    } else if (c === '`') {
      const start = i;
      const { name, end } = readBackquoted(text, start, fail);
      i = end;
      push('quoted', name, start, i);
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(text[i + 1] ?? '') && !afterOperand(tokens))) {
      const n = readNumber(text, i);
      if (n > 0) {
        push('number', text.slice(i, n), i, n);
        i = n;
      } else {
        // Not a number after all (`1a`, `2days`): Spark lexes it as an identifier.
        const start = i;
        while (i < text.length && WORD_CHAR.test(text[i]!)) i++;
        push('ident', text.slice(start, i), start, i);
      }
    } else if (WORD_CHAR.test(c)) {
      const start = i;
      while (i < text.length && WORD_CHAR.test(text[i]!)) i++;
      push('ident', text.slice(start, i), start, i);
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) throw fail(i, `Syntax error at or near '${c}'`);
      push('op', op, i, i + op.length);
      i += op.length;
    }
  }
  tokens.push({ kind: 'eof', text: '', raw: '', offset: text.length, end: text.length });
  return tokens;
}

/** After an identifier or a closing bracket a `.` is a dereference, never a decimal point. */
function afterOperand(tokens: readonly Token[]): boolean {
  const last = tokens[tokens.length - 1];
  return !!last && (last.kind === 'ident' || last.kind === 'quoted' || isOp(last, ')') || isOp(last, ']'));
}

/**
 * The end of the numeric literal starting at `start` (Spark's INTEGER_VALUE, DECIMAL_VALUE,
 * EXPONENT_VALUE and the L/S/Y/F/D/BD suffixes), or -1 when the characters form an identifier.
 */
function readNumber(text: string, start: number): number {
  const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:[bB][dD]|[lLsSyYdDfF])?/.exec(text.slice(start));
  if (!m) return -1;
  let end = start + m[0].length;
  const body = m[0];
  // Integer suffixes only apply to integers: `1.5L` is not a literal.
  if (/[lLsSyY]$/.test(body) && !/^\d+[lLsSyY]$/.test(body)) end--;
  if (end < text.length && WORD_CHAR.test(text[end]!)) {
    const isInt = /^\d+$/.test(text.slice(start, end));
    return isInt || /^\d+[lLsSyYdDfF]$/.test(text.slice(start, end)) ? -1 : end;
  }
  return end;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', '0': '\0', Z: '\x1a' };

/** A Spark string literal (backslash escapes, `''` for a quote); returns [value, end] or end -1. */
function readString(text: string, start: number, raw: boolean): [string, number] {
  const q = text[start]!;
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && !raw) {
      const n = text[i + 1]!;
      if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      if (/^[0-3][0-7]{2}$/.test(text.slice(i + 1, i + 4))) {
        out += String.fromCharCode(parseInt(text.slice(i + 1, i + 4), 8));
        i += 4;
        continue;
      }
      // Spark keeps `\%` and `\_` as written so LIKE patterns survive.
      out += n === '%' || n === '_' ? `\\${n}` : (ESCAPES[n] ?? n);
      i += 2;
    } else if (c === '\\' && raw && text[i + 1] === q) {
      out += `\\${q}`;
      i += 2;
    } else if (c === q) {
      if (text[i + 1] === q) {
        out += q;
        i += 2;
        continue;
      }
      return [out, i + 1];
    } else {
      out += c;
      i++;
    }
  }
  return [out, -1];
}

// ---- DATE and TIMESTAMP literals ----

/** Days since the epoch for `yyyy[-m[m][-d[d]]]` (Spark's stringToDate), or undefined. */
function parseDateLiteral(s: string): number | undefined {
  const m = /^\s*([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T].*)?)?)?\s*$/.exec(s);
  if (!m) return undefined;
  const ms = utcMillis(Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1), 0, 0, 0);
  return ms === undefined ? undefined : ms / 86_400_000;
}

/**
 * Microseconds since the epoch for Spark's timestamp strings: `yyyy-mm-dd[ T]hh:mm:ss[.ffffff]`
 * with an optional zone (`Z`, `UTC`, `+hh:mm`); without a zone the session zone (UTC) applies.
 */
function parseTimestampLiteral(s: string): number | undefined {
  const m =
    /^\s*([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T](?:(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?)?)?)?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?\s*$/i.exec(
      s,
    );
  if (!m) return undefined;
  const ms = utcMillis(Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  if (ms === undefined) return undefined;
  const fraction = Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && /^[+-]/.test(zone)) {
    const z = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
    const hours = Number(z[2]);
    const minutes = Number(z[3] ?? 0);
    if (hours > 18 || minutes > 59) return undefined;
    offsetMinutes = (z[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return (ms - offsetMinutes * 60_000) * 1000 + fraction;
}

function utcMillis(y: number, mo: number, d: number, h: number, mi: number, sec: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, sec, 0);
  // Date rolls 2020-02-30 over into March; Spark rejects it.
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return date.getTime();
}
