/**
 * rivulet/node: the Node-only parts. Importing this entry registers `level://<path>`
 * checkpoint locations (LevelDB through `level`), so `import 'rivulet/node'` once, then use
 * `.option('checkpointLocation', 'level://./checkpoints/q1')`. It also gives the `websocket`
 * source the `ws` package's WebSocket (Node 20 has no global one), runs `start({ worker: true })`
 * queries in worker_threads, and exports the log server.
 */
import { WebSocket } from 'ws';
import { registerCheckpointScheme } from '../checkpoint/locations.js';
import { registerWebSocketImplementation } from '../sources/websocket-source.js';
import { openLevelKV } from './level-kv.js';
// Registers worker_threads as the runtime for start({ worker: true }).
import './worker.js';

registerCheckpointScheme('level', (path, options) => openLevelKV(path, options));
registerWebSocketImplementation(WebSocket);

export { openLevelKV, destroyLevelKV } from './level-kv.js';
export { startLogServer, type LogServer, type LogServerOptions, type AppendResult } from './log-server.js';
