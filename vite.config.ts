// Serves and builds the demo page (demo/). The library itself is built by tsc, not vite; tests use
// vitest.config.ts, which vitest prefers over this file.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./demo', import.meta.url)),
  // demo/main.ts imports ../src directly; vite allows it because the repo root (package.json) is
  // the workspace root.
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  // The engine's worker (src/runtime/worker/worker-entry.ts, started with
  // `new Worker(new URL('./worker-entry.js', import.meta.url), { type: 'module' })`) is bundled as
  // its own chunk; ES format keeps it a module worker, as the engine asks.
  worker: { format: 'es' },
  // Pre-bundling the engine's dependencies up front avoids a reload when vite discovers them.
  optimizeDeps: { include: ['rxjs', 'idb', 'comlink', 'eventsource-parser'] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
