/**
 * An abort listener that goes away with what it guards. Long-lived signals
 * (an informer's, a controller's, a leader's) see one wait after another:
 * each wait takes its listener off when it ends, not only when the signal
 * fires, or listeners pile up until Node warns of a leak.
 */

/**
 * Calls `fn` once when `signal` aborts, at once if it already has. Returns
 * the function that removes the listener (idempotent); call it when the
 * guarded thing ends.
 */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return noop;
  if (signal.aborted) {
    fn();
    return noop;
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

function noop(): void { /* nothing to remove */ }
