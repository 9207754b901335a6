/**
 * GET /metrics/resource (upstream pkg/kubelet/metrics/collectors/resource_metrics.go):
 * the Summary's CPU and memory in Prometheus text, each sample stamped
 * with the time it was measured, as metrics-server reads them.
 */
import type { CPUStats, MemoryStats, Summary } from './stats-types.js';

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: string[];
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function sample(name: string, l: Record<string, string>, value: number, time: string): string {
  return `${name}${labels(l)} ${value} ${Date.parse(time)}`;
}

export function renderResourceMetrics(summary: Summary | undefined): string {
  const f = (name: string, type: Family['type'], help: string): Family => ({ name, type, help: `[STABLE] ${help}`, samples: [] });
  const nodeCpu = f('node_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the node in core-seconds');
  const nodeMem = f('node_memory_working_set_bytes', 'gauge', 'Current working set of the node in bytes');
  const ctrCpu = f('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the container in core-seconds');
  const ctrMem = f('container_memory_working_set_bytes', 'gauge', 'Current working set of the container in bytes');
  const ctrStart = f('container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds');
  const podCpu = f('pod_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the pod in core-seconds');
  const podMem = f('pod_memory_working_set_bytes', 'gauge', 'Current working set of the pod in bytes');
  const scrapeError = f('resource_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise');
  const cpu = (fam: Family, l: Record<string, string>, c: CPUStats | undefined): void => {
    if (c?.usageCoreNanoSeconds !== undefined) fam.samples.push(sample(fam.name, l, c.usageCoreNanoSeconds / 1e9, c.time));
  };
  const mem = (fam: Family, l: Record<string, string>, m: MemoryStats | undefined): void => {
    if (m?.workingSetBytes !== undefined) fam.samples.push(sample(fam.name, l, m.workingSetBytes, m.time));
  };
  if (summary) {
    cpu(nodeCpu, {}, summary.node.cpu);
    mem(nodeMem, {}, summary.node.memory);
    for (const p of summary.pods) {
      const pl = { namespace: p.podRef.namespace, pod: p.podRef.name };
      cpu(podCpu, pl, p.cpu);
      mem(podMem, pl, p.memory);
      for (const c of p.containers) {
        const cl = { container: c.name, ...pl };
        cpu(ctrCpu, cl, c.cpu);
        mem(ctrMem, cl, c.memory);
        ctrStart.samples.push(sample(ctrStart.name, cl, Date.parse(c.startTime) / 1000, c.startTime));
      }
    }
  }
  scrapeError.samples.push(`${scrapeError.name} ${summary ? 0 : 1}`);
  return [ctrCpu, ctrMem, ctrStart, nodeCpu, nodeMem, podCpu, podMem, scrapeError]
    .filter((fam) => fam.samples.length > 0)
    .map((fam) => `# HELP ${fam.name} ${fam.help}\n# TYPE ${fam.name} ${fam.type}\n${fam.samples.join('\n')}\n`)
    .join('');
}
