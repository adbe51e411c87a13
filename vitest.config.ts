// Two projects run the same suite: `node`, and `browser` (Debian's Chromium through Playwright).
// Core code must behave identically in both; tests that need Node live where the browser
// project does not look, tests that need a browser live in test/browser-only/.
import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Playwright's own browser downloads fail on these machines, so we always point it at a system build.
const chromium = process.env.RIVULET_CHROMIUM ?? '/usr/bin/chromium';
const skipBrowser = process.env.RIVULET_SKIP_BROWSER === '1';

if (!skipBrowser && !existsSync(chromium)) {
  throw new Error(
    `Chromium not found at ${chromium}: the browser test project needs it. Install it with ` +
      '`apt-get install -y chromium` (or set RIVULET_CHROMIUM to another binary), ' +
      'or set RIVULET_SKIP_BROWSER=1 to run only the node project.',
  );
}

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const allTests = 'test/**/*.test.ts';
const browserOnly = 'test/browser-only/**';
// Suites that need Node (built-ins, the built dist/, or too slow to be worth a second run).
const nodeOnly = ['test/node/**', 'test/dist/**', 'test/property/**', 'test/smoke/node*.test.ts'];

const nodeProject: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'node',
    environment: 'node',
    include: [allTests],
    exclude: [browserOnly],
    provide: { runtime: 'node' },
  },
};

const browserProject: TestProjectInlineConfiguration = {
  extends: true,
  // Pre-bundling every dependency up front avoids vite discovering one mid-run and reloading the page.
  optimizeDeps: { include: ['rxjs', 'idb', 'comlink', 'level', 'events', 'eventsource-parser'] },
  test: {
    name: 'browser',
    // A log server (in memory, 127.0.0.1) for the websocket and sse sources' browser tests.
    globalSetup: ['test/setup/log-server.ts'],
    include: [allTests],
    exclude: nodeOnly,
    provide: { runtime: 'browser' },
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({ launchOptions: { executablePath: chromium, args: chromiumArgs } }),
      instances: [{ browser: 'chromium' }],
    },
  },
};

export default defineConfig({
  test: {
    // The streaming harness waits up to 10 s for a query before failing with a diagnostic.
    testTimeout: 30_000,
    projects: skipBrowser ? [nodeProject] : [nodeProject, browserProject],
  },
});

declare module 'vitest' {
  export interface ProvidedContext {
    /** Which project a test runs in, for the few tests that check the runtime itself. */
    runtime: 'node' | 'browser';
  }
}
