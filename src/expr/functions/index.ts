/** The built-in function table, keyed by Spark SQL's lower-case name (aliases included). */
import type { FunctionDef } from '../registry.js';
import { accessFunctions } from './access.js';
import { aggregateFunctions } from './aggregates.js';
import { collectionFunctions } from './collection.js';
import { conditionalFunctions } from './conditional.js';
import { datetimeFunctions } from './datetime.js';
import { jsonFunctions } from './json.js';
import { mathFunctions } from './math.js';
import { operatorFunctions } from './operators.js';
import { stringFunctions } from './string.js';
import { windowFunctions } from './window.js';

let table: Map<string, FunctionDef> | undefined;

// Built lazily so that importing the package has no side effects ("sideEffects": false).
function builtins(): Map<string, FunctionDef> {
  if (!table) {
    table = new Map();
    for (const group of [
      operatorFunctions,
      mathFunctions,
      stringFunctions,
      datetimeFunctions,
      jsonFunctions,
      collectionFunctions,
      conditionalFunctions,
      windowFunctions,
      accessFunctions,
      aggregateFunctions,
    ] as readonly (readonly FunctionDef[])[]) {
      for (const f of group) table.set(f.name, f);
    }
    const aliases: Record<string, string> = {
      mean: 'avg',
      power: 'pow',
      ln: 'log',
      ifnull: 'nvl',
      now: 'current_timestamp',
      std: 'stddev',
      substr: 'substring',
      char_length: 'length',
      character_length: 'length',
      ucase: 'upper',
      lcase: 'lower',
      day: 'dayofmonth',
      printf: 'format_string',
      ceiling: 'ceil',
      sign: 'signum',
      cardinality: 'size',
      position: 'locate',
    };
    for (const [a, target] of Object.entries(aliases)) {
      const def = table.get(target);
      if (def && !table.has(a)) table.set(a, def);
    }
  }
  return table;
}

export function lookupFunction(name: string): FunctionDef | undefined {
  return builtins().get(name.toLowerCase());
}

export function isAggregateName(name: string): boolean {
  return lookupFunction(name)?.kind === 'aggregate';
}

export function functionNames(): string[] {
  return [...builtins().keys()];
}
