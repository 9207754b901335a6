/** The nftables mode's own counters, with upstream's names (pkg/proxy/metrics/metrics.go). */
import { Counter, type Registry } from 'prom-client';

export interface NFTablesMetrics {
  readonly syncFailures: Counter;
  readonly cleanupFailures: Counter;
}

const byRegistry = new WeakMap<Registry, NFTablesMetrics>();

export function nftablesMetrics(registry: Registry): NFTablesMetrics {
  let m = byRegistry.get(registry);
  if (m) return m;
  const registers = [registry];
  m = {
    syncFailures: new Counter({ name: 'kubeproxy_sync_proxy_rules_nftables_sync_failures_total', help: 'Cumulative proxy nftables sync failures', registers }),
    cleanupFailures: new Counter({ name: 'kubeproxy_sync_proxy_rules_nftables_cleanup_failures_total', help: 'Cumulative proxy nftables cleanup failures', registers }),
  };
  byRegistry.set(registry, m);
  return m;
}
