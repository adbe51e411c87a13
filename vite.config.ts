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
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
