/**
 * Node's worker factory for `start({ worker: true })`: a worker_thread running
 * ./worker-entry.js (built to dist/node/worker-entry.js), spoken to through comlink's Node
 * adapter. Registered by importing `rivulet/node`.
 */
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { RivuletError } from '../errors.js';
import { registerWorkerFactory, type WorkerHandle } from '../runtime/worker/remote-execution.js';

export function nodeWorkerFactory(): WorkerHandle {
  const worker = new Worker(new URL('./worker-entry.js', import.meta.url));
  // Like a local query's trigger timers, a running worker keeps the process alive until stop().
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', (e: Error) => reject(new RivuletError('WORKER_FAILED', `The query's worker thread failed: ${e.message}.`, { cause: e, parameters: { option: 'worker' } })));
  });
  failed.catch(() => undefined);
  return { endpoint: nodeEndpoint(worker), terminate: () => void worker.terminate(), failed };
}

registerWorkerFactory(nodeWorkerFactory);
