/**
 * The worker_threads entry of `start({ worker: true })` under Node: registers the Node-only
 * parts (level:// checkpoints, ...) in the worker too, then exposes one query host over
 * comlink's Node adapter on the parent port.
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import './index.js';
import { createQueryHost } from '../runtime/worker/query-host.js';

if (!parentPort) throw new Error('rivulet/node worker-entry must run in a worker thread');
Comlink.expose(createQueryHost(), nodeEndpoint(parentPort));
