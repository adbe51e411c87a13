/** Shared by the DDL and SQL-expression parsers: Spark's error position block and back-quoted names. */
import type { RivuletError } from '../errors.js';

/** Spark's ParseException suffix: `(line 1, pos 12)`, then the input with a caret line. */
export function positionSuffix(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const pos = before[before.length - 1]!.length;
  const lines = text.split('\n');
  const above = lines.slice(0, line);
  const below = lines.slice(line);
  return `(line ${line}, pos ${pos})\n\n== SQL ==\n${above.join('\n')}\n${'-'.repeat(pos)}^^^\n${below.map((l) => `${l}\n`).join('')}`;
}

/** Reads a back-quoted identifier starting at `start` (the opening quote; `` `` `` escapes one). */
export function readBackquoted(text: string, start: number, fail: (offset: number, msg: string) => RivuletError): { name: string; end: number } {
  let name = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw fail(start, `Syntax error at or near '${text.slice(start)}': unclosed back-quoted identifier`);
    if (text[i] === '`') {
      if (text[i + 1] === '`') {
        name += '`';
        i += 2;
        continue;
      }
      return { name, end: i + 1 };
    }
    name += text[i];
    i++;
  }
}
