import type { DataFrame } from '../api/dataframe.js';
import type { Sink } from './sink.js';

/** Spark's console sink: a `Batch: N` header, then the batch as show() prints it. */
export class ConsoleSink implements Sink {
  readonly description: string;
  readonly #numRows: number;
  readonly #truncate: boolean | number;
  readonly #log: (text: string) => void;

  constructor(options: Readonly<Record<string, string>>, log: (text: string) => void) {
    this.#numRows = options['numRows'] === undefined ? 20 : Number(options['numRows']);
    const t = options['truncate'];
    this.#truncate = t === undefined ? true : t === 'true' ? true : t === 'false' ? false : Number(t);
    this.#log = log;
    this.description = `org.apache.spark.sql.execution.streaming.ConsoleTable$`;
  }

  async addBatch(batchId: number, data: DataFrame): Promise<void> {
    const rule = '-------------------------------------------';
    this.#log(`${rule}\nBatch: ${batchId}\n${rule}\n${data.showString(this.#numRows, this.#truncate)}`);
  }
}
