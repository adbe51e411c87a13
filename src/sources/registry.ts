/** Streaming source formats by name. Node-only formats register through `rivulet/node`. */
import { RivuletError } from '../errors.js';
import { lookupMemoryStream } from './memory-stream.js';
import { RateSource, RATE_SCHEMA } from './rate-source.js';
import { parseLogSourceOptions } from './log-protocol.js';
import { LOG_SCHEMA, SeedEventSource } from './seed-events.js';
import { SseSource } from './sse-source.js';
import { WebSocketSource } from './websocket-source.js';
import type { Source, SourceContext, SourceFactory } from './source.js';
import type { StructType } from '../types/data-types.js';

export interface SourceProvider {
  /** The schema a source of this format produces, from its options (and user schema). */
  schema(options: Readonly<Record<string, string>>, userSchema: StructType | undefined): StructType;
  create: SourceFactory;
}

const providers = new Map<string, SourceProvider>([
  [
    'memory',
    {
      schema(options) {
        const s = lookupMemoryStream(options['id'] ?? '');
        if (!s) throw new RivuletError('SOURCE_NOT_FOUND', `No MemoryStream with id '${options['id']}' in this process.`);
        return s.schema;
      },
      create(options) {
        const s = lookupMemoryStream(options['id'] ?? '');
        if (!s) throw new RivuletError('SOURCE_NOT_FOUND', `No MemoryStream with id '${options['id']}' in this process.`);
        return s;
      },
    },
  ],
  [
    'seed-events',
    {
      schema: () => LOG_SCHEMA,
      create: (options, ctx) => new SeedEventSource(options, ctx),
    },
  ],
  [
    'rate',
    {
      schema: () => RATE_SCHEMA,
      create: (options, ctx) => new RateSource(options, ctx),
    },
  ],
  // Replayable logs (src/sources/log-protocol.ts): options are checked at load(), as Spark's
  // Kafka source does, so a missing url or topic fails before a query starts.
  [
    'websocket',
    {
      schema: (options) => (parseLogSourceOptions('websocket', options), LOG_SCHEMA),
      create: (options) => new WebSocketSource(options),
    },
  ],
  [
    'sse',
    {
      schema: (options) => (parseLogSourceOptions('sse', options), LOG_SCHEMA),
      create: (options) => new SseSource(options),
    },
  ],
]);

export function registerSourceProvider(format: string, provider: SourceProvider): void {
  providers.set(format.toLowerCase(), provider);
}

export function sourceProvider(format: string): SourceProvider {
  const p = providers.get(format.toLowerCase());
  if (!p) {
    throw new RivuletError(
      'DATA_SOURCE_NOT_FOUND',
      `Failed to find the data source: ${format}. Available streaming sources: ${[...providers.keys()].sort().join(', ')}.`,
      { parameters: { provider: format } },
    );
  }
  return p;
}

export function createSource(format: string, options: Readonly<Record<string, string>>, ctx: SourceContext): Source {
  return sourceProvider(format).create(options, ctx);
}
