// vitest globalSetup for the browser project: starts an in-memory rivulet/node log server on
// 127.0.0.1 (any free port) for the tests that run the websocket and sse sources in Chromium,
// and hands them its URLs through `provide` (read them with `inject('logServer')`).
import type { TestProject } from 'vitest/node';
import { startLogServer } from '../../src/node/log-server.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startLogServer({ host: '127.0.0.1', port: 0, storage: 'memory', defaultPartitions: 2 });
  project.provide('logServer', { url: server.url, wsUrl: server.wsUrl });
  return () => server.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The browser project's log server (test/setup/log-server.ts). */
    logServer: { url: string; wsUrl: string };
  }
}
