/** `spark.readStream`: builds a streaming DataFrame over a source format. */
import type { StructType } from '../types/data-types.js';
import { parseDDLSchema } from '../types/ddl.js';
import { newExprId } from '../expr/ast.js';
import { newPlanId } from '../plan/logical.js';
import { sourceProvider } from '../sources/registry.js';
import { DataFrame } from './dataframe.js';
import type { Session } from './session.js';

export class DataStreamReader {
  readonly #session: Session;
  #format = '';
  readonly #options: Record<string, string> = {};
  #schema: StructType | undefined;

  constructor(session: Session) {
    this.#session = session;
  }

  format(source: string): this {
    this.#format = source;
    return this;
  }
  option(key: string, value: string | number | boolean): this {
    this.#options[key] = String(value);
    return this;
  }
  options(map: Record<string, string | number | boolean>): this {
    for (const [k, v] of Object.entries(map)) this.option(k, v);
    return this;
  }
  schema(schema: StructType | string): this {
    this.#schema = typeof schema === 'string' ? parseDDLSchema(schema) : schema;
    return this;
  }
  load(): DataFrame {
    const options = { ...this.#options };
    const schema = sourceProvider(this.#format).schema(options, this.#schema);
    return streamingDataFrame(this.#session, this.#format, options, schema);
  }
}

export function streamingDataFrame(session: Session, format: string, options: Record<string, string>, schema: StructType): DataFrame {
  return new DataFrame(session, {
    node: 'StreamingRelation',
    id: newPlanId(),
    output: schema.fields.map((f) => ({ kind: 'attr', id: newExprId(), name: f.name, dataType: f.type, nullable: f.nullable })),
    source: { format, options },
  });
}
