/**
 * DefaultPreemption: when no node fits, find nodes where evicting pods of
 * lower priority would make room, choose the one whose victims matter least
 * (fewest PodDisruptionBudget violations, then lowest highest victim
 * priority, lowest priority sum, fewest victims, most recently started),
 * mark and delete the victims, and nominate that node for the pod.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { labelSelectorAsSelector } from '../../api/selectors/index.js';
import { RESOURCES } from '../../client/index.js';
import { CycleState, type Handle, type PostFilterPlugin } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Status, unresolvable } from '../framework/status.js';
import { nowRfc3339Seconds } from '../../api/time.js';

export const NAME = 'DefaultPreemption';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';

export interface DefaultPreemptionArgs { minCandidateNodesPercentage?: number; minCandidateNodesAbsolute?: number }

export interface Candidate { node: string; victims: PodInfo[]; pdbViolations: number }

function startMs(p: PodInfo): number {
  const t = p.pod.status?.startTime ?? p.pod.metadata?.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

/** Higher priority first, then the pod that started earlier (upstream's MoreImportantPod). */
function moreImportant(a: PodInfo, b: PodInfo): number {
  return b.priority - a.priority || startMs(a) - startMs(b);
}

export function newDefaultPreemption(args: DefaultPreemptionArgs, handle: Handle): PostFilterPlugin {
  const pct = args.minCandidateNodesPercentage ?? 10;
  const abs = args.minCandidateNodesAbsolute ?? 100;

  const pdbsFor = (): { pdb: PodDisruptionBudget; sel: ReturnType<typeof labelSelectorAsSelector> }[] => {
    const out = [];
    for (const o of handle.listers.podDisruptionBudgets.list()) {
      const pdb = o as PodDisruptionBudget;
      try {
        const sel = labelSelectorAsSelector(pdb.spec?.selector);
        if (!sel.empty) out.push({ pdb, sel });
      } catch { /* an invalid selector selects nothing */ }
    }
    return out;
  };

  const selectVictims = (pod: PodInfo, node: NodeInfo, pdbs: ReturnType<typeof pdbsFor>): Candidate | Status => {
    const state = new CycleState();
    const pre = handle.runPreFilter(state, pod);
    if (pre && pre.code !== 'Success') return pre;
    const what = node.clone();
    const potential = [...what.pods.values()].filter((p) => p.priority < pod.priority);
    if (potential.length === 0) return unresolvable(NO_VICTIMS);
    for (const p of potential) { what.removePod(p.key); handle.runPreFilterRemovePod?.(state, pod, p, what); }
    const fits = handle.runFilterPlugins(state, pod, what);
    if (fits) return fits;
    potential.sort(moreImportant);
    const allowed = new Map(pdbs.map(({ pdb }) => [pdb, pdb.status?.disruptionsAllowed ?? 0]));
    const violating: PodInfo[] = [];
    const nonViolating: PodInfo[] = [];
    for (const p of potential) {
      let violates = false;
      for (const { pdb, sel } of pdbs) {
        if (pdb.metadata?.namespace !== p.pod.metadata?.namespace || !sel.matches(p.pod.metadata?.labels)) continue;
        if (pdb.status?.disruptedPods?.[p.pod.metadata?.name ?? '']) continue;
        const left = (allowed.get(pdb) ?? 0) - 1;
        allowed.set(pdb, left);
        if (left < 0) violates = true;
      }
      (violates ? violating : nonViolating).push(p);
    }
    const victims: PodInfo[] = [];
    let pdbViolations = 0;
    const reprieve = (p: PodInfo, isViolating: boolean): void => {
      what.addPod(p);
      handle.runPreFilterAddPod?.(state, pod, p, what);
      if (handle.runFilterPlugins(state, pod, what)) {
        what.removePod(p.key);
        handle.runPreFilterRemovePod?.(state, pod, p, what);
        victims.push(p);
        if (isViolating) pdbViolations++;
      }
    };
    for (const p of violating) reprieve(p, true);
    for (const p of nonViolating) reprieve(p, false);
    return { node: node.name, victims, pdbViolations };
  };

  return {
    name: NAME,
    events: () => [{ resource: 'AssignedPod', action: 'Delete' }],
    async postFilter(_state, pod, statuses) {
      const policy = pod.pod.spec?.preemptionPolicy;
      if (policy === 'Never') return { status: new Status('Unschedulable', ['not eligible due to preemptionPolicy=Never.']) };
      const nominated = pod.pod.status?.nominatedNodeName;
      if (nominated) {
        const n = handle.snapshot.get(nominated);
        if (n && [...n.pods.values()].some((p) => p.pod.metadata?.deletionTimestamp && p.priority < pod.priority)) {
          return { status: new Status('Unschedulable', ['not eligible due to a terminating pod on the nominated node.']) };
        }
      }
      const nodes = handle.snapshot.nodes();
      const result = new Map<string, Status>();
      const potential: NodeInfo[] = [];
      for (const n of nodes) {
        const s = statuses.get(n.name);
        if (s && s.code === 'UnschedulableAndUnresolvable') result.set(n.name, unresolvable(NOT_HELPFUL));
        else potential.push(n);
      }
      const candidates: Candidate[] = [];
      if (potential.length) {
        const want = Math.max(abs, Math.trunc((potential.length * pct) / 100));
        const pdbs = pdbsFor();
        const offset = Math.floor(Math.random() * potential.length);
        for (let i = 0; i < potential.length && candidates.length < want; i++) {
          const n = potential[(offset + i) % potential.length]!;
          const r = selectVictims(pod, n, pdbs);
          if (r instanceof Status) result.set(n.name, r);
          else if (r.victims.length) candidates.push(r);
          else result.set(n.name, unresolvable(NO_VICTIMS));
        }
      }
      if (candidates.length === 0) {
        const hist = new Map<string, number>();
        for (const s of result.values()) for (const r of s.reasons) hist.set(r, (hist.get(r) ?? 0) + 1);
        const parts = [...hist].map(([r, k]) => `${k} ${r}`).sort();
        const msg = `preemption: 0/${nodes.length} nodes are available: ${parts.join(', ')}.`;
        return { result: { nominatedNodeName: '' }, status: new Status('Unschedulable', [msg]) };
      }
      const best = pickOne(candidates);
      await prepare(handle, pod, best);
      return { result: { nominatedNodeName: best.node }, status: null };
    },
  } satisfies PostFilterPlugin;
}

/** Upstream's pickOneNodeForPreemption criteria, in order. */
export function pickOne(cands: Candidate[]): Candidate {
  const by = (list: Candidate[], f: (c: Candidate) => number): Candidate[] => {
    const min = Math.min(...list.map(f));
    return list.filter((c) => f(c) === min);
  };
  let list = by(cands, (c) => c.pdbViolations);
  list = by(list, (c) => Math.max(...c.victims.map((v) => v.priority)));
  list = by(list, (c) => c.victims.reduce((a, v) => a + v.priority + 2 ** 31, 0));
  list = by(list, (c) => c.victims.length);
  list = by(list, (c) => {
    const top = Math.max(...c.victims.map((v) => v.priority));
    return -Math.min(...c.victims.filter((v) => v.priority === top).map(startMs));
  });
  return list[0]!;
}

async function prepare(handle: Handle, pod: PodInfo, c: Candidate): Promise<void> {
  const client = handle.client;
  if (!client) return;
  const now = nowRfc3339Seconds();
  await Promise.all(c.victims.map(async (v) => {
    const m = v.pod.metadata!;
    try {
      await client.patch(RESOURCES.pods, m.name!, {
        status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler',
          message: `${handle.schedulerName}: preempting to accommodate a higher priority pod`, lastTransitionTime: now }] },
      }, { namespace: m.namespace!, subresource: 'status', type: 'strategic' });
    } catch { /* the condition is informative; the delete is what counts */ }
    try {
      await client.delete(RESOURCES.pods, m.name!, { namespace: m.namespace!, preconditions: { uid: m.uid! } });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
    handle.recorder?.event(v.pod as Pod & { apiVersion: string; kind: string }, 'Normal', 'Preempted',
      `Preempted by pod ${pod.pod.metadata?.uid ?? ''} on node ${c.node}`);
  }));
  // Lower-priority pods nominated to this node lose the nomination.
  for (const p of handle.nominator.nominatedPodsForNode(c.node)) {
    if (p.priority >= pod.priority || p.key === pod.key) continue;
    const m = p.pod.metadata!;
    client.patch(RESOURCES.pods, m.name!, { status: { nominatedNodeName: null } }, { namespace: m.namespace!, subresource: 'status' }).catch(() => undefined);
  }
}
