/**
 * `k8ts why-pending POD`: reads the cluster through the API (read-only) and
 * explains, node by node, which scheduler plugin rejects the pod and why, and
 * how each feasible node scores, with the same plugins and configuration the
 * scheduler uses. Wiring only: the work is src/scheduler's explainPod.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import {
  defaultKubeconfigPath, ObjectStore, RESOURCES, resourceDescriptor, RestClient, type ApiObject, type ResourceDescriptor,
} from '../client/index.js';
import {
  explainPod, Framework, IN_TREE_PLUGINS, loadSchedulerConfig, priorityResolver, SchedulerCache, validateSchedulerConfig,
  type PodExplanation,
} from '../scheduler/index.js';
import { isPodTerminal } from '../api/pods/index.js';
import { newPodInfo } from '../scheduler/framework/pod-info.js';
import type { Listers } from '../scheduler/framework/interface.js';
import { parseFlags } from './parse-flags.js';
import { oneOf } from './flags.js';
import { UsageError } from './usage-error.js';

const HELP = `Usage: k8ts why-pending POD [flags]

Explains, node by node, why the scheduler would reject POD or how it would score each node.

Flags:
  -n, --namespace NS        The pod's namespace (default "default")
      --kubeconfig PATH     Kubeconfig (default $KUBECONFIG or ~/.kube/config)
      --scheduler-config F  KubeSchedulerConfiguration the scheduler runs with (default: upstream's defaults)
  -o, --output FORMAT       table (default) or json
`;

async function store(client: RestClient, res: ResourceDescriptor): Promise<ObjectStore<ApiObject>> {
  const s = new ObjectStore<ApiObject>();
  let cont: string | undefined;
  do {
    const page = await client.list(res, { limit: 500, ...(cont ? { continue: cont } : {}) });
    for (const o of page.items) s.set(o);
    cont = page.metadata.continue;
  } while (cont);
  return s;
}

/** The table: one row per node; rejections per plugin, or scores per plugin and the total. */
export function formatExplanation(e: PodExplanation): string {
  const lines = [`Pod ${e.pod} (scheduler ${e.schedulerName}): ${e.summary}`];
  if (e.preFilter) lines.push(`PreFilter ${e.preFilter.plugin} rejected the pod for every node: ${e.preFilter.message}`);
  const rows: string[][] = [['NODE', 'VERDICT', 'PLUGIN', 'DETAIL']];
  for (const v of e.nodes) {
    if (v.feasible) {
      const parts = Object.entries(v.scores).filter(([, s]) => s !== 0).map(([p, s]) => `${p}=${s}`);
      rows.push([v.node, 'Feasible', `score ${v.total}`, parts.join(' ') || '(no scores)']);
    } else {
      v.rejections.forEach((r, i) => rows.push([i === 0 ? v.node : '', i === 0 ? r.code : '', r.plugin, r.reasons.join(', ')]));
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) lines.push(r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]! + 2))).join('').trimEnd());
  return lines.join('\n') + '\n';
}

export async function runWhyPending(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv, allowPositionals: true, strict: true,
    options: {
      namespace: { type: 'string', short: 'n' },
      kubeconfig: { type: 'string' },
      'scheduler-config': { type: 'string' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { process.stdout.write(HELP); return 0; }
  const name = positionals[0];
  if (!name) throw new UsageError('missing POD');
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}: want exactly one POD`);
  const output = oneOf('output', values.output ?? 'table', ['table', 'json']);
  const ns = values.namespace ?? 'default';
  const cfg = validateSchedulerConfig(values['scheduler-config'] ? loadSchedulerConfig(values['scheduler-config']) : {}, new Set(Object.keys(IN_TREE_PLUGINS)));
  const client = RestClient.fromKubeconfig(values.kubeconfig ?? process.env['KUBECONFIG']?.split(':')[0] ?? defaultKubeconfigPath(), { component: 'why-pending' });
  try {
    const pod = await client.get<Pod & ApiObject>(RESOURCES.pods, name, { namespace: ns });
    const [nodes, pods, namespaces, pvcs, pvs, scs, pcs, pdbs, services, rss, sss, rcs] = await Promise.all([
      RESOURCES.nodes, RESOURCES.pods, RESOURCES.namespaces, RESOURCES.persistentvolumeclaims, RESOURCES.persistentvolumes,
      RESOURCES.storageclasses, RESOURCES.priorityclasses, RESOURCES.poddisruptionbudgets, RESOURCES.services, RESOURCES.replicasets,
      RESOURCES.statefulsets, resourceDescriptor('', 'v1', 'replicationcontrollers'),
    ].map((r) => store(client, r)));
    const listers: Listers = {
      pods: pods!, namespaces: namespaces!, persistentVolumeClaims: pvcs!, persistentVolumes: pvs!, storageClasses: scs!,
      priorityClasses: pcs!, podDisruptionBudgets: pdbs!, services: services!, replicaSets: rss!, statefulSets: sss!, replicationControllers: rcs!,
    };
    const resolvePriority = priorityResolver(listers);
    const cache = new SchedulerCache();
    for (const n of nodes!.list()) cache.addOrUpdateNode(n as Node);
    const nominated = new Map<string, ReturnType<typeof newPodInfo>[]>();
    for (const o of pods!.list()) {
      const p = o as Pod;
      if (p.metadata?.uid === pod.metadata?.uid) continue;
      if (p.spec?.nodeName) { if (!isPodTerminal(p)) cache.addPod(newPodInfo(p, resolvePriority)); continue; }
      const nn = p.status?.nominatedNodeName;
      if (nn) nominated.set(nn, [...(nominated.get(nn) ?? []), newPodInfo(p, resolvePriority)]);
    }
    const schedulerName = pod.spec?.schedulerName ?? 'default-scheduler';
    const profile = cfg.profiles.find((p) => p.schedulerName === schedulerName);
    if (!profile) {
      process.stderr.write(`k8ts why-pending: pod ${ns}/${name} names scheduler ${JSON.stringify(schedulerName)}, which the configuration has no profile for\n`);
      return 1;
    }
    const fwk = new Framework(profile, {
      snapshot: cache, listers, nominator: { nominatedPodsForNode: (n) => nominated.get(n) ?? [] }, schedulerName,
    });
    if (pod.spec?.nodeName) process.stdout.write(`note: pod ${ns}/${name} is already bound to ${pod.spec.nodeName}; showing how it would be scheduled now\n`);
    const e = explainPod(fwk, cache, pod, resolvePriority);
    process.stdout.write(output === 'json' ? `${JSON.stringify(e, null, 2)}\n` : formatExplanation(e));
    return 0;
  } catch (e) {
    const code = (e as { code?: number }).code;
    process.stderr.write(`k8ts why-pending: ${code === 404 ? `pod ${ns}/${name} not found` : e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    client.close();
  }
}
