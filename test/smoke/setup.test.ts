// Proves both vitest projects run what they claim to, and that the globals and the one runtime
// dependency every core module leans on behave the same in each.
import { firstValueFrom, from, map, toArray } from 'rxjs';
import { describe, expect, inject, it } from 'vitest';

describe('test setup', () => {
  const runtime = inject('runtime');

  it('runs in the runtime its project names', () => {
    const inBrowser = typeof document === 'object' && typeof window === 'object';
    expect(inBrowser).toBe(runtime === 'browser');
    // Node 20 has a `process` global; a browser page has none (vite does not shim it in tests).
    expect(typeof (globalThis as { process?: unknown }).process === 'object').toBe(runtime === 'node');
  });

  it('has the web-standard globals core code relies on', () => {
    expect(typeof globalThis.structuredClone).toBe('function');
    expect(typeof globalThis.queueMicrotask).toBe('function');
    expect(typeof globalThis.crypto.randomUUID()).toBe('string');
    expect(new TextDecoder().decode(new TextEncoder().encode('é'))).toBe('é');
    expect(structuredClone(new Map([[1, { a: [1n] }]]))).toEqual(new Map([[1, { a: [1n] }]]));
  });

  it('runs rxjs pipelines', async () => {
    const doubled = await firstValueFrom(from([1, 2, 3]).pipe(map((x) => x * 2), toArray()));
    expect(doubled).toEqual([2, 4, 6]);
  });
});
