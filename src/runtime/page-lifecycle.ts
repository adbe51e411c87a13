/**
 * Page lifecycle for queries with an IndexedDB checkpoint. A tab that is hidden for good
 * ('pagehide': navigation, reload, close, entering the back/forward cache) or frozen ('freeze':
 * a background tab suspended by the browser) gets no further chance to run JavaScript, so the
 * query is told to stop there: no new batch is planned, and the one running finishes or is cut off
 * by the page going away. Either way the checkpoint's last commit is durable, and the next start()
 * on the same location resumes from it (an unfinished batch is re-run with its logged offsets).
 *
 * Stopping also closes the IndexedDB connection, which keeps the page eligible for the
 * back/forward cache. A page restored from it ('pageshow' with persisted, or 'resume' after
 * 'freeze') must start() the query again: nothing restarts it here.
 *
 * Touches no global until called, and guards every DOM-only one, so it loads in every runtime.
 */

/** What the lifecycle needs of a query (StreamingQuery satisfies it). */
export interface StoppableQuery {
  stop(): Promise<void>;
  awaitTermination(): Promise<boolean>;
}

interface ListenerTarget {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

function isTarget(x: unknown): x is ListenerTarget {
  return typeof x === 'object' && x !== null && typeof (x as ListenerTarget).addEventListener === 'function' && typeof (x as ListenerTarget).removeEventListener === 'function';
}

/**
 * Stops `query` on the global scope's 'pagehide' and the document's 'freeze'; the listeners are
 * removed when the query terminates (however it ends). Returns a function that removes them early.
 * In a runtime without `addEventListener` on the global scope it does nothing.
 */
export function stopOnPageLifecycle(query: StoppableQuery, scope: unknown = globalThis): () => void {
  if (!isTarget(scope)) return () => undefined;
  const doc = (scope as { document?: unknown }).document;
  const targets: [ListenerTarget, string][] = [[scope, 'pagehide']];
  if (isTarget(doc)) targets.push([doc, 'freeze']);
  let attached = true;
  const detach = (): void => {
    if (!attached) return;
    attached = false;
    for (const [t, type] of targets) t.removeEventListener(type, onHide);
  };
  function onHide(): void {
    detach();
    // Nothing can await here: the page may be gone before stop() settles. A failing stop leaves
    // the checkpoint as a crash would, which recovery handles.
    void query.stop().catch(() => undefined);
  }
  for (const [t, type] of targets) t.addEventListener(type, onHide);
  // A failed query rejects awaitTermination; either way it has terminated.
  query.awaitTermination().then(detach, detach);
  return detach;
}
