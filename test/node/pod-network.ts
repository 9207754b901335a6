/**
 * The node tests' view of the pod network from the host: a pod CIDR no
 * route of this machine uses, and HTTP to a pod IP retried until it answers.
 */
import { execFileSync } from 'node:child_process';

/** A 10.88.x prefix (x in 100..199) that no route of this machine uses. */
export function freeSubnetPrefix(): string {
  const routes = execFileSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' });
  for (let i = 0; i < 50; i++) {
    const prefix = `10.88.${100 + Math.floor(Math.random() * 100)}`;
    if (!routes.includes(`${prefix}.`)) return prefix;
  }
  throw new Error('no free 10.88.x.0/24 subnet');
}

/** The body of a 2xx GET of `url`, retried for up to 10 s. */
export async function httpGet(url: string): Promise<string> {
  let last: unknown;
  for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return await res.text();
      last = new Error(`HTTP ${res.status}`);
    } catch (err) {
      last = err;
    }
  }
  throw new Error(`GET ${url} failed`, { cause: last });
}
