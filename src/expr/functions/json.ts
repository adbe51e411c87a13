/**
 * JSON functions: `from_json`, `to_json`, `get_json_object`, with a small JSON reader that
 * accepts what Spark's Jackson configuration accepts (single quotes and NaN/Infinity for
 * `from_json`, unquoted control characters for `get_json_object`) and ignores text after the
 * first value, as Jackson does.
 *
 * `from_json(json, schema[, options])`: the schema is a constant string — DDL (`a INT, b
 * STRING`), a type (`array<int>`, `map<string,int>`) or Spark's JSON schema (`{"type":"struct",
 * ...}`). Options are a constant `map('mode', 'FAILFAST', ...)` (or, from the DataFrame API, a
 * literal Map / plain object, or just the mode string); keys are case-insensitive:
 * - `mode`: PERMISSIVE (default; unknown values fall back to it, as Spark does) or FAILFAST;
 *   DROPMALFORMED raises PARSE_MODE_UNSUPPORTED as in Spark.
 * - `timestampFormat`, `dateFormat` (patterns; without them Spark's lenient cast parsing is used),
 *   `timeZone`, `allowSingleQuotes`, `allowNonNumericNumbers`, `columnNameOfCorruptRecord`.
 * PERMISSIVE: malformed JSON gives a struct of nulls (null for array/map schemas); a value of the
 * wrong type makes only that top-level field null (Spark 3 also nulls the fields after it). A string field
 * named by `columnNameOfCorruptRecord` (default `_corrupt_record`) receives the bad record.
 * FAILFAST raises MALFORMED_RECORD_IN_PARSING quoting the record. Empty input gives null.
 *
 * `to_json(struct|array|map[, options])`: Spark's generator — null struct fields are omitted
 * (`ignoreNullFields`), timestamps `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in the session time zone, dates
 * `yyyy-MM-dd`, doubles as Java prints them, NaN/Infinity as strings, binary as base64.
 */
import { RivuletError } from '../../errors.js';
import { isArray, isMap, isStruct, type CalendarInterval, type DataType, type StructField } from '../../types/data-types.js';
import { parseDataType, parseDDLSchema, sqlType } from '../../types/ddl.js';
import { formatInterval } from '../../types/interval.js';
import {
  constantValue,
  describeArg,
  doubleToLong,
  formatDate,
  getTimeZone,
  javaDoubleToString,
  javaFloatToString,
  microsToDays,
  parseDate,
  parseTimestamp,
  type TimeZone,
} from '../cast.js';
import type { Expr } from '../ast.js';
import type { CompileInfo, ResolvedArg, ResolveContext, ScalarFunction } from '../registry.js';
import { DateTimePattern } from './datetime.js';

// ---------------------------------------------------------------------------------------------
// Reading JSON
// ---------------------------------------------------------------------------------------------

export type JsonNode =
  | { readonly t: 'obj'; readonly entries: readonly (readonly [string, JsonNode])[]; readonly start: number; readonly end: number }
  | { readonly t: 'arr'; readonly items: readonly JsonNode[]; readonly start: number; readonly end: number }
  | { readonly t: 'str'; readonly v: string; readonly start: number; readonly end: number }
  | { readonly t: 'num'; readonly text: string; readonly int: boolean; readonly start: number; readonly end: number }
  | { readonly t: 'special'; readonly v: number; readonly start: number; readonly end: number }
  | { readonly t: 'bool'; readonly v: boolean; readonly start: number; readonly end: number }
  | { readonly t: 'null'; readonly start: number; readonly end: number };

export interface JsonReadOptions {
  readonly singleQuotes: boolean;
  readonly nonNumeric: boolean;
  readonly unquotedControlChars: boolean;
}

class JsonSyntaxError extends Error {}

const NON_NUMERIC: readonly [string, number][] = [
  ['NaN', NaN],
  ['-Infinity', -Infinity],
  ['+Infinity', Infinity],
  ['Infinity', Infinity],
  ['-INF', -Infinity],
  ['+INF', Infinity],
  ['INF', Infinity],
];

/** The first JSON value of `text`; undefined for blank text; throws JsonSyntaxError. */
export function readJson(text: string, opts: JsonReadOptions): JsonNode | undefined {
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${i}`);
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const str = (quote: string): string => {
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i]!;
      if (c === quote) {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case '"':
          case '\\':
          case '/':
          case "'":
            if (e === "'" && !opts.singleQuotes) fail('invalid escape');
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid unicode escape');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            fail('invalid escape');
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20 && !opts.unquotedControlChars) fail('unescaped control character');
      out += c;
      i++;
    }
  };
  const value = (): JsonNode => {
    ws();
    const start = i;
    const c = text[i];
    if (c === undefined) return fail('unexpected end of input');
    if (c === '{') {
      i++;
      const entries: [string, JsonNode][] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { t: 'obj', entries, start, end: i };
      }
      for (;;) {
        ws();
        const q = text[i];
        if (q !== '"' && !(q === "'" && opts.singleQuotes)) fail('expected a field name');
        const key = str(q!);
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        entries.push([key, value()]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { t: 'obj', entries, start, end: i };
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { t: 'arr', items, start, end: i };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { t: 'arr', items, start, end: i };
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"' || (c === "'" && opts.singleQuotes)) {
      const v = str(c);
      return { t: 'str', v, start, end: i };
    }
    for (const [word, v] of [['true', true], ['false', false]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { t: 'bool', v, start, end: i };
      }
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return { t: 'null', start, end: i };
    }
    if (opts.nonNumeric) {
      for (const [word, v] of NON_NUMERIC) {
        if (text.startsWith(word, i)) {
          i += word.length;
          return { t: 'special', v, start, end: i };
        }
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-') return fail('unexpected character');
    // Jackson rejects leading zeros such as `01`.
    if (m[1] === '0' && /\d/.test(text[i + m[0].length] ?? '')) fail('leading zeros');
    i += m[0].length;
    return { t: 'num', text: m[0], int: m[2] === undefined && m[3] === undefined, start, end: i };
  };
  ws();
  if (i >= text.length) return undefined;
  return value();
}

/** Jackson's string escaping: control characters as `\uXXXX` (upper-case hex) or short forms. */
export function jsonQuote(s: string): string {
  let out = '"';
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 34) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c >= 0x20) out += s[k];
    else if (c === 8) out += '\\b';
    else if (c === 9) out += '\\t';
    else if (c === 10) out += '\\n';
    else if (c === 12) out += '\\f';
    else if (c === 13) out += '\\r';
    else out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `${out}"`;
}

function jsonDouble(d: number): string {
  return Number.isFinite(d) ? javaDoubleToString(d) : `"${javaDoubleToString(d)}"`;
}

/** Compact JSON as Jackson's `copyCurrentStructure` writes it (numbers re-printed). */
export function writeJson(n: JsonNode): string {
  switch (n.t) {
    case 'obj':
      return `{${n.entries.map(([k, v]) => `${jsonQuote(k)}:${writeJson(v)}`).join(',')}}`;
    case 'arr':
      return `[${n.items.map(writeJson).join(',')}]`;
    case 'str':
      return jsonQuote(n.v);
    case 'num':
      return n.int ? BigInt(n.text).toString() : jsonDouble(Number(n.text));
    case 'special':
      return jsonDouble(n.v);
    case 'bool':
      return String(n.v);
    case 'null':
      return 'null';
  }
}

// ---------------------------------------------------------------------------------------------
// from_json
// ---------------------------------------------------------------------------------------------

type Mode = 'PERMISSIVE' | 'FAILFAST';

interface FromJsonOptions {
  readonly mode: Mode;
  readonly timestampFormat?: DateTimePattern;
  readonly dateFormat?: DateTimePattern;
  readonly zone: TimeZone;
  readonly read: JsonReadOptions;
  readonly corruptColumn: string;
}

/** A value that does not fit the schema: the field becomes null (PERMISSIVE). */
class ConversionError extends Error {}

function asNullable(t: DataType): DataType {
  if (typeof t === 'string') return t;
  switch (t.type) {
    case 'array':
      return { type: 'array', elementType: asNullable(t.elementType), containsNull: true };
    case 'map':
      return { type: 'map', keyType: t.keyType, valueType: asNullable(t.valueType), valueContainsNull: true };
    case 'struct':
      return { type: 'struct', fields: t.fields.map((f) => ({ ...f, type: asNullable(f.type), nullable: true })) };
  }
}

function invalidSchema(detail: string, schema: string): RivuletError {
  return new RivuletError('INVALID_SCHEMA.PARSE_ERROR', `The input schema ${JSON.stringify(schema)} is not a valid schema string. ${detail}`, {
    parameters: { inputSchema: schema },
  });
}

function isDataTypeJson(v: unknown): v is DataType {
  if (typeof v === 'string') return true;
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  switch (o['type']) {
    case 'struct':
      return Array.isArray(o['fields']) && (o['fields'] as unknown[]).every((f) => typeof f === 'object' && f !== null && typeof (f as StructField).name === 'string' && isDataTypeJson((f as StructField).type));
    case 'array':
      return isDataTypeJson(o['elementType']);
    case 'map':
      return isDataTypeJson(o['keyType']) && isDataTypeJson(o['valueType']);
    default:
      return false;
  }
}

/** A from_json schema: Spark's JSON schema, a DDL field list, or a type name. */
export function parseJsonSchema(text: string): DataType {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (cause) {
      throw new RivuletError('INVALID_SCHEMA.PARSE_ERROR', `The input schema ${JSON.stringify(text)} is not a valid schema string. It is not valid JSON.`, {
        cause,
        parameters: { inputSchema: text },
      });
    }
    if (!isDataTypeJson(parsed)) throw invalidSchema('The JSON does not describe a Spark data type.', text);
    return withFieldDefaults(parsed);
  }
  try {
    return parseDDLSchema(text);
  } catch (ddlError) {
    try {
      return parseDataType(text);
    } catch {
      throw ddlError;
    }
  }
}

function withFieldDefaults(t: DataType): DataType {
  if (typeof t === 'string') return t;
  switch (t.type) {
    case 'array':
      return { type: 'array', elementType: withFieldDefaults(t.elementType), containsNull: t.containsNull ?? true };
    case 'map':
      return { type: 'map', keyType: withFieldDefaults(t.keyType), valueType: withFieldDefaults(t.valueType), valueContainsNull: t.valueContainsNull ?? true };
    case 'struct':
      return {
        type: 'struct',
        fields: t.fields.map((f) => ({ name: f.name, type: withFieldDefaults(f.type), nullable: f.nullable ?? true, metadata: f.metadata ?? {} })),
      };
  }
}

/** Options from a constant Map, object, `map(k, v, ...)` call or a bare mode string. */
function readOptions(arg: ResolvedArg | undefined, timeZone: string, fn: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!arg) return out;
  const put = (k: unknown, v: unknown): void => {
    if (k !== null && k !== undefined) out.set(String(k).toLowerCase(), String(v));
  };
  const c = constantValue(arg, timeZone);
  const v = c?.value ?? mapCallValue(arg.expr, timeZone);
  if (v === null || v === undefined) {
    if (c) return out;
    throw new RivuletError('INVALID_OPTIONS.NON_MAP_FUNCTION', `The options of \`${fn}\` must be a constant map, created with the \`map()\` function.`);
  }
  if (typeof v === 'string') {
    put('mode', v);
  } else if (v instanceof Map) {
    for (const [k, x] of v) put(k, x);
  } else if (Array.isArray(v)) {
    for (const pair of v) if (Array.isArray(pair)) put(pair[0], pair[1]);
  } else if (typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) put(k, x);
  }
  return out;
}

function mapCallValue(e: Expr, timeZone: string): Map<unknown, unknown> | undefined {
  const inner = e.kind === 'alias' ? e.child : e;
  if (inner.kind !== 'call' || inner.name.toLowerCase() !== 'map') return undefined;
  const m = new Map<unknown, unknown>();
  for (let i = 0; i + 1 < inner.args.length; i += 2) {
    const k = constantValue({ expr: inner.args[i]! }, timeZone);
    const v = constantValue({ expr: inner.args[i + 1]! }, timeZone);
    if (!k || !v) return undefined;
    m.set(k.value, v.value);
  }
  return m;
}

function parseMode(options: Map<string, string>): Mode {
  const mode = (options.get('mode') ?? 'PERMISSIVE').toUpperCase();
  if (mode === 'DROPMALFORMED') {
    throw new RivuletError(
      'PARSE_MODE_UNSUPPORTED',
      'The function `from_json` doesn\'t support the DROPMALFORMED mode. Acceptable modes are PERMISSIVE and FAILFAST.',
      { parameters: { funcName: '`from_json`', mode: 'DROPMALFORMED' } },
    );
  }
  return mode === 'FAILFAST' ? 'FAILFAST' : 'PERMISSIVE';
}

function bool(options: Map<string, string>, key: string, dflt: boolean): boolean {
  const v = options.get(key.toLowerCase());
  return v === undefined ? dflt : v.toLowerCase() === 'true';
}

function schemaOf(args: readonly ResolvedArg[], ctx: { timeZone: string; mismatch?: (d: string) => never }): DataType {
  const s = args[1] && constantValue(args[1], ctx.timeZone);
  if (!s || typeof s.value !== 'string') {
    throw new RivuletError(
      'INVALID_SCHEMA.NON_STRING_LITERAL',
      `The input schema ${args[1] ? describeArg(args[1].expr) : 'NULL'} is not a valid schema string. The input expression must be string literal and not null.`,
    );
  }
  return parseJsonSchema(s.value);
}

function checkSchema(t: DataType, ctx: ResolveContext): void {
  if (!isStruct(t) && !isArray(t) && !isMap(t)) ctx.mismatch(`Input schema "${sqlType(t)}" must be a struct, an array, a map or a variant`);
  const visit = (x: DataType): void => {
    if (typeof x === 'string') return;
    if (x.type === 'map') {
      if (x.keyType !== 'string') ctx.mismatch(`Input schema "${sqlType(t)}" can only contain "STRING" as a key type for a "MAP"`);
      visit(x.valueType);
    } else if (x.type === 'array') visit(x.elementType);
    else x.fields.forEach((f) => visit(f.type));
  };
  visit(t);
}

function fail(): never {
  throw new ConversionError();
}

/** A converter from a JSON node to an internal value of `t` (throws ConversionError). */
function converter(t: DataType, o: FromJsonOptions, source: string): (n: JsonNode) => unknown {
  if (typeof t === 'string') {
    switch (t) {
      case 'string':
        // Spark keeps the exact text of non-string values (numbers, objects) for string fields.
        return (n) => (n.t === 'str' ? n.v : source.slice(n.start, n.end));
      case 'boolean':
        return (n) => (n.t === 'bool' ? n.v : fail());
      case 'integer':
      case 'long':
        return (n) => {
          if (n.t !== 'num' || !n.int) return fail();
          const v = Number(n.text);
          if (t === 'integer') return v < -2147483648 || v > 2147483647 ? fail() : v;
          const big = BigInt(n.text);
          return big >= 2n ** 63n || big < -(2n ** 63n) ? fail() : v;
        };
      case 'float':
      case 'double':
        return (n) => {
          if (n.t === 'num') return Number(n.text);
          if (n.t === 'special') return n.v;
          if (n.t === 'str') {
            const special = NON_NUMERIC.find(([w]) => w === n.v);
            if (special) return special[1];
          }
          return fail();
        };
      case 'timestamp':
        return (n) => {
          if (n.t === 'num' && n.int) return doubleToLong(Number(n.text) * 1_000_000);
          if (n.t !== 'str') return fail();
          const v = o.timestampFormat ? o.timestampFormat.parse(n.v, o.zone) : parseTimestamp(n.v, o.zone.id);
          return v === null ? fail() : v;
        };
      case 'date':
        return (n) => {
          if (n.t !== 'str') return fail();
          const micros = o.dateFormat ? o.dateFormat.parse(n.v, o.zone) : null;
          const v = o.dateFormat ? (micros === null ? null : microsToDays(micros, o.zone)) : parseDate(n.v);
          return v === null ? fail() : v;
        };
      case 'binary':
        return (n) => {
          if (n.t !== 'str') return fail();
          try {
            const bin = atob(n.v);
            return Uint8Array.from(bin, (c) => c.charCodeAt(0));
          } catch {
            return fail();
          }
        };
      default:
        return () => fail();
    }
  }
  switch (t.type) {
    case 'array': {
      const el = nullable(converter(t.elementType, o, source));
      return (n) => (n.t === 'arr' ? n.items.map(el) : fail());
    }
    case 'map': {
      const val = nullable(converter(t.valueType, o, source));
      return (n) => {
        if (n.t !== 'obj') return fail();
        const m = new Map<unknown, unknown>();
        for (const [k, v] of n.entries) m.set(k, val(v));
        return m;
      };
    }
    case 'struct':
      return structConverter(t.fields, o, source, false).convert;
  }
}

function nullable(f: (n: JsonNode) => unknown): (n: JsonNode) => unknown {
  return (n) => (n.t === 'null' ? null : f(n));
}

/**
 * Object → positional row. A field that does not convert is null in PERMISSIVE mode (and marks
 * the record as bad, for the corrupt-record column); in FAILFAST mode the error propagates.
 */
function structConverter(
  fields: readonly StructField[],
  o: FromJsonOptions,
  source: string,
  root: boolean,
): { convert: (n: JsonNode) => unknown[]; bad: { value: boolean } } {
  const bad = { value: false };
  const index = new Map<string, number>();
  fields.forEach((f, i) => {
    if (!(root && f.name === o.corruptColumn && f.type === 'string')) index.set(f.name, i);
  });
  const convs = fields.map((f) => nullable(converter(f.type, o, source)));
  return {
    bad,
    convert: (n) => {
      if (n.t !== 'obj') return fail();
      const row: unknown[] = fields.map(() => null);
      for (const [k, v] of n.entries) {
        const i = index.get(k);
        if (i === undefined) continue;
        try {
          row[i] = convs[i]!(v);
        } catch (e) {
          if (!(e instanceof ConversionError) || o.mode === 'FAILFAST') throw e;
          row[i] = null;
          bad.value = true;
        }
      }
      return row;
    },
  };
}

function malformed(record: string): RivuletError {
  return new RivuletError(
    'MALFORMED_RECORD_IN_PARSING',
    `Malformed records are detected in record parsing: ${record}. Parse Mode: FAILFAST. To process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'.`,
    { parameters: { badRecord: record, failFastMode: 'FAILFAST' } },
  );
}

/** A from_json evaluator over JSON strings for `schema`. */
export function jsonParser(schema: DataType, options: Map<string, string>, sessionTimeZone: string): (json: string) => unknown {
  const tz = options.get('timezone') ?? sessionTimeZone;
  const o: FromJsonOptions = {
    mode: parseMode(options),
    zone: getTimeZone(tz),
    read: {
      singleQuotes: bool(options, 'allowSingleQuotes', true),
      nonNumeric: bool(options, 'allowNonNumericNumbers', true),
      unquotedControlChars: bool(options, 'allowUnquotedControlChars', false),
    },
    corruptColumn: options.get('columnnameofcorruptrecord') ?? '_corrupt_record',
    ...(options.has('timestampformat') ? { timestampFormat: DateTimePattern.of(options.get('timestampformat')!, true) } : {}),
    ...(options.has('dateformat') ? { dateFormat: DateTimePattern.of(options.get('dateformat')!, true) } : {}),
  };
  const nullSchema = asNullable(schema);
  return (json) => {
    let node: JsonNode | undefined;
    try {
      node = readJson(json, o.read);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      if (o.mode === 'FAILFAST') throw malformed(json);
      return badResult(nullSchema, o, json);
    }
    if (node === undefined) return null;
    try {
      if (isStruct(nullSchema)) {
        const sc = structConverter(nullSchema.fields, o, json, true);
        if (node.t === 'null') return nullSchema.fields.map(() => null);
        const row = sc.convert(node);
        const ci = corruptIndex(nullSchema, o);
        if (ci >= 0 && sc.bad.value) row[ci] = json;
        return row;
      }
      if (node.t === 'null') return null;
      if (isArray(nullSchema) && node.t === 'obj' && isStruct(nullSchema.elementType)) {
        // Spark reads a single object as a one-element array of structs.
        return [converter(nullSchema.elementType, o, json)(node)];
      }
      return converter(nullSchema, o, json)(node);
    } catch (e) {
      if (!(e instanceof ConversionError)) throw e;
      if (o.mode === 'FAILFAST') throw malformed(json);
      return badResult(nullSchema, o, json);
    }
  };
}

function corruptIndex(schema: DataType, o: FromJsonOptions): number {
  return isStruct(schema) ? schema.fields.findIndex((f) => f.name === o.corruptColumn && f.type === 'string') : -1;
}

function badResult(schema: DataType, o: FromJsonOptions, json: string): unknown {
  if (!isStruct(schema)) return null;
  const row: unknown[] = schema.fields.map(() => null);
  const ci = corruptIndex(schema, o);
  if (ci >= 0) row[ci] = json;
  return row;
}

const fromJson: ScalarFunction = {
  kind: 'scalar',
  name: 'from_json',
  minArgs: 2,
  maxArgs: 3,
  resolve(args, ctx) {
    const a = args[0]!;
    if (a.dataType !== 'string' && a.dataType !== 'null') {
      ctx.mismatch(`The first parameter requires the "STRING" type, however ${describeArg(a.expr)} has the type "${sqlType(a.dataType)}"`);
    }
    const schema = schemaOf(args, ctx);
    checkSchema(schema, ctx);
    parseMode(readOptions(args[2], ctx.timeZone, 'from_json'));
    return { dataType: asNullable(schema), nullable: true, argTypes: args.map((x, i) => (i === 0 ? 'string' : x.dataType)) };
  },
  compile(args, info) {
    const parse = jsonParser(schemaOf(info.args, info), readOptions(info.args[2], info.timeZone, 'from_json'), info.timeZone);
    const a = args[0]!;
    return (row) => parse(a(row) as string);
  },
  // Spark names the column after the input only: `from_json(value)`.
  sql: (xs) => `from_json(${xs[0]})`,
};

// ---------------------------------------------------------------------------------------------
// to_json
// ---------------------------------------------------------------------------------------------

interface ToJsonOptions {
  readonly timestamp: DateTimePattern;
  readonly date: DateTimePattern;
  readonly zone: TimeZone;
  readonly ignoreNullFields: boolean;
}

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

type Writer = (v: unknown) => string;

function writer(t: DataType, o: ToJsonOptions): Writer {
  if (typeof t === 'string') {
    switch (t) {
      case 'string':
        return (v) => jsonQuote(v as string);
      case 'boolean':
      case 'integer':
      case 'long':
        return (v) => String(v);
      case 'double':
        return (v) => jsonDouble(v as number);
      case 'float':
        return (v) => (Number.isFinite(v) ? javaFloatToString(v as number) : `"${javaFloatToString(v as number)}"`);
      case 'timestamp':
        return (v) => jsonQuote(o.timestamp.format(v as number, o.zone));
      case 'date':
        return (v) => jsonQuote(o.date.format((v as number) * 86_400_000_000, getTimeZone('UTC')));
      case 'binary':
        return (v) => jsonQuote(base64(v as Uint8Array));
      case 'interval':
        return (v) => jsonQuote(formatInterval(v as CalendarInterval));
      default:
        return () => 'null';
    }
  }
  switch (t.type) {
    case 'array': {
      const el = writer(t.elementType, o);
      return (v) => `[${(v as readonly unknown[]).map((x) => (x === null || x === undefined ? 'null' : el(x))).join(',')}]`;
    }
    case 'map': {
      const key = mapKey(t.keyType);
      const val = writer(t.valueType, o);
      return (v) => {
        const parts: string[] = [];
        for (const [k, x] of v as Map<unknown, unknown>) parts.push(`${jsonQuote(key(k))}:${x === null || x === undefined ? 'null' : val(x)}`);
        return `{${parts.join(',')}}`;
      };
    }
    case 'struct': {
      const fs = t.fields.map((f) => [jsonQuote(f.name), writer(f.type, o)] as const);
      return (v) => {
        const parts: string[] = [];
        fs.forEach(([name, w], i) => {
          const x = (v as readonly unknown[])[i];
          if (x === null || x === undefined) {
            if (!o.ignoreNullFields) parts.push(`${name}:null`);
          } else {
            parts.push(`${name}:${w(x)}`);
          }
        });
        return `{${parts.join(',')}}`;
      };
    }
  }
}

/** Map keys are written with the internal value's `toString`, as Spark's generator does. */
function mapKey(t: DataType): (k: unknown) => string {
  switch (t) {
    case 'double':
      return (k) => javaDoubleToString(k as number);
    case 'float':
      return (k) => javaFloatToString(k as number);
    case 'date':
      return (k) => formatDate(k as number);
    default:
      return (k) => String(k);
  }
}

const toJson: ScalarFunction = {
  kind: 'scalar',
  name: 'to_json',
  minArgs: 1,
  maxArgs: 2,
  resolve(args, ctx) {
    const a = args[0]!;
    if (!isStruct(a.dataType) && !isArray(a.dataType) && !isMap(a.dataType)) {
      ctx.mismatch(`Input schema "${sqlType(a.dataType)}" must be a struct, an array, a map or a variant`);
    }
    readOptions(args[1], ctx.timeZone, 'to_json');
    return { dataType: 'string', nullable: a.nullable, argTypes: args.map((x) => x.dataType) };
  },
  compile(args, info) {
    const options = readOptions(info.args[1], info.timeZone, 'to_json');
    const o: ToJsonOptions = {
      timestamp: DateTimePattern.of(options.get('timestampformat') ?? "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", false),
      date: DateTimePattern.of(options.get('dateformat') ?? 'yyyy-MM-dd', false),
      zone: getTimeZone(options.get('timezone') ?? info.timeZone),
      ignoreNullFields: bool(options, 'ignoreNullFields', true),
    };
    const w = writer(info.argTypes[0]!, o);
    const a = args[0]!;
    return (row) => w(a(row));
  },
  sql: (xs) => `to_json(${xs[0]})`,
};

// ---------------------------------------------------------------------------------------------
// get_json_object
// ---------------------------------------------------------------------------------------------

type PathStep = 'subscript' | 'wildcard' | 'key' | { index: number } | { name: string };

/** Spark's JsonPathParser: `$`, `.name`, `['name']`, `[n]`, `[*]`, `.*`; undefined when invalid. */
export function parseJsonPath(path: string): PathStep[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    if (rest.startsWith('.*') || rest.startsWith("['*']")) {
      steps.push('wildcard');
      i += rest.startsWith('.*') ? 2 : 5;
      continue;
    }
    let m = /^\.([^.[]+)/.exec(rest) ?? /^\['([^'?]+)'\]/.exec(rest);
    if (m) {
      steps.push('key', { name: m[1]! });
      i += m[0].length;
      continue;
    }
    m = /^\[(\*|\d+)\]/.exec(rest);
    if (m) {
      steps.push('subscript', m[1] === '*' ? 'wildcard' : { index: Number(m[1]) });
      i += m[0].length;
      continue;
    }
    return undefined;
  }
  return steps;
}

/** A tiny JSON generator: separators inside arrays, as Jackson's. */
class Gen {
  out = '';
  readonly #stack: { first: boolean }[] = [];

  #sep(): void {
    const top = this.#stack[this.#stack.length - 1];
    if (top) {
      if (!top.first) this.out += ',';
      top.first = false;
    }
  }

  value(json: string): void {
    this.#sep();
    this.out += json;
  }

  raw(text: string): void {
    this.out += text;
  }

  startArray(): void {
    this.#sep();
    this.out += '[';
    this.#stack.push({ first: true });
  }

  endArray(): void {
    this.#stack.pop();
    this.out += ']';
  }
}

type Style = 'raw' | 'quoted' | 'flatten';

const isStep = (s: PathStep | undefined, what: 'subscript' | 'wildcard' | 'key'): boolean => s === what;

/** GetJsonObject.evaluatePath over a parsed tree: whether anything was written. */
function evaluatePath(n: JsonNode, g: Gen, style: Style, path: readonly PathStep[]): boolean {
  if (path.length === 0) {
    if (n.t === 'str' && style === 'raw') {
      g.raw(n.v);
      return true;
    }
    if (n.t === 'arr' && style === 'flatten') {
      let dirty = false;
      for (const x of n.items) dirty = evaluatePath(x, g, style, []) || dirty;
      return dirty;
    }
    // JSON null at the top is no match: the result is SQL NULL (SPARK-12028).
    if (n.t === 'null' && style === 'raw') return false;
    g.value(writeJson(n));
    return true;
  }
  const [p0, p1, p2, p3] = path;
  if (n.t === 'obj' && isStep(p0, 'key')) {
    const xs = path.slice(1);
    for (const [k, v] of n.entries) {
      const step = xs[0];
      if (step === 'wildcard' || (typeof step === 'object' && 'name' in step && step.name === k)) {
        if (evaluatePath(v, g, style, xs.slice(1))) return true;
      }
    }
    return false;
  }
  if (n.t === 'arr' && isStep(p0, 'subscript')) {
    if (isStep(p1, 'wildcard') && isStep(p2, 'subscript') && isStep(p3, 'wildcard')) {
      // Hive's non-structure-preserving double wildcard.
      let dirty = false;
      g.startArray();
      for (const x of n.items) dirty = evaluatePath(x, g, 'flatten', path.slice(4)) || dirty;
      g.endArray();
      return dirty;
    }
    if (isStep(p1, 'wildcard') && style !== 'quoted') {
      const next: Style = style === 'raw' ? 'quoted' : 'flatten';
      const buf = new Gen();
      buf.startArray();
      let dirty = 0;
      for (const x of n.items) if (evaluatePath(x, buf, next, path.slice(2))) dirty++;
      buf.endArray();
      // A single match is written without the outer array (Hive).
      if (dirty > 1) g.value(buf.out);
      else if (dirty === 1) g.value(buf.out.slice(1, -1));
      return dirty > 0;
    }
    if (isStep(p1, 'wildcard')) {
      let dirty = false;
      g.startArray();
      for (const x of n.items) dirty = evaluatePath(x, g, 'quoted', path.slice(2)) || dirty;
      g.endArray();
      return dirty;
    }
    if (typeof p1 === 'object' && 'index' in p1) {
      const item = n.items[p1.index];
      if (!item) return false;
      const xs = path.slice(2);
      return evaluatePath(item, g, isStep(xs[0], 'subscript') && isStep(xs[1], 'wildcard') ? 'quoted' : style, xs);
    }
  }
  return false;
}

const GET_JSON_READ: JsonReadOptions = { singleQuotes: false, nonNumeric: false, unquotedControlChars: true };

/** get_json_object on one document; null when the JSON or the path is invalid or nothing matches. */
export function getJsonObject(json: string, path: readonly PathStep[] | undefined): string | null {
  if (!path) return null;
  let node: JsonNode | undefined;
  try {
    node = readJson(json, GET_JSON_READ);
  } catch {
    return null;
  }
  if (!node) return null;
  const g = new Gen();
  return evaluatePath(node, g, 'raw', path) ? g.out : null;
}

const getJsonObjectFn: ScalarFunction = {
  kind: 'scalar',
  name: 'get_json_object',
  minArgs: 2,
  maxArgs: 2,
  resolve(args, ctx) {
    for (const [i, a] of args.entries()) {
      if (a.dataType !== 'string' && a.dataType !== 'null') {
        ctx.mismatch(`The ${i === 0 ? 'first' : 'second'} parameter requires the "STRING" type, however ${describeArg(a.expr)} has the type "${sqlType(a.dataType)}"`);
      }
    }
    return { dataType: 'string', nullable: true, argTypes: ['string', 'string'] };
  },
  compile([j, p], info: CompileInfo) {
    const [fj, fp] = [j!, p!];
    const c = constantValue(info.args[1]!, info.timeZone);
    if (c && typeof c.value === 'string') {
      const path = parseJsonPath(c.value);
      return (row) => getJsonObject(fj(row) as string, path);
    }
    return (row) => getJsonObject(fj(row) as string, parseJsonPath(fp(row) as string));
  },
};

export const jsonFunctions: readonly ScalarFunction[] = [fromJson, toJson, getJsonObjectFn];
