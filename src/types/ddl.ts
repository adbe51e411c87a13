/**
 * Spark DDL: `a INT NOT NULL, b ARRAY<STRING>, s STRUCT<x: INT, `y z`: STRING COMMENT 'c'>`.
 *
 * Hand-written so the core stays free of a parser generator. Error messages copy the shape of
 * Spark's `ParseException.getMessage` (message, `(line l, pos p)`, then the input with a caret
 * under the offending token) so a Spark user recognises them.
 *
 * Type names this engine has no exact equivalent for are mapped to the nearest type:
 * `tinyint`/`byte`/`smallint`/`short` → integer, `varchar(n)`/`char(n)` → string,
 * `timestamp_ltz`/`timestamp_ntz` → timestamp, and `decimal(p,s)`/`dec`/`numeric` → double
 * (there is no decimal type; values lose exactness beyond 15-17 significant digits).
 */
import { positionSuffix, readBackquoted } from '../util/parse-position.js';
import { RivuletError } from '../errors.js';
import type { DataType, StructField, StructType } from './data-types.js';

type TokenKind = 'ident' | 'quoted' | 'string' | 'punct' | 'eof';

interface Token {
  readonly kind: TokenKind;
  /** identifier/punctuation text; for `quoted` and `string` the unescaped value */
  readonly text: string;
  /** the source text of the token, for error messages */
  readonly raw: string;
  readonly offset: number;
}

const PUNCT = new Set(['<', '>', '(', ')', ',', ':']);

/** Parses a table schema (`name type, ...`) or a `STRUCT<...>` type into a StructType. */
export function parseDDLSchema(ddl: string): StructType {
  const p = new DdlParser(ddl);
  if (p.isEmpty()) {
    throw new RivuletError('PARSE_EMPTY_STATEMENT', 'Syntax error, unexpected empty statement.');
  }
  // Spark's StructType.fromDDL falls back to parsing a data type, which is how a leading
  // STRUCT<...> is accepted; a column literally named `struct` is followed by a type, not `<`.
  if (p.peekKeyword('struct') && p.peekAt(1).text === '<') {
    const start = p.peek();
    const t = p.dataType();
    p.expectEnd();
    if (typeof t === 'string' || t.type !== 'struct') {
      throw p.syntaxError(start);
    }
    return t;
  }
  const fields = p.fieldList(false);
  p.expectEnd();
  return { type: 'struct', fields };
}

/** Parses one Spark type name: `int`, `bigint`, `array<string>`, `map<string,int>`, `struct<a:int>`. */
export function parseDataType(text: string): DataType {
  const p = new DdlParser(text);
  if (p.isEmpty()) {
    throw new RivuletError('PARSE_EMPTY_STATEMENT', 'Syntax error, unexpected empty statement.');
  }
  const t = p.dataType();
  p.expectEnd();
  return t;
}

/** Spark's `StructType.toDDL`: `a INT NOT NULL,b STRING COMMENT 'x'`. */
export function toDDL(schema: StructType): string {
  return schema.fields.map((f) => `${quoteIfNeeded(f.name)} ${sqlType(f.type)}${fieldSuffix(f)}`).join(',');
}

/** Spark's `DataType.sql`: `INT`, `BIGINT`, `ARRAY<STRING>`, `MAP<STRING, INT>`, `STRUCT<a: INT>`. */
export function sqlType(t: DataType): string {
  if (typeof t === 'string') {
    switch (t) {
      case 'integer':
        return 'INT';
      case 'long':
        return 'BIGINT';
      case 'null':
        return 'VOID';
      default:
        return t.toUpperCase();
    }
  }
  switch (t.type) {
    case 'array':
      return `ARRAY<${sqlType(t.elementType)}>`;
    case 'map':
      return `MAP<${sqlType(t.keyType)}, ${sqlType(t.valueType)}>`;
    case 'struct':
      return `STRUCT<${t.fields.map((f) => `${quoteIfNeeded(f.name)}: ${sqlType(f.type)}${fieldSuffix(f)}`).join(', ')}>`;
  }
}

/** Spark's `QuotingUtils.quoteIfNeeded`: back-quotes a name unless it is a plain identifier. */
export function quoteIfNeeded(name: string): string {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

function fieldSuffix(f: StructField): string {
  const comment = f.metadata['comment'];
  const c = typeof comment === 'string' ? ` COMMENT '${comment.replace(/'/g, "\\'")}'` : '';
  return `${f.nullable ? '' : ' NOT NULL'}${c}`;
}

function primitive(name: string): DataType | undefined {
  switch (name) {
    case 'boolean':
      return 'boolean';
    case 'tinyint':
    case 'byte':
    case 'smallint':
    case 'short':
    case 'int':
    case 'integer':
      return 'integer';
    case 'bigint':
    case 'long':
      return 'long';
    case 'float':
    case 'real':
      return 'float';
    case 'double':
      return 'double';
    case 'string':
      return 'string';
    case 'date':
      return 'date';
    case 'timestamp':
    case 'timestamp_ltz':
    case 'timestamp_ntz':
      return 'timestamp';
    case 'binary':
      return 'binary';
    case 'void':
      return 'null';
    default:
      return undefined;
  }
}

const INTERVAL_FIELDS = new Set(['year', 'month', 'day', 'hour', 'minute', 'second']);

class DdlParser {
  readonly #text: string;
  readonly #tokens: Token[];
  #i = 0;

  constructor(text: string) {
    this.#text = text;
    this.#tokens = tokenize(text, (offset, msg) => this.#error(offset, msg));
  }

  isEmpty(): boolean {
    return this.#tokens.length === 1;
  }

  peek(): Token {
    return this.#tokens[this.#i]!;
  }

  peekAt(n: number): Token {
    return this.#tokens[Math.min(this.#i + n, this.#tokens.length - 1)]!;
  }

  peekKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'eof') throw this.#error(t.offset, `Syntax error at or near ${describe(t)}: extra input ${describe(t)}`);
  }

  syntaxError(t: Token): RivuletError {
    return this.#error(t.offset, `Syntax error at or near ${describe(t)}`);
  }

  /** `name [:] type [NOT NULL] [COMMENT 'c']` separated by commas; `inStruct` stops at `>`. */
  fieldList(inStruct: boolean): StructField[] {
    const fields: StructField[] = [];
    if (inStruct && this.peek().text === '>' && this.peek().kind === 'punct') return fields;
    for (;;) {
      fields.push(this.#field());
      const t = this.peek();
      if (t.kind === 'punct' && t.text === ',') {
        this.#i++;
        continue;
      }
      if (t.kind === 'eof' || (inStruct && t.kind === 'punct' && t.text === '>')) return fields;
      throw this.#error(t.offset, `Syntax error at or near ${describe(t)}: extra input ${describe(t)}`);
    }
  }

  #field(): StructField {
    const nameTok = this.peek();
    if (nameTok.kind !== 'ident' && nameTok.kind !== 'quoted') throw this.syntaxError(nameTok);
    this.#i++;
    if (this.peek().kind === 'punct' && this.peek().text === ':') this.#i++;
    const type = this.dataType();
    let nullable = true;
    let comment: string | undefined;
    let sawNotNull = false;
    for (;;) {
      if (this.peekKeyword('not') && !sawNotNull) {
        this.#i++;
        if (!this.peekKeyword('null')) throw this.#missing('NULL');
        this.#i++;
        nullable = false;
        sawNotNull = true;
      } else if (this.peekKeyword('comment') && comment === undefined) {
        this.#i++;
        const s = this.peek();
        if (s.kind !== 'string') throw this.syntaxError(s);
        this.#i++;
        comment = s.text;
      } else {
        break;
      }
    }
    return { name: nameTok.text, type, nullable, metadata: comment === undefined ? {} : { comment } };
  }

  dataType(): DataType {
    const t = this.peek();
    if (t.kind !== 'ident') throw this.syntaxError(t);
    this.#i++;
    const name = t.text.toLowerCase();
    switch (name) {
      case 'array': {
        this.#expectPunct('<');
        const elementType = this.dataType();
        this.#expectPunct('>');
        return { type: 'array', elementType, containsNull: true };
      }
      case 'map': {
        this.#expectPunct('<');
        const keyType = this.dataType();
        this.#expectPunct(',');
        const valueType = this.dataType();
        this.#expectPunct('>');
        return { type: 'map', keyType, valueType, valueContainsNull: true };
      }
      case 'struct': {
        this.#expectPunct('<');
        const fields = this.fieldList(true);
        this.#expectPunct('>');
        return { type: 'struct', fields };
      }
      case 'interval':
        this.#intervalQualifier();
        return 'interval';
      case 'decimal':
      case 'dec':
      case 'numeric':
        this.#params(t, 2);
        return 'double';
      case 'varchar':
      case 'char':
      case 'character': {
        const n = this.#params(t, 1);
        if (n === 0) throw this.#unsupported(t, t.raw.toUpperCase());
        return 'string';
      }
      default: {
        const p = primitive(name);
        if (p === undefined || this.#peekPunct('(') || this.#peekPunct('<')) {
          throw this.#unsupported(t, this.#typeTextFrom(t));
        }
        return p;
      }
    }
  }

  /** `(n)` or `(p, s)`; returns how many numbers were given (0 when there are no parentheses). */
  #params(typeTok: Token, max: number): number {
    if (!this.#peekPunct('(')) return 0;
    this.#i++;
    let n = 0;
    for (;;) {
      const v = this.peek();
      if (v.kind !== 'ident' || !/^\d+$/.test(v.text)) throw this.syntaxError(v);
      this.#i++;
      n++;
      if (this.#peekPunct(',')) {
        this.#i++;
        continue;
      }
      this.#expectPunct(')');
      break;
    }
    if (n > max) throw this.#unsupported(typeTok, this.#text.slice(typeTok.offset, this.#tokens[this.#i - 1]!.offset + 1).toUpperCase());
    return n;
  }

  /** `INTERVAL DAY TO SECOND` and friends all become the one calendar interval type. */
  #intervalQualifier(): void {
    const unit = (): boolean => {
      const t = this.peek();
      if (t.kind === 'ident' && INTERVAL_FIELDS.has(t.text.toLowerCase())) {
        this.#i++;
        return true;
      }
      return false;
    };
    if (!unit()) return;
    if (this.peekKeyword('to')) {
      this.#i++;
      if (!unit()) throw this.syntaxError(this.peek());
    }
  }

  #typeTextFrom(t: Token): string {
    // Report `FOO(3)` or `FOO<INT>` as written, the way Spark names the unsupported type.
    let end = t.offset + t.raw.length;
    if (this.#peekPunct('(') || this.#peekPunct('<')) {
      const close = this.#peekPunct('(') ? ')' : '>';
      const j = this.#tokens.findIndex((x, k) => k > this.#i && x.kind === 'punct' && x.text === close);
      if (j > 0) end = this.#tokens[j]!.offset + 1;
    }
    return this.#text.slice(t.offset, end).toUpperCase();
  }

  #peekPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === p;
  }

  #expectPunct(p: string): void {
    if (this.#peekPunct(p)) {
      this.#i++;
      return;
    }
    throw this.#missing(p);
  }

  #missing(what: string): RivuletError {
    const t = this.peek();
    const hint = t.kind === 'eof' || t.kind === 'punct' ? `: missing '${what}'` : '';
    return this.#error(t.offset, `Syntax error at or near ${describe(t)}${hint}`);
  }

  #unsupported(t: Token, typeName: string): RivuletError {
    return this.#error(t.offset, `Unsupported data type "${typeName}"`, 'UNSUPPORTED_DATATYPE', { typeName: `"${typeName}"` });
  }

  #error(offset: number, message: string, errorClass = 'PARSE_SYNTAX_ERROR', parameters?: Record<string, string>): RivuletError {
    return new RivuletError(errorClass, `${message}.${positionSuffix(this.#text, offset)}`, parameters ? { parameters } : {});
  }
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of input' : `'${t.raw}'`;
}

/** `(line l, pos p)` plus the `== SQL ==` block with a caret, as Spark's ParseException prints. */

function tokenize(text: string, fail: (offset: number, msg: string) => RivuletError): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c, raw: c, offset: i });
      i++;
    } else if (/[A-Za-z0-9_]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i]!)) i++;
      const word = text.slice(start, i);
      tokens.push({ kind: 'ident', text: word, raw: word, offset: start });
    } else if (c === '`') {
      const start = i;
      const { name, end } = readBackquoted(text, start, fail);
      i = end;
      tokens.push({ kind: 'quoted', text: name, raw: text.slice(start, i), offset: start });
    } else if (c === "'" || c === '"') {
      const start = i;
      const [value, end] = readString(text, i);
      if (end < 0) throw fail(start, `Syntax error at or near '${text.slice(start)}': unclosed string literal`);
      i = end;
      tokens.push({ kind: 'string', text: value, raw: text.slice(start, i), offset: start });
    } else {
      throw fail(i, `Syntax error at or near '${c}'`);
    }
  }
  tokens.push({ kind: 'eof', text: '', raw: '', offset: text.length });
  return tokens;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', '0': '\0', Z: '\x1a' };

/** A Spark string literal with backslash escapes (and `''` for a quote); returns [value, end] or end -1. */
function readString(text: string, start: number): [string, number] {
  const q = text[start]!;
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      const n = text[i + 1]!;
      if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      // Spark keeps `\%` and `\_` as written so LIKE patterns survive.
      out += n === '%' || n === '_' ? `\\${n}` : (ESCAPES[n] ?? n);
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
