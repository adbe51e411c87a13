/**
 * String functions with Spark's semantics: positions and lengths count Unicode code points
 * (Spark counts UTF-8 characters), `substring` is 1-based and accepts negative positions,
 * `trim` without a trim string removes spaces only, `concat` is null when any input is null
 * while `concat_ws` skips nulls, and regular expressions are Java's.
 *
 * Java regular expressions run on JS `RegExp` (with the `u` flag when the pattern allows it):
 * leading inline flags such as `(?i)`, `\Q...\E` quoting, `\A`/`\z` and the common POSIX classes
 * (`\p{Alpha}`, ...) are translated; possessive quantifiers become greedy ones. Replacement
 * strings follow `Matcher.appendReplacement` (`$1`, `${name}`, `\$`).
 */
import { RivuletError } from '../../errors.js';
import { isArray, type DataType } from '../../types/data-types.js';
import { sqlType } from '../../types/ddl.js';
import { constantValue, expectInputs, javaDoubleToString, javaFloatToString, widerCommonTypeOf } from '../cast.js';
import type { CompileInfo, Evaluator, ResolvedArg, ScalarFunction } from '../registry.js';
import { roundDecimal } from './math.js';

const INT_MAX = 2147483647;

const anyNullable = (args: readonly ResolvedArg[]): boolean => args.some((a) => a.nullable);

/** A null-intolerant function over fixed argument types. */
function simple(
  name: string,
  expected: readonly (DataType | readonly DataType[])[],
  result: DataType | ((argTypes: readonly DataType[]) => DataType),
  compile: (args: readonly Evaluator[], info: CompileInfo) => Evaluator,
  opts: { minArgs?: number; sql?: (xs: readonly string[]) => string; nullable?: boolean } = {},
): ScalarFunction {
  return {
    kind: 'scalar',
    name,
    minArgs: opts.minArgs ?? expected.length,
    maxArgs: expected.length,
    resolve(args, ctx) {
      const argTypes = expectInputs(args, expected, ctx.mismatch);
      const dataType = typeof result === 'function' ? result(argTypes) : result;
      return { dataType, nullable: opts.nullable ?? anyNullable(args), argTypes };
    },
    compile,
    ...(opts.sql ? { sql: opts.sql } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Code point helpers
// ---------------------------------------------------------------------------------------------

function codePoints(s: string): string[] {
  return Array.from(s);
}

function hasSurrogates(s: string): boolean {
  return /[\ud800-\udfff]/.test(s);
}

export function codePointLength(s: string): number {
  if (!hasSurrogates(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === 0 || s.charCodeAt(i - 1) < 0xd800 || s.charCodeAt(i - 1) > 0xdbff) n++;
  }
  return n;
}

/** Code points [start, end) of `s`; indices are clamped. */
function cpSlice(s: string, start: number, end: number): string {
  if (!hasSurrogates(s)) return s.slice(Math.max(0, start), Math.max(0, end));
  return codePoints(s).slice(Math.max(0, start), Math.max(0, end)).join('');
}

/** UTF8String.indexOf(v, start) in code points; -1 when absent, 0 for an empty `v`. */
function cpIndexOf(s: string, v: string, start: number): number {
  if (v.length === 0) return 0;
  if (!hasSurrogates(s)) return s.indexOf(v, start);
  const cps = codePoints(s);
  if (start >= cps.length) return -1;
  const unitStart = cps.slice(0, start).join('').length;
  const i = s.indexOf(v, unitStart);
  return i < 0 ? -1 : codePointLength(s.slice(0, i));
}

/** Spark's substringSQL bounds: 1-based, 0 means 1, negative counts from the end; null = empty. */
function substringBounds(len: number, pos: number, length: number): [number, number] | null {
  let start = pos > 0 ? pos - 1 : pos < 0 ? len + pos : 0;
  const end = start + length > INT_MAX ? INT_MAX : start + length;
  start = Math.max(start, 0);
  return start >= end ? null : [start, end];
}

// ---------------------------------------------------------------------------------------------
// Java regular expressions
// ---------------------------------------------------------------------------------------------

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Java regex syntax → JS source and flags (the subset that differs in common patterns). */
function translateJavaRegex(pattern: string): { source: string; flags: string } {
  let flags = '';
  let src = pattern;
  const inline = /^\(\?([imsux]+)\)/.exec(src);
  if (inline) {
    for (const f of inline[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
    src = src.slice(inline[0].length);
  }
  let out = '';
  let inClass = 0;
  // Whether the last thing emitted was a quantifier, so that a following `+` is possessive.
  let afterQuantifier = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    const wasQuantifier: boolean = afterQuantifier;
    afterQuantifier = false;
    if (c === '\\' && i + 1 < src.length) {
      const n = src[i + 1]!;
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const quoted = src.slice(i + 2, end < 0 ? src.length : end);
        out += escapeRegExp(quoted);
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if ((n === 'p' || n === 'P') && src[i + 2] === '{') {
        const close = src.indexOf('}', i + 3);
        const name = src.slice(i + 3, close < 0 ? src.length : close).replace(/^Is/, '');
        const posix = POSIX_CLASSES[name];
        if (posix !== undefined && close >= 0) {
          if (n === 'P') out += inClass ? '' : `[^${posix}]`;
          else out += inClass ? posix : `[${posix}]`;
          i = close;
          continue;
        }
      }
      if (!inClass && n === 'A') {
        out += '^';
        i++;
        continue;
      }
      if (!inClass && (n === 'z' || n === 'Z')) {
        out += '$';
        i++;
        continue;
      }
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[') inClass++;
      else if (c === ']') inClass--;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = 1;
    } else if (c === '*' || c === '+' || c === '?') {
      // Possessive (`a*+`) has no JS form: the greedy quantifier matches the same in practice.
      if (c === '+' && wasQuantifier) continue;
      afterQuantifier = !(c === '?' && wasQuantifier);
    } else if (c === '{') {
      const q = /^\{\d+(,\d*)?\}/.exec(src.slice(i));
      if (q) {
        out += q[0];
        i += q[0].length - 1;
        afterQuantifier = true;
        continue;
      }
    }
    out += c;
  }
  return { source: out, flags };
}

/** Compiles a Java regex; INVALID_PARAMETER_VALUE.PATTERN (Spark's class) when it is invalid. */
export function javaRegex(pattern: string, fn: string, global = false): RegExp {
  const { source, flags } = translateJavaRegex(pattern);
  const g = global ? 'g' : '';
  try {
    return new RegExp(source, `${flags}${g}u`);
  } catch {
    try {
      // Java accepts escapes such as `\,` that the `u` flag rejects.
      return new RegExp(source, `${flags}${g}`);
    } catch (cause) {
      throw new RivuletError(
        'INVALID_PARAMETER_VALUE.PATTERN',
        `The value of parameter(s) \`regexp\` in \`${fn}\` is invalid: '${pattern}'.`,
        { cause, parameters: { parameter: '`regexp`', functionName: `\`${fn}\`` } },
      );
    }
  }
}

function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`, re.flags.replace('g', '')).exec('')!.length - 1;
}

type ReplacementPart = string | number | { name: string };

/** Parses a Java replacement string (`$1`, `${name}`, `\x`) against a regex's group count. */
function parseReplacement(rep: string, groups: number): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let lit = '';
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i]!;
    if (c === '\\') {
      i++;
      if (i >= rep.length) throw badReplacement(rep, 'character to be escaped is missing');
      lit += rep[i];
    } else if (c === '$') {
      i++;
      if (i >= rep.length) throw badReplacement(rep, 'Illegal group reference: group index is missing');
      if (rep[i] === '{') {
        const close = rep.indexOf('}', i);
        if (close < 0) throw badReplacement(rep, "named capturing group is missing trailing '}'");
        if (lit) parts.push(lit);
        lit = '';
        parts.push({ name: rep.slice(i + 1, close) });
        i = close;
        continue;
      }
      let n = rep.charCodeAt(i) - 48;
      if (n < 0 || n > 9) throw badReplacement(rep, 'Illegal group reference');
      if (n > groups) throw badReplacement(rep, `No group ${n}`);
      // Java takes further digits while the group number stays valid.
      while (i + 1 < rep.length) {
        const d = rep.charCodeAt(i + 1) - 48;
        if (d < 0 || d > 9 || n * 10 + d > groups) break;
        n = n * 10 + d;
        i++;
      }
      if (lit) parts.push(lit);
      lit = '';
      parts.push(n);
    } else {
      lit += c;
    }
  }
  if (lit) parts.push(lit);
  return parts;
}

function badReplacement(rep: string, detail: string): RivuletError {
  return new RivuletError('INVALID_PARAMETER_VALUE.PATTERN', `The replacement '${rep}' of \`regexp_replace\` is invalid: ${detail}.`);
}

function applyReplacement(parts: readonly ReplacementPart[], m: RegExpExecArray): string {
  let s = '';
  for (const p of parts) {
    if (typeof p === 'string') s += p;
    else if (typeof p === 'number') s += m[p] ?? '';
    else s += m.groups?.[p.name] ?? '';
  }
  return s;
}

/** Java's `Pattern.split(input, limit)`, with Spark's rule that a limit of 0 means -1. */
export function javaSplit(s: string, re: RegExp, limit: number): string[] {
  if (limit === 0) limit = -1;
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  const limited = limit > 0;
  const out: string[] = [];
  let index = 0;
  let m: RegExpExecArray | null;
  while ((m = g.exec(s)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    // JS does not move past an empty match by itself; Java's Matcher.find does.
    if (start === end) g.lastIndex = start + (g.unicode && (s.codePointAt(start) ?? 0) > 0xffff ? 2 : 1);
    if (!limited || out.length < limit - 1) {
      // A zero-width match at the beginning never produces an empty leading substring.
      if (index === 0 && start === 0 && start === end) continue;
      out.push(s.slice(index, start));
      index = end;
    } else {
      out.push(s.slice(index));
      index = end;
      break;
    }
  }
  if (index === 0) return [s];
  if (!limited || out.length < limit) out.push(s.slice(index));
  return out;
}

function cachedPattern(info: CompileInfo, i: number, fn: string, global = false): (p: string) => RegExp {
  const c = info.args[i] && constantValue(info.args[i], info.timeZone);
  if (c && typeof c.value === 'string') {
    const re = javaRegex(c.value, fn, global);
    return () => re;
  }
  let last: string | undefined;
  let lastRe: RegExp | undefined;
  return (p) => {
    if (p !== last) {
      lastRe = javaRegex(p, fn, global);
      last = p;
    }
    return lastRe!;
  };
}

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

const upper = simple('upper', ['string'], 'string', ([a]) => (row) => (a!(row) as string).toUpperCase());
const lower = simple('lower', ['string'], 'string', ([a]) => (row) => (a!(row) as string).toLowerCase());

const length = simple('length', [['string', 'binary']], 'integer', ([a], info) => {
  if (info.argTypes[0] === 'binary') return (row) => (a!(row) as Uint8Array).length;
  return (row) => codePointLength(a!(row) as string);
});

const concat: ScalarFunction = {
  kind: 'scalar',
  name: 'concat',
  minArgs: 0,
  maxArgs: Infinity,
  resolve(args, ctx) {
    if (args.length > 0 && args.every((a) => isArray(a.dataType) || a.dataType === 'null')) {
      const t = widerCommonTypeOf(args.map((a) => a.dataType));
      if (!t) return ctx.mismatch(`input to function concat should have been STRING, BINARY or ARRAY with the same element type, got ${args.map((a) => sqlType(a.dataType)).join(', ')}`);
      return { dataType: t, nullable: anyNullable(args), argTypes: args.map(() => t) };
    }
    if (args.length > 0 && args.every((a) => a.dataType === 'binary')) {
      return { dataType: 'binary', nullable: anyNullable(args), argTypes: args.map(() => 'binary') };
    }
    const argTypes = expectInputs(args, args.map(() => 'string'), ctx.mismatch);
    return { dataType: 'string', nullable: anyNullable(args), argTypes };
  },
  compile(args, info) {
    if (isArray(info.dataType)) return (row) => args.flatMap((f) => f(row) as unknown[]);
    if (info.dataType === 'binary') {
      return (row) => {
        const parts = args.map((f) => f(row) as Uint8Array);
        const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let o = 0;
        for (const p of parts) {
          out.set(p, o);
          o += p.length;
        }
        return out;
      };
    }
    return (row) => {
      let s = '';
      for (const f of args) s += f(row) as string;
      return s;
    };
  },
};

const concatWs: ScalarFunction = {
  kind: 'scalar',
  name: 'concat_ws',
  minArgs: 1,
  maxArgs: Infinity,
  nullIntolerant: false,
  resolve(args, ctx) {
    const strOrArray: DataType[] = [{ type: 'array', elementType: 'string', containsNull: true }, 'string'];
    const argTypes = expectInputs(args, ['string', ...args.slice(1).map(() => strOrArray)], ctx.mismatch);
    return { dataType: 'string', nullable: args[0]!.nullable, argTypes };
  },
  compile([sep, ...rest], info) {
    const fs = sep!;
    const isArr = info.argTypes.slice(1).map((t) => isArray(t));
    return (row) => {
      const s = fs(row);
      if (s === null) return null;
      const parts: string[] = [];
      rest.forEach((f, i) => {
        const v = f(row);
        if (v === null) return;
        if (isArr[i]) {
          for (const x of v as (string | null)[]) if (x !== null) parts.push(x);
        } else {
          parts.push(v as string);
        }
      });
      return parts.join(s as string);
    };
  },
};

const substring = simple(
  'substring',
  [['string', 'binary'], 'integer', 'integer'],
  (t) => t[0]!,
  ([s, p, l], info) => {
    const binary = info.argTypes[0] === 'binary';
    const len = l ?? (() => INT_MAX);
    return (row) => {
      const pos = p!(row) as number;
      const n = len(row) as number;
      if (binary) {
        const b = s!(row) as Uint8Array;
        const r = substringBounds(b.length, pos, n);
        return r ? b.slice(r[0], r[1]) : new Uint8Array(0);
      }
      const str = s!(row) as string;
      const r = substringBounds(codePointLength(str), pos, n);
      return r ? cpSlice(str, r[0], r[1]) : '';
    };
  },
  { minArgs: 2, sql: (xs) => `substring(${xs[0]}, ${xs[1]}, ${xs[2] ?? String(INT_MAX)})` },
);

function left(name: 'left' | 'right'): ScalarFunction {
  return simple(name, ['string', 'integer'], 'string', ([s, n]) => (row) => {
    const str = s!(row) as string;
    const len = n!(row) as number;
    if (len <= 0) return '';
    const total = codePointLength(str);
    return name === 'left' ? cpSlice(str, 0, len) : cpSlice(str, Math.max(0, total - len), total);
  });
}

function trimFn(name: 'trim' | 'ltrim' | 'rtrim' | 'btrim', keyword: string): ScalarFunction {
  const leading = name !== 'rtrim';
  const trailing = name !== 'ltrim';
  return {
    kind: 'scalar',
    name,
    minArgs: 1,
    maxArgs: 2,
    resolve(args, ctx) {
      const argTypes = expectInputs(args, ['string', 'string'], ctx.mismatch);
      return { dataType: 'string', nullable: anyNullable(args), argTypes };
    },
    compile(args) {
      // The function form is trim(trimStr, str) (btrim(str, trimStr)); without trimStr only spaces go.
      const strArg = args.length === 1 || name === 'btrim' ? args[0]! : args[1]!;
      const setArg = args.length === 1 ? undefined : name === 'btrim' ? args[1]! : args[0]!;
      return (row) => {
        const s = strArg(row) as string;
        const set = setArg ? new Set(codePoints(setArg(row) as string)) : SPACE;
        const cps = codePoints(s);
        let i = 0;
        let j = cps.length;
        if (leading) while (i < j && set.has(cps[i]!)) i++;
        if (trailing) while (j > i && set.has(cps[j - 1]!)) j--;
        return i === 0 && j === cps.length ? s : cps.slice(i, j).join('');
      };
    },
    sql: (xs) => (xs.length === 1 || name === 'btrim' ? `${name}(${xs.join(', ')})` : `TRIM(${keyword} ${xs[0]} FROM ${xs[1]})`),
  };
}
const SPACE = new Set([' ']);

const split = simple(
  'split',
  ['string', 'string', 'integer'],
  { type: 'array', elementType: 'string', containsNull: false },
  ([s, p, l], info) => {
    const pattern = cachedPattern(info, 1, 'split');
    const limit = l ?? (() => -1);
    return (row) => {
      const str = s!(row) as string;
      const pat = p!(row) as string;
      const n = limit(row) as number;
      // UTF8String.split: an empty pattern splits into characters (trailing empties ignored).
      if (pat === '' && str !== '') {
        const cps = codePoints(str);
        const k = n > cps.length || n <= 0 ? cps.length : n;
        return [...cps.slice(0, k - 1), cps.slice(k - 1).join('')];
      }
      return javaSplit(str, pattern(pat), n);
    };
  },
  { minArgs: 2, sql: (xs) => `split(${xs[0]}, ${xs[1]}, ${xs[2] ?? '-1'})` },
);

const regexpReplace: ScalarFunction = {
  kind: 'scalar',
  name: 'regexp_replace',
  minArgs: 3,
  maxArgs: 4,
  resolve(args, ctx) {
    const argTypes = expectInputs(args, ['string', 'string', 'string', 'integer'], ctx.mismatch);
    const pos = args[3] && constantValue(args[3], ctx.timeZone);
    if (pos && typeof pos.value === 'number' && pos.value <= 0) {
      ctx.mismatch(`The \`position\` must be positive, but got ${pos.value}`);
    }
    return { dataType: 'string', nullable: anyNullable(args), argTypes };
  },
  compile(args, info) {
    const [s, p, r] = [args[0]!, args[1]!, args[2]!];
    const position = args[3] ?? (() => 1);
    const pattern = cachedPattern(info, 1, 'regexp_replace', true);
    let lastRep: string | undefined;
    let lastRe: RegExp | undefined;
    let parts: ReplacementPart[] = [];
    return (row) => {
      const source = s(row) as string;
      const re = pattern(p(row) as string);
      const rep = r(row) as string;
      if (rep !== lastRep || re !== lastRe) {
        parts = parseReplacement(rep, groupCount(re));
        lastRep = rep;
        lastRe = re;
      }
      const pos = (position(row) as number) - 1;
      if (pos < 0) throw new RivuletError('INVALID_PARAMETER_VALUE', `The value of parameter(s) \`position\` in \`regexp_replace\` is invalid: must be positive, got ${pos + 1}.`);
      if (pos !== 0 && pos >= source.length) return source;
      const target = source.slice(pos);
      re.lastIndex = 0;
      let out = source.slice(0, pos);
      let last = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(target)) !== null) {
        out += target.slice(last, m.index) + applyReplacement(parts, m);
        last = m.index + m[0].length;
        if (m[0].length === 0) re.lastIndex = m.index + (re.unicode && (target.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
        if (re.lastIndex > target.length) break;
      }
      return out + target.slice(last);
    };
  },
  sql: (xs) => `regexp_replace(${xs[0]}, ${xs[1]}, ${xs[2]}, ${xs[3] ?? '1'})`,
};

const regexpExtract: ScalarFunction = {
  kind: 'scalar',
  name: 'regexp_extract',
  minArgs: 2,
  maxArgs: 3,
  resolve(args, ctx) {
    const argTypes = expectInputs(args, ['string', 'string', 'integer'], ctx.mismatch);
    return { dataType: 'string', nullable: anyNullable(args), argTypes };
  },
  compile(args, info) {
    const [s, p] = [args[0]!, args[1]!];
    const idxOf = args[2] ?? (() => 1);
    const pattern = cachedPattern(info, 1, 'regexp_extract');
    return (row) => {
      const re = pattern(p(row) as string);
      const m = re.exec(s(row) as string);
      if (!m) return '';
      const idx = idxOf(row) as number;
      const groups = m.length - 1;
      if (idx < 0 || idx > groups) {
        const detail = idx < 0 ? `The group index must be non-negative, but got ${idx}` : `Expects group index between 0 and ${groups}, but got ${idx}`;
        throw new RivuletError('INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX', `The value of parameter(s) \`idx\` in \`regexp_extract\` is invalid: ${detail}.`, {
          parameters: { parameter: '`idx`', functionName: '`regexp_extract`', groupCount: String(groups), groupIndex: String(idx) },
        });
      }
      return m[idx] ?? '';
    };
  },
  sql: (xs) => `regexp_extract(${xs[0]}, ${xs[1]}, ${xs[2] ?? '1'})`,
};

const replace = simple(
  'replace',
  ['string', 'string', 'string'],
  'string',
  ([s, search, rep]) => {
    const r = rep ?? (() => '');
    return (row) => {
      const str = s!(row) as string;
      const what = search!(row) as string;
      return what === '' ? str : str.split(what).join(r(row) as string);
    };
  },
  { minArgs: 2, sql: (xs) => `replace(${xs[0]}, ${xs[1]}, ${xs[2] ?? ''})` },
);

function pad(name: 'lpad' | 'rpad'): ScalarFunction {
  return simple(
    name,
    ['string', 'integer', 'string'],
    'string',
    ([s, l, p]) => {
      const padOf = p ?? (() => ' ');
      return (row) => {
        const str = s!(row) as string;
        const len = l!(row) as number;
        const padStr = padOf(row) as string;
        const cps = codePoints(str);
        const spaces = len - cps.length;
        if (spaces <= 0 || padStr === '') return len <= 0 ? '' : cps.slice(0, len).join('');
        const padCps = codePoints(padStr);
        let fill = padStr.repeat(Math.floor(spaces / padCps.length));
        fill += padCps.slice(0, spaces % padCps.length).join('');
        return name === 'lpad' ? fill + str : str + fill;
      };
    },
    { minArgs: 2, sql: (xs) => `${name}(${xs[0]}, ${xs[1]}, ${xs[2] ?? ' '})` },
  );
}

const instr = simple('instr', ['string', 'string'], 'integer', ([s, sub]) => (row) => cpIndexOf(s!(row) as string, sub!(row) as string, 0) + 1);

const locate: ScalarFunction = {
  kind: 'scalar',
  name: 'locate',
  minArgs: 2,
  maxArgs: 3,
  nullIntolerant: false,
  resolve(args, ctx) {
    const argTypes = expectInputs(args, ['string', 'string', 'integer'], ctx.mismatch);
    return { dataType: 'integer', nullable: args[0]!.nullable || args[1]!.nullable, argTypes };
  },
  compile(args) {
    const [sub, s] = [args[0]!, args[1]!];
    const start = args[2] ?? (() => 1);
    // StringLocate: a null start gives 0, not null (Hive).
    return (row) => {
      const p = start(row);
      if (p === null) return 0;
      const v = sub(row);
      if (v === null) return null;
      const str = s(row);
      if (str === null) return null;
      if ((p as number) < 1) return 0;
      return cpIndexOf(str as string, v as string, (p as number) - 1) + 1;
    };
  },
  sql: (xs) => `locate(${xs[0]}, ${xs[1]}, ${xs[2] ?? '1'})`,
};

const reverse: ScalarFunction = {
  kind: 'scalar',
  name: 'reverse',
  minArgs: 1,
  maxArgs: 1,
  resolve(args, ctx) {
    const a = args[0]!;
    if (isArray(a.dataType)) return { dataType: a.dataType, nullable: a.nullable };
    const argTypes = expectInputs(args, ['string'], ctx.mismatch);
    return { dataType: 'string', nullable: a.nullable, argTypes };
  },
  compile([a], info) {
    const f = a!;
    if (isArray(info.dataType)) return (row) => [...(f(row) as unknown[])].reverse();
    return (row) => codePoints(f(row) as string).reverse().join('');
  },
};

const initcap = simple('initcap', ['string'], 'string', ([a]) => (row) => {
  const cps = codePoints((a!(row) as string).toLowerCase());
  for (let i = 0; i < cps.length; i++) if (i === 0 || cps[i - 1] === ' ') cps[i] = cps[i]!.toUpperCase();
  return cps.join('');
});

const repeat = simple('repeat', ['string', 'integer'], 'string', ([s, n]) => (row) => {
  const k = n!(row) as number;
  return k <= 0 ? '' : (s!(row) as string).repeat(k);
});

function bytesIndexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function predicate(name: 'startswith' | 'endswith' | 'contains'): ScalarFunction {
  return {
    kind: 'scalar',
    name,
    minArgs: 2,
    maxArgs: 2,
    resolve(args, ctx) {
      const binary = args.every((a) => a.dataType === 'binary');
      const argTypes = binary ? (['binary', 'binary'] as DataType[]) : expectInputs(args, ['string', 'string'], ctx.mismatch);
      return { dataType: 'boolean', nullable: anyNullable(args), argTypes };
    },
    compile([a, b], info) {
      const [fa, fb] = [a!, b!];
      if (info.argTypes[0] === 'binary') {
        return (row) => {
          const x = fa(row) as Uint8Array;
          const y = fb(row) as Uint8Array;
          if (name === 'contains') return bytesIndexOf(x, y, 0) >= 0;
          const at = name === 'startswith' ? 0 : x.length - y.length;
          return at >= 0 && bytesIndexOf(x, y, at) === at;
        };
      }
      if (name === 'startswith') return (row) => (fa(row) as string).startsWith(fb(row) as string);
      if (name === 'endswith') return (row) => (fa(row) as string).endsWith(fb(row) as string);
      return (row) => (fa(row) as string).includes(fb(row) as string);
    },
  };
}

const substringIndex = simple('substring_index', ['string', 'string', 'integer'], 'string', ([s, d, c]) => (row) => {
  const str = s!(row) as string;
  const delim = d!(row) as string;
  const count = c!(row) as number;
  if (delim === '' || count === 0) return '';
  if (count > 0) {
    let idx = -1;
    for (let k = 0; k < count; k++) {
      idx = str.indexOf(delim, idx + (k === 0 ? 0 : delim.length));
      if (idx < 0) return str;
    }
    return str.slice(0, idx);
  }
  let idx = str.length;
  for (let k = 0; k < -count; k++) {
    idx = idx - delim.length < 0 ? -1 : str.lastIndexOf(delim, idx - delim.length);
    if (idx < 0) return str;
  }
  return str.slice(idx + delim.length);
});

const translate = simple('translate', ['string', 'string', 'string'], 'string', ([s, m, r]) => (row) => {
  const from = codePoints(m!(row) as string);
  const to = codePoints(r!(row) as string);
  const dict = new Map<string, string | null>();
  from.forEach((ch, i) => {
    if (!dict.has(ch)) dict.set(ch, i < to.length ? to[i]! : null);
  });
  let out = '';
  for (const ch of codePoints(s!(row) as string)) {
    const t = dict.get(ch);
    if (t === undefined) out += ch;
    else if (t !== null) out += t;
  }
  return out;
});

const ascii = simple('ascii', ['string'], 'integer', ([s]) => (row) => (s!(row) as string).codePointAt(0) ?? 0);

// ---------------------------------------------------------------------------------------------
// format_string: java.util.Formatter
// ---------------------------------------------------------------------------------------------

const FORMAT_SPEC = /%(\d+\$|<)?([-#+ 0,(]*)(\d+)?(\.\d+)?([a-zA-Z%])/g;

function formatError(detail: string): RivuletError {
  return new RivuletError('INVALID_PARAMETER_VALUE', `The value of parameter(s) \`strfmt\` in \`format_string\` is invalid: ${detail}.`);
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function applyWidth(s: string, flags: string, width: number | undefined, zeroPadOk: boolean): string {
  if (width === undefined || s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width);
  if (flags.includes('0') && zeroPadOk) {
    const sign = /^[+\- (]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width);
}

function signed(neg: boolean, body: string, flags: string): string {
  if (neg) return flags.includes('(') ? `(${body})` : `-${body}`;
  if (flags.includes('+')) return `+${body}`;
  if (flags.includes(' ')) return ` ${body}`;
  return body;
}

function formatValue(conv: string, v: unknown, t: DataType, flags: string, width: number | undefined, precision: number | undefined): string {
  const lower = conv.toLowerCase();
  const upperCase = conv !== lower;
  let s: string;
  switch (lower) {
    case 'b':
      s = String(v === null ? false : typeof v === 'boolean' ? v : true);
      if (precision !== undefined) s = s.slice(0, precision);
      break;
    case 's':
      s = v === null ? 'null' : t === 'double' ? javaDoubleToString(v as number) : t === 'float' ? javaFloatToString(v as number) : String(v);
      if (precision !== undefined) s = s.slice(0, precision);
      break;
    case 'c':
      if (v === null) s = 'null';
      else if (t === 'integer') s = String.fromCodePoint(v as number);
      else throw formatError(`%${conv} != ${sqlType(t)}`);
      break;
    case 'd':
    case 'x':
    case 'o': {
      if (v === null) {
        s = 'null';
        break;
      }
      if (t !== 'integer' && t !== 'long') throw formatError(`%${conv} != ${sqlType(t)}`);
      const n = BigInt(v as number);
      if (lower === 'd') {
        const digits = (n < 0n ? -n : n).toString();
        s = signed(n < 0n, flags.includes(',') ? groupThousands(digits) : digits, flags);
      } else {
        // Java prints negative int/long in two's complement for %x and %o.
        const bits = t === 'integer' ? 32 : 64;
        const u = n < 0n ? BigInt.asUintN(bits, n) : n;
        s = u.toString(lower === 'x' ? 16 : 8);
        if (flags.includes('#')) s = (lower === 'x' ? '0x' : '0') + s;
      }
      s = applyWidth(s, flags, width, true);
      return upperCase ? s.toUpperCase() : s;
    }
    case 'f':
    case 'e':
    case 'g': {
      if (v === null) {
        s = 'null';
        break;
      }
      if (t !== 'double' && t !== 'float') throw formatError(`%${conv} != ${sqlType(t)}`);
      const d = v as number;
      if (!Number.isFinite(d)) {
        s = Number.isNaN(d) ? 'NaN' : signed(d < 0, 'Infinity', flags);
        return applyWidth(upperCase ? s.toUpperCase() : s, flags.replace('0', ''), width, false);
      }
      const neg = d < 0 || Object.is(d, -0);
      const abs = Math.abs(d);
      const p = precision ?? 6;
      let body: string;
      if (lower === 'f') {
        body = roundDecimal(abs, p, 'HALF_UP').toFixed(p);
        if (flags.includes(',')) {
          const [i, f] = body.split('.') as [string, string | undefined];
          body = groupThousands(i) + (f !== undefined ? `.${f}` : '');
        }
      } else if (lower === 'e') {
        body = javaExponential(abs, p);
      } else {
        const prec = p === 0 ? 1 : p;
        const rounded = abs === 0 ? 0 : roundDecimal(abs, prec - 1 - Math.floor(Math.log10(abs)), 'HALF_UP');
        body = rounded !== 0 && (rounded < 1e-4 || rounded >= 10 ** prec) ? javaExponential(abs, prec - 1) : rounded.toFixed(Math.max(0, prec - 1 - (rounded === 0 ? 0 : Math.floor(Math.log10(rounded)))));
      }
      s = applyWidth(signed(neg, body, flags), flags, width, true);
      return upperCase ? s.toUpperCase() : s;
    }
    default:
      throw formatError(`unknown conversion '${conv}'`);
  }
  s = applyWidth(s, flags, width, false);
  return upperCase ? s.toUpperCase() : s;
}

function javaExponential(abs: number, p: number): string {
  const [m, e] = abs.toExponential(p).split('e') as [string, string];
  const exp = Number(e);
  return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** java.util.Formatter over internal values typed by `types`. */
export function javaFormat(fmt: string, values: readonly unknown[], types: readonly DataType[]): string {
  let ordinary = 0;
  let previous = -1;
  let out = '';
  let last = 0;
  FORMAT_SPEC.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = FORMAT_SPEC.exec(fmt)) !== null) {
    out += fmt.slice(last, m.index);
    last = m.index + m[0].length;
    const [, index, flags = '', widthText, precText, conv] = m as unknown as [string, string | undefined, string, string | undefined, string | undefined, string];
    if (conv === '%') {
      out += applyWidth('%', flags, widthText === undefined ? undefined : Number(widthText), false);
      continue;
    }
    if (conv === 'n') {
      out += '\n';
      continue;
    }
    let i: number;
    if (index === '<') i = previous;
    else if (index !== undefined) i = Number(index.slice(0, -1)) - 1;
    else i = ordinary++;
    if (i < 0 || i >= values.length) throw formatError(`Format specifier '${m[0]}' has no argument`);
    previous = i;
    out += formatValue(conv, values[i] ?? null, types[i]!, flags, widthText === undefined ? undefined : Number(widthText), precText === undefined ? undefined : Number(precText.slice(1)));
  }
  const rest = fmt.slice(last);
  if (rest.includes('%')) throw formatError(`Format specifier '${rest.slice(rest.indexOf('%'))}' is incomplete`);
  return out + rest;
}

const formatString: ScalarFunction = {
  kind: 'scalar',
  name: 'format_string',
  minArgs: 1,
  maxArgs: Infinity,
  nullIntolerant: false,
  resolve(args, ctx) {
    const [fmt] = expectInputs(args.slice(0, 1), ['string'], ctx.mismatch);
    return { dataType: 'string', nullable: args[0]!.nullable, argTypes: [fmt!, ...args.slice(1).map((a) => a.dataType)] };
  },
  compile([fmt, ...rest], info) {
    const types = info.argTypes.slice(1);
    return (row) => {
      const f = fmt!(row);
      if (f === null) return null;
      return javaFormat(f as string, rest.map((e) => e(row)), types);
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Encodings and digests
// ---------------------------------------------------------------------------------------------

const base64 = simple('base64', ['binary'], 'string', ([b]) => (row) => {
  const bytes = b!(row) as Uint8Array;
  let bin = '';
  for (const x of bytes) bin += String.fromCharCode(x);
  return btoa(bin);
});

const unbase64 = simple(
  'unbase64',
  ['string'],
  'binary',
  ([s]) => (row) => {
    try {
      const bin = atob((s!(row) as string).replace(/\s+/g, ''));
      return Uint8Array.from(bin, (c) => c.charCodeAt(0));
    } catch {
      return null;
    }
  },
  { nullable: true },
);

/** MD5 (RFC 1321) of bytes as lower-case hex, for `md5`. */
export function md5Hex(bytes: Uint8Array): string {
  const K = new Int32Array(64);
  for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;
  const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  const n = bytes.length;
  const total = ((n + 8) >>> 6) * 64 + 64;
  const buf = new Uint8Array(total);
  buf.set(bytes);
  buf[n] = 0x80;
  const view = new DataView(buf.buffer);
  view.setUint32(total - 8, (n * 8) >>> 0, true);
  view.setUint32(total - 4, Math.floor(n / 0x20000000), true);
  let [a0, b0, c0, d0] = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476];
  for (let off = 0; off < total; off += 64) {
    let [a, b, c, d] = [a0, b0, c0, d0];
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      const s = S[(i >> 4) * 4 + (i % 4)]!;
      const x = (a + f + K[i]! + view.getInt32(off + g * 4, true)) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  const out = new DataView(new ArrayBuffer(16));
  [a0, b0, c0, d0].forEach((w, i) => out.setInt32(i * 4, w, true));
  let hex = '';
  for (let i = 0; i < 16; i++) hex += out.getUint8(i).toString(16).padStart(2, '0');
  return hex;
}

const md5 = simple('md5', ['binary'], 'string', ([b]) => (row) => md5Hex(b!(row) as Uint8Array));

export const stringFunctions: readonly ScalarFunction[] = [
  upper,
  lower,
  length,
  concat,
  concatWs,
  substring,
  left('left'),
  left('right'),
  trimFn('trim', 'BOTH'),
  trimFn('ltrim', 'LEADING'),
  trimFn('rtrim', 'TRAILING'),
  trimFn('btrim', 'BOTH'),
  split,
  regexpReplace,
  regexpExtract,
  replace,
  pad('lpad'),
  pad('rpad'),
  instr,
  locate,
  reverse,
  initcap,
  repeat,
  predicate('startswith'),
  predicate('endswith'),
  predicate('contains'),
  substringIndex,
  translate,
  ascii,
  formatString,
  base64,
  unbase64,
  md5,
];

