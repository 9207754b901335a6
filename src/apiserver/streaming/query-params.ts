/**
 * Query parameters of the connect subresources as upstream's parameter
 * codec reads them (apimachinery pkg/runtime/conversion.go): a boolean is
 * false when absent, `0` or `false` (any case) and true for anything else;
 * an integer that does not parse is a 400 with Go's strconv text.
 */
import { badRequest } from '../../api/errors.js';

export function queryBool(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  return v !== null && v !== '0' && v.toLowerCase() !== 'false';
}

export function queryInt(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return n;
}

/** The options every remote-command subresource (exec, attach) takes. */
export interface StreamOptions {
  container: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** exec only. */
  command: string[];
}

export function parseStreamOptions(q: URLSearchParams): StreamOptions {
  return {
    container: q.get('container') ?? '',
    stdin: queryBool(q, 'stdin'),
    stdout: queryBool(q, 'stdout'),
    stderr: queryBool(q, 'stderr'),
    tty: queryBool(q, 'tty'),
    command: q.getAll('command'),
  };
}

/**
 * The kubelet's query for exec or attach (upstream's streamParams): other
 * names (`input`, `output`, `error`) and only the value `1`, keys sorted as
 * Go's url.Values.Encode sorts them.
 */
export function kubeletStreamQuery(o: StreamOptions, withCommand: boolean): string {
  const p = new URLSearchParams();
  if (withCommand) for (const c of o.command) p.append('command', c);
  if (o.stderr) p.append('error', '1');
  if (o.stdin) p.append('input', '1');
  if (o.stdout) p.append('output', '1');
  if (o.tty) p.append('tty', '1');
  return p.toString();
}

/** The kubelet's query for port-forward: `port=` comma-joined, only when `ports` were given (legacy WebSocket clients). */
export function kubeletPortForwardQuery(q: URLSearchParams): string {
  const ports = q.getAll('ports').flatMap((p) => p.split(',')).filter((p) => p !== '');
  for (const p of ports) {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 1 || n > 65535) throw badRequest(`invalid port ${JSON.stringify(p)}: must be between 1 and 65535`);
  }
  return ports.length ? new URLSearchParams({ port: ports.join(',') }).toString() : '';
}
