/**
 * One profile's plugins, instantiated and ordered per extension point, and
 * the runners for each point (upstream's frameworkImpl). Filter stops at the
 * first plugin that rejects a node; scores are normalized per plugin and
 * summed with the configured weights.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { EXTENSION_POINTS, pluginsFor, SchedulerConfigError, type ExtensionPoint, type Profile } from '../config.js';
import { IN_TREE_PLUGINS, PLUGIN_POINTS, type PluginFactory } from '../plugins/registry.js';
import {
  CycleState, type AnyPlugin, type BindPlugin, type ClusterEvent, type FilterPlugin, type Handle, type NodeScore, type PermitPlugin,
  type PostBindPlugin, type PostFilterPlugin, type PostFilterResult, type PreBindPlugin, type PreFilterPlugin, type PreScorePlugin,
  type QueueSortPlugin, type ReservePlugin, type ScorePlugin,
} from './interface.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { asError, Status } from './status.js';

/** A feasible node's score: the weighted total and each plugin's weighted share. */
export interface NodeScoreDetail { name: string; total: number; byPlugin: Map<string, number> }

/** The handle without the runners the framework adds itself. */
export type HandleBase = Omit<Handle, 'runFilterPlugins' | 'runPreFilter' | 'runPreFilterAddPod' | 'runPreFilterRemovePod'>;

const ARGS_DEFAULTS: Record<string, Record<string, unknown>> = {};

export class Framework {
  readonly schedulerName: string;
  readonly percentageOfNodesToScore: number | undefined;
  readonly handle: Handle;
  readonly queueSort: QueueSortPlugin;
  readonly preFilter: PreFilterPlugin[] = [];
  readonly filter: FilterPlugin[] = [];
  readonly postFilter: PostFilterPlugin[] = [];
  readonly preScore: PreScorePlugin[] = [];
  readonly score: { plugin: ScorePlugin; weight: number }[] = [];
  readonly reserve: ReservePlugin[] = [];
  readonly permit: PermitPlugin[] = [];
  readonly preBind: PreBindPlugin[] = [];
  readonly bind: BindPlugin[] = [];
  readonly postBind: PostBindPlugin[] = [];
  /** Plugin name -> the cluster events that may make a pod it rejected schedulable. */
  readonly events = new Map<string, ClusterEvent[]>();

  constructor(profile: Profile, base: HandleBase, registry: Readonly<Record<string, PluginFactory>> = IN_TREE_PLUGINS,
    points: Readonly<Record<string, readonly string[]>> = PLUGIN_POINTS) {
    this.schedulerName = profile.schedulerName ?? 'default-scheduler';
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore;
    this.handle = {
      ...base,
      runFilterPlugins: (state, pod, node) => this.runFilterPlugins(state, pod, node),
      runPreFilter: (state, pod) => this.runPreFilterPlugins(state, pod),
      runPreFilterAddPod: (state, pod, p, node) => { for (const pl of this.preFilter) if (!state.skipFilter.has(pl.name)) pl.addPod?.(state, pod, p, node); },
      runPreFilterRemovePod: (state, pod, p, node) => { for (const pl of this.preFilter) if (!state.skipFilter.has(pl.name)) pl.removePod?.(state, pod, p, node); },
    };
    const args = new Map((profile.pluginConfig ?? []).map((c) => [c.name, c.args ?? {}]));
    const instances = new Map<string, AnyPlugin>();
    const instance = (name: string): AnyPlugin => {
      let p = instances.get(name);
      if (!p) {
        const f = registry[name];
        if (!f) throw new SchedulerConfigError(`unknown plugin ${JSON.stringify(name)}`);
        p = f({ ...ARGS_DEFAULTS[name], ...args.get(name) }, this.handle) as AnyPlugin;
        instances.set(name, p);
        if (p.events) this.events.set(name, p.events());
      }
      return p;
    };
    const has = (point: ExtensionPoint) => (name: string): boolean => (points[name] ?? []).includes(point);
    let queueSort: QueueSortPlugin | undefined;
    for (const point of EXTENSION_POINTS) {
      for (const { name, weight } of pluginsFor(profile, point, has(point))) {
        const p = instance(name);
        switch (point) {
          case 'queueSort': queueSort ??= p as QueueSortPlugin; break;
          case 'score': this.score.push({ plugin: p as ScorePlugin, weight }); break;
          default: (this[point] as AnyPlugin[]).push(p);
        }
      }
    }
    if (!queueSort) throw new SchedulerConfigError(`profile ${this.schedulerName}: a queueSort plugin is required`);
    if (this.bind.length === 0) throw new SchedulerConfigError(`profile ${this.schedulerName}: at least one bind plugin is required`);
    this.queueSort = queueSort;
  }

  /** Runs PreFilter; a plugin's Skip removes its Filter for this pod. Returns a rejection (applies to every node) or an Error. */
  runPreFilterPlugins(state: CycleState, pod: PodInfo): Status | null {
    for (const p of this.preFilter) {
      let s: Status | null;
      try { s = p.preFilter(state, pod, this.handle.snapshot); } catch (e) { return asError(e).withPlugin(p.name); }
      if (!s || s.code === 'Success') continue;
      if (s.code === 'Skip') { state.addSkipFilter(p.name); continue; }
      return s.withPlugin(p.name);
    }
    return null;
  }

  /** The first Filter rejection for `node`, or null when the pod fits. */
  runFilterPlugins(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const filters = state.activeFilters ?? this.activeFilters(state);
    for (let i = 0; i < filters.length; i++) {
      const p = filters[i]!;
      const s = p.filter(state, pod, node);
      if (s) return s.withPlugin(p.name);
    }
    return null;
  }

  /** The Filter plugins not skipped for this pod, memoized on the state (one list per cycle, not a lookup per node). */
  private activeFilters(state: CycleState): readonly FilterPlugin[] {
    const skip = state.skipFilter;
    const out = skip.size ? this.filter.filter((p) => !skip.has(p.name)) : this.filter;
    state.activeFilters = out;
    return out;
  }

  /** Every Filter rejection for `node` (why-pending shows them all). */
  runAllFilterPlugins(state: CycleState, pod: PodInfo, node: NodeInfo): Status[] {
    const out: Status[] = [];
    for (const p of this.filter) {
      if (state.skipFilter.has(p.name)) continue;
      const s = p.filter(state, pod, node);
      if (s) out.push(s.withPlugin(p.name));
    }
    return out;
  }

  /**
   * Filter with the pods nominated to the node (of at least the pod's
   * priority) counted as if they were there, as upstream does, so a pod does
   * not take the room a preemptor made.
   */
  runFilterWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null {
    const nominator = this.handle.nominator;
    if (nominator.hasNominatedPods?.() === false) return this.runFilterPlugins(state, pod, node);
    const nominated = nominator.nominatedPodsForNode(node.name);
    if (nominated.length) {
      let withThem: NodeInfo | undefined;
      for (const n of nominated) {
        if (n.key === pod.key || n.priority < pod.priority || node.pods.has(n.key)) continue;
        withThem ??= node.clone();
        withThem.addPod(n);
      }
      if (withThem) {
        const s = this.runFilterPlugins(state, pod, withThem);
        if (s) return s;
      }
    }
    return this.runFilterPlugins(state, pod, node);
  }

  async runPostFilterPlugins(state: CycleState, pod: PodInfo, statuses: ReadonlyMap<string, Status>): Promise<{ result?: PostFilterResult; status: Status | null }> {
    const reasons: string[] = [];
    let last: PostFilterResult | undefined;
    for (const p of this.postFilter) {
      try {
        const r = await p.postFilter(state, pod, statuses);
        if (!r.status || r.status.code === 'Success') return r;
        last = r.result ?? last;
        if (!r.status.isRejected()) return { result: r.result, status: r.status.withPlugin(p.name) };
        reasons.push(...r.status.reasons);
      } catch (e) {
        return { status: asError(e).withPlugin(p.name) };
      }
    }
    return { result: last, status: new Status('Unschedulable', reasons) };
  }

  /** Runs PreScore; plugins that Skip are left out of scoring for this pod. */
  runPreScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null {
    for (const p of this.preScore) {
      const s = p.preScore(state, pod, nodes);
      if (!s || s.code === 'Success') continue;
      if (s.code === 'Skip') { state.skipScore.add(p.name); continue; }
      return s.withPlugin(p.name);
    }
    return null;
  }

  /** Weighted, normalized scores of `nodes`; `detail` keeps each plugin's share. */
  runScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], detail = false): NodeScoreDetail[] {
    const n = nodes.length;
    const out: NodeScoreDetail[] = new Array<NodeScoreDetail>(n);
    // One NodeScore per node, refilled by each plugin in turn (normalizeScore must not keep the array).
    const scores: NodeScore[] = new Array<NodeScore>(n);
    for (let i = 0; i < n; i++) {
      const name = nodes[i]!.name;
      out[i] = { name, total: 0, byPlugin: detail ? new Map() : EMPTY };
      scores[i] = { name, score: 0 };
    }
    for (const { plugin, weight } of this.score) {
      if (state.skipScore.has(plugin.name)) continue;
      for (let i = 0; i < n; i++) scores[i]!.score = plugin.score(state, pod, nodes[i]!);
      plugin.normalizeScore?.(state, pod, scores);
      for (let i = 0; i < n; i++) {
        const v = scores[i]!.score * weight;
        out[i]!.total += v;
        if (detail) out[i]!.byPlugin.set(plugin.name, v);
      }
    }
    return out;
  }

  runReservePlugins(state: CycleState, pod: PodInfo, nodeName: string): Status | null {
    for (const p of this.reserve) {
      const s = p.reserve(state, pod, nodeName);
      if (s) return s.withPlugin(p.name);
    }
    return null;
  }

  runUnreservePlugins(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let i = this.reserve.length - 1; i >= 0; i--) {
      try { this.reserve[i]!.unreserve(state, pod, nodeName); } catch { /* unreserve must not fail the cycle */ }
    }
  }

  /** Success (null), a rejection, or Wait with the longest timeout asked for. */
  runPermitPlugins(state: CycleState, pod: PodInfo, nodeName: string): { status: Status | null; timeoutMs: number } {
    let wait = 0;
    for (const p of this.permit) {
      const r = p.permit(state, pod, nodeName);
      if (!r.status) continue;
      if (r.status.code === 'Wait') { wait = Math.max(wait, r.timeoutMs ?? 0); continue; }
      return { status: r.status.withPlugin(p.name), timeoutMs: 0 };
    }
    return { status: wait ? new Status('Wait') : null, timeoutMs: wait };
  }

  async runPreBindPlugins(state: CycleState, pod: PodInfo, nodeName: string, signal: AbortSignal): Promise<Status | null> {
    for (const p of this.preBind) {
      const s = await p.preBind(state, pod, nodeName, signal);
      if (s) return s.withPlugin(p.name);
    }
    return null;
  }

  async runBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | null> {
    for (const p of this.bind) {
      const s = await p.bind(state, pod, nodeName);
      if (s?.code === 'Skip') continue;
      return s ? s.withPlugin(p.name) : null;
    }
    return new Status('Error', ['no bind plugin bound the pod']);
  }

  runPostBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const p of this.postBind) {
      try { p.postBind(state, pod, nodeName); } catch { /* informational */ }
    }
  }

  /** Whether this profile schedules `pod`. */
  responsibleFor(pod: Pod): boolean {
    return (pod.spec?.schedulerName ?? 'default-scheduler') === this.schedulerName;
  }
}

const EMPTY = new Map<string, number>();
