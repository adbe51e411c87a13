/** rivulet: Spark Structured Streaming as an in-process, isomorphic TypeScript engine. */
export { Session, SessionBuilder } from './api/session.js';
export { Catalog, type TableInfo } from './api/catalog.js';
export { DataFrame, type RowObject } from './api/dataframe.js';
export { GroupedData } from './api/grouped-data.js';
export { Column, type ColumnLike, type ColumnOrValue } from './api/column.js';
export { F, type JsonParseMode } from './api/functions.js';
export { RuntimeConfig, type ConfValue } from './api/conf.js';
export { T } from './types/t.js';
export { RivuletError, isRivuletError } from './errors.js';
export type { DataType, StructType, StructField, ArrayType, MapType, CalendarInterval } from './types/data-types.js';
export type { Expr } from './expr/ast.js';
export type { LogicalPlan } from './plan/logical.js';
export { DataStreamReader } from './api/data-stream-reader.js';
export { DataStreamWriter, type StartOptions } from './api/data-stream-writer.js';
export { SessionMemoryStream } from './api/session.js';
export { MemoryStream } from './sources/memory-stream.js';
export { registerSourceProvider, type SourceProvider } from './sources/registry.js';
export type { Source, Offset, ReadLimit, SourceContext } from './sources/source.js';
export type { Sink } from './sinks/sink.js';
export type { ForeachWriter, ForeachFunction, ForeachBatchFunction } from './sinks/foreach-sink.js';
export { StreamingQuery } from './runtime/streaming-query.js';
export { StreamingQueryManager } from './runtime/query-manager.js';
export type { Clock } from './runtime/clock.js';
export type { TriggerSpec } from './runtime/trigger.js';
export type {
  StreamingQueryProgress,
  StreamingQueryStatus,
  StreamingQueryListener,
  SourceProgress,
  StateOperatorProgress,
} from './runtime/progress.js';
export type { OutputMode } from './plan/output-mode.js';
export { planToJSON, planFromJSON, planReplacer, planReviver } from './plan/serde.js';
export type { ProtocolStep } from './runtime/micro-batch-execution.js';
export { registerWebSocketImplementation, type WebSocketLike } from './sources/websocket-source.js';
export { partitionForKey, type LogRecord, type ProduceRecord } from './sources/log-protocol.js';
export { registerWorkerFactory, type WorkerFactory, type WorkerHandle } from './runtime/worker/remote-execution.js';
