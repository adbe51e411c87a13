// Flat config. Deliberately no type-aware rules: they need a full type-check per lint run, and
// `tsc --noEmit` already runs in `npm test`.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The npm `events` package is the browser shim that `level` needs, so the bare name stays allowed;
// `node:events` is still caught by the `node:*` pattern.
const nodeBuiltins = builtinModules.filter((name) => !/^_|\//.test(name) && name !== 'events');

// One regex for static and dynamic imports: `node:*`, a bare built-in, or a built-in's subpath.
const nodeOnlyImport = `^(node:|(${nodeBuiltins.join('|')})(/|$))`;
const nodeOnlyMessage = 'Core code runs in browsers, workers and edge runtimes: Node built-ins belong in src/node/.';

const nodeOnlyGlobals = ['Buffer', '__dirname', '__filename', 'require', 'module', 'exports'].map((name) => ({
  name,
  message: `'${name}' exists only in Node: core code must run in browsers, workers and edge runtimes.`,
}));

const noNodeBuiltins = {
  'no-restricted-imports': ['error', { patterns: [{ regex: nodeOnlyImport, message: nodeOnlyMessage }] }],
  'no-restricted-globals': ['error', ...nodeOnlyGlobals],
  // `import('node:fs')` slips past no-restricted-imports, which only sees static imports.
  'no-restricted-syntax': [
    'error',
    {
      // esquery ends a regex at its first `/`, so the subpath case is left to `[^\\w.-]`.
      selector: `ImportExpression > Literal[value=/^(node:|(${nodeBuiltins.join('|')})([^\\w.-]|$))/]`,
      message: nodeOnlyMessage,
    },
  ],
};

// Plain .js/.mjs scripts are not type-checked, so no-undef stays on for them (typescript-eslint turns
// it off for .ts) and needs the globals they use.
const scriptGlobals = Object.fromEntries(
  [
    'process', 'console', 'URL', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'setInterval',
    'clearInterval', 'setImmediate', 'queueMicrotask', 'performance', 'globalThis', 'Buffer', 'fetch',
    'structuredClone', 'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal', 'WebSocket',
    'document', 'window', 'navigator', 'self',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.vitest-report.json', 'demo/dist/', '.deno/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  // TS files get these too: no-implied-eval only recognises `setTimeout` & co. as declared globals.
  { languageOptions: { globals: scriptGlobals } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Output formatting escapes control characters on purpose; a regex is the clear way to do it.
      'no-control-regex': 'off',
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    // The core: everything in src/ but the Node-only entry.
    files: ['src/**/*.ts'],
    ignores: ['src/node/**'],
    rules: noNodeBuiltins,
  },
  {
    // Tests that the browser project runs (see vitest.config.ts) must not need Node either.
    files: ['test/**/*.ts'],
    // test/runtimes/*.ts: build tooling for the runtime smoke test (a vite config), run by Node.
    ignores: ['test/node/**', 'test/dist/**', 'test/property/**', 'test/smoke/node*.test.ts', 'test/runtimes/*.ts'],
    rules: noNodeBuiltins,
  },
  {
    // The program test/node/runtimes.test.ts runs in Node, Bun, Deno and workerd: core code only.
    files: ['test/runtimes/fixtures/**'],
    rules: noNodeBuiltins,
  },
);
