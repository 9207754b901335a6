/**
 * Upstream's slowStartBatch: run `count` calls of `fn` in batches of 1, 2,
 * 4, ... (doubling while every call of a batch succeeds), so a controller
 * that cannot create pods (quota, admission) fails after one request, not
 * after hundreds.
 */

/** Resolves the number of calls that succeeded and the first error, if a batch had one (later batches are skipped). */
export async function slowStartBatch(count: number, initialBatchSize: number,
  fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, initialBatchSize); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += size - failed.length;
    if (failed.length > 0) return { successes, error: failed[0]!.reason };
    remaining -= size;
  }
  return { successes };
}
