/**
 * `spark.catalog` (Spark's Catalog): the tables `spark.table(name)` resolves — memory sinks
 * (temporary views, Spark's `queryName` tables) and durable `table`-sink tables stored at a
 * location (see sinks/table-sink.ts). `createTable(name, location)` registers a table a query
 * wrote earlier (e.g. before a page reload) without writing to it.
 */
import { RivuletError } from '../errors.js';
import type { AttributeExpr } from '../expr/ast.js';
import type { Row } from '../expr/registry.js';
import type { OutputMode } from '../plan/output-mode.js';
import { loadTable } from '../sinks/table-sink.js';
import type { DataFrame } from './dataframe.js';
import type { Session } from './session.js';

/** What the catalog knows of a table: a memory sink or a `table` sink's contents. */
export interface CatalogTable {
  /** The columns; undefined while unknown (a memory sink before its first batch). */
  readonly output: readonly AttributeExpr[] | undefined;
  readonly outputMode: OutputMode;
  /** The KV location holding the table; null for a memory sink. */
  readonly location: string | null;
  /** The rows `spark.table(name)` shows. */
  tableRows(): Row[];
}

/** One entry of `spark.catalog.listTables()`. */
export interface TableInfo {
  readonly name: string;
  /** Where the table is stored (`idb://db/path`, ...); null for a memory sink's table. */
  readonly location: string | null;
  readonly outputMode: OutputMode;
  /** True for a memory sink's table (Spark lists it as a temporary view). */
  readonly isTemporary: boolean;
}

export class Catalog {
  readonly #session: Session;
  readonly #tables = new Map<string, CatalogTable>();

  constructor(session: Session) {
    this.#session = session;
  }

  /** The tables `spark.table(name)` can read, by name. */
  listTables(): TableInfo[] {
    return [...this.#tables.entries()]
      .filter(([, t]) => t.output !== undefined)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([name, t]) => ({ name, location: t.location, outputMode: t.outputMode, isTemporary: t.location === null }));
  }

  tableExists(name: string): boolean {
    return this.#tables.get(name)?.output !== undefined;
  }

  /**
   * Registers the table `name` stored at `location` (a `checkpointLocation`-style URL: the
   * query's checkpoint location, or the `path` it was written to), loads it and returns
   * `spark.table(name)`. TABLE_OR_VIEW_NOT_FOUND when no such table is stored there.
   */
  async createTable(name: string, location: string): Promise<DataFrame> {
    const existing = this.#tables.get(name);
    const table = await loadTable(location, name, 'location');
    if (!table) {
      throw new RivuletError('TABLE_OR_VIEW_NOT_FOUND', `The table or view \`${name}\` cannot be found at ${location}.`, { parameters: { relationName: name, location } });
    }
    if (existing && existing.output !== undefined && existing.location !== table.location) {
      throw new RivuletError(
        'TABLE_OR_VIEW_ALREADY_EXISTS',
        `Cannot create the table \`${name}\` at ${table.location}: a table of that name already exists${existing.location ? ` at ${existing.location}` : ' (a memory sink)'}.`,
        { parameters: { relationName: name } },
      );
    }
    this.#tables.set(name, table);
    return this.#session.table(name);
  }

  /** @internal Registers (or replaces) `name`: a memory sink or a table sink's contents. */
  register(name: string, table: CatalogTable): void {
    this.#tables.set(name, table);
  }

  /** @internal */
  lookup(name: string): CatalogTable | undefined {
    return this.#tables.get(name);
  }
}
