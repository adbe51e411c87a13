/**
 * rivulet/node: the Node-only parts. Importing this entry registers `level://<path>`
 * checkpoint locations (LevelDB through `level`), so `import 'rivulet/node'` once, then use
 * `.option('checkpointLocation', 'level://./checkpoints/q1')`.
 */
import { registerCheckpointScheme } from '../checkpoint/locations.js';
import { openLevelKV } from './level-kv.js';

registerCheckpointScheme('level', (path, options) => openLevelKV(path, options));

export { openLevelKV, destroyLevelKV } from './level-kv.js';
