/**
 * The Web Worker entry of `start({ worker: true })` (browsers, and any runtime with module
 * Workers): exposes one query host over comlink on the worker's global scope.
 */
import * as Comlink from 'comlink';
import { createQueryHost } from './query-host.js';

Comlink.expose(createQueryHost());
