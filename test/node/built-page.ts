// Shared by the Node tests that drive a built page in Debian's Chromium (demo.test.ts,
// page-reload.test.ts): build it with vite into a temp folder, serve it with `vite preview` on
// 127.0.0.1 (any free port), launch Chromium through playwright-core, and undo all of it.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build, preview } from 'vite';

const CHROMIUM_PATH = process.env.RIVULET_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface BuiltPage {
  readonly browser: Browser;
  /** `http://127.0.0.1:<port>/` */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Builds and serves a page: `configFile` (the repo's vite.config.ts) or a bare `root` folder. */
export async function startBuiltPage(page: { readonly configFile: string } | { readonly root: string }, tempPrefix: string): Promise<BuiltPage> {
  const vite = 'configFile' in page ? { configFile: page.configFile } : { root: page.root, configFile: false as const };
  const outDir = await mkdtemp(join(tmpdir(), tempPrefix));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(outDir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    await build({ ...vite, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    const server = await preview({ ...vite, logLevel: 'silent', preview: { host: '127.0.0.1', port: 0, strictPort: false }, build: { outDir } });
    cleanups.push(() => server.close());
    const baseUrl = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/`;
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
    cleanups.push(() => browser.close());
    return { browser, baseUrl, close };
  } catch (e) {
    await close();
    throw e;
  }
}
