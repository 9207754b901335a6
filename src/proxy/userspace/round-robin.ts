/**
 * The userspace proxy's load balancer (upstream's
 * pkg/proxy/userspace/roundrobin.go, as last shipped in v1.25): per service
 * port, a list of endpoints (`ip:port`) shuffled whenever the set changes,
 * handed out in turn; with ClientIP affinity a client IP keeps its endpoint
 * until it has been idle for the affinity timeout.
 */
export class NoEndpointsError extends Error {
  constructor(service: string) {
    super(`missing endpoints for ${service}`);
    this.name = 'NoEndpointsError';
  }
}

interface Affinity { endpoint: string; lastUsed: number }

interface PortState {
  endpoints: string[];
  index: number;
  /** Affinity timeout in ms; 0 without ClientIP affinity. */
  ttlMs: number;
  affinity: Map<string, Affinity>;
}

export class LoadBalancerRR {
  private readonly ports = new Map<string, PortState>();

  constructor(private readonly now: () => number = Date.now, private readonly random: () => number = Math.random) {}

  /**
   * Sets the endpoints and affinity of `service`. A changed set (compared
   * as sets) is shuffled and the turn restarts from its first endpoint;
   * affinities to endpoints that left are dropped. `affinitySeconds` 0: none.
   */
  update(service: string, endpoints: readonly string[], affinitySeconds: number): void {
    let st = this.ports.get(service);
    if (!st) this.ports.set(service, st = { endpoints: [], index: 0, ttlMs: 0, affinity: new Map() });
    const ttlMs = affinitySeconds * 1000;
    if (st.ttlMs !== ttlMs) {
      st.ttlMs = ttlMs;
      st.affinity.clear();
    }
    const same = st.endpoints.length === endpoints.length && [...st.endpoints].sort().join(',') === [...endpoints].sort().join(',');
    if (same) return;
    const shuffled = [...endpoints];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    st.endpoints = shuffled;
    st.index = 0;
    const keep = new Set(endpoints);
    for (const [ip, a] of st.affinity) if (!keep.has(a.endpoint)) st.affinity.delete(ip);
  }

  delete(service: string): void { this.ports.delete(service); }

  hasEndpoints(service: string): boolean { return (this.ports.get(service)?.endpoints.length ?? 0) > 0; }

  /**
   * The endpoint for a new connection or UDP client from `clientIP`. With
   * `resetAffinity` (a dial to the sticky endpoint failed) the client's
   * affinity is ignored and replaced. Throws NoEndpointsError when there are none.
   */
  next(service: string, clientIP: string, resetAffinity = false): string {
    const st = this.ports.get(service);
    if (!st || st.endpoints.length === 0) throw new NoEndpointsError(service);
    const now = this.now();
    if (st.ttlMs > 0 && !resetAffinity) {
      const a = st.affinity.get(clientIP);
      if (a && now - a.lastUsed < st.ttlMs) {
        a.lastUsed = now;
        return a.endpoint;
      }
    }
    const endpoint = st.endpoints[st.index % st.endpoints.length]!;
    st.index = (st.index + 1) % st.endpoints.length;
    if (st.ttlMs > 0) st.affinity.set(clientIP, { endpoint, lastUsed: now });
    return endpoint;
  }
}
