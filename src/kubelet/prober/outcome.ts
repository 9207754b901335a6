/**
 * What one probe attempt returns (upstream's probe.Result plus output).
 * Success with `warning` is upstream's probe.Warning: passed, but worth an
 * Event. A probe that could not run at all rejects instead (the prober
 * retries it and records nothing).
 */
export interface ProbeOutcome {
  result: 'Success' | 'Failure';
  output: string;
  warning?: boolean;
}

/** Go's net.JoinHostPort: brackets around an IPv6 host. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
