// Bundles fixtures/worker.mjs (the smoke program over the BUILT core, dist/) into ONE ES module for
// workerd, which runs a single script and cannot resolve bare imports. The output goes under the repo
// (workerd refuses `..` paths) in node_modules/.cache, which git and eslint already ignore.
// Used by test/node/runtimes.test.ts; by hand: `npx vite build --config test/runtimes/vite.worker.config.ts`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Where the bundle lands (relative to the repo root, as miniflare's scriptPath wants it). */
export const workerBundle = 'node_modules/.cache/rivulet-runtimes/workerd/worker.mjs';

export default defineConfig({
  root: here('.'),
  publicDir: false,
  logLevel: 'warn',
  // workerd's own export conditions (as Cloudflare's tooling resolves them), then the browser's.
  resolve: { conditions: ['workerd', 'worker', 'browser', 'module', 'import'] },
  build: {
    outDir: here('../../node_modules/.cache/rivulet-runtimes/workerd'),
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    sourcemap: false,
    copyPublicDir: false,
    lib: { entry: here('fixtures/worker.mjs'), formats: ['es'], fileName: () => 'worker.mjs' },
    rolldownOptions: { output: { codeSplitting: false } },
  },
});
