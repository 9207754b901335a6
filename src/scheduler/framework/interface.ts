/**
 * The scheduling framework's extension points (upstream's
 * framework/interface.go). A plugin implements only the points it needs;
 * scheduling-cycle points are synchronous (the cycle never yields, so the
 * cache cannot change under it), binding-cycle points are asynchronous.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ObjectStoreReader, RestClient, EventRecorder, ApiObject } from '../../client/index.js';
import type { Logger } from '../../api/log.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Status } from './status.js';

export const MAX_NODE_SCORE = 100;

/** Per-cycle data plugins share between their extension points (upstream's CycleState). */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  private readonly skippedFilters = new Set<string>();
  /**
   * The framework's Filter plugins minus skipFilter, as the framework last
   * listed them; addSkipFilter drops it. Only the framework reads or sets it.
   */
  activeFilters: readonly FilterPlugin[] | undefined;
  /** Plugins whose PreScore returned Skip. */
  readonly skipScore = new Set<string>();
  /** Plugins whose PreFilter returned Skip: their Filter is not run for this pod. */
  get skipFilter(): ReadonlySet<string> { return this.skippedFilters; }
  addSkipFilter(plugin: string): void {
    this.skippedFilters.add(plugin);
    this.activeFilters = undefined;
  }
  read<T>(key: string): T | undefined { return this.data.get(key) as T | undefined; }
  write(key: string, v: unknown): void { this.data.set(key, v); }
}

/** Kinds of cluster change that can make an unschedulable pod schedulable (upstream's ClusterEvent). */
export type EventResource = 'Node' | 'Pod' | 'AssignedPod' | 'PersistentVolume' | 'PersistentVolumeClaim' | 'StorageClass' | 'Namespace' | 'Service';
export type ActionType = 'Add' | 'Delete' | 'UpdateNodeAllocatable' | 'UpdateNodeLabel' | 'UpdateNodeTaint' | 'UpdateNodeCondition' | 'Update';
export interface ClusterEvent { resource: EventResource; action: ActionType }

/** The cluster as plugins see it: the scheduler's cache of nodes, and listers of other objects. */
export interface Snapshot {
  /** Nodes in a stable order (NodeInfos with a Node object only). */
  nodes(): readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  /** Nodes that hold at least one pod with affinity terms / required anti-affinity terms. */
  nodesWithAffinityPods(): readonly NodeInfo[];
  nodesWithRequiredAntiAffinityPods(): readonly NodeInfo[];
  /** How many nodes have `image` (normalized name) in status.images. */
  imageSpread(image: string): number;
}

/** Read-only caches of the objects some plugins consult. */
export interface Listers {
  namespaces: ObjectStoreReader<ApiObject>;
  persistentVolumeClaims: ObjectStoreReader<ApiObject>;
  persistentVolumes: ObjectStoreReader<ApiObject>;
  storageClasses: ObjectStoreReader<ApiObject>;
  priorityClasses: ObjectStoreReader<ApiObject>;
  podDisruptionBudgets: ObjectStoreReader<ApiObject>;
  services: ObjectStoreReader<ApiObject>;
  replicaSets: ObjectStoreReader<ApiObject>;
  statefulSets: ObjectStoreReader<ApiObject>;
  replicationControllers: ObjectStoreReader<ApiObject>;
  pods: ObjectStoreReader<ApiObject>;
}

/** Nominated pods: those that preempted and wait for their victims to go (upstream's PodNominator). */
export interface Nominator {
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
  /** False only when no pod is nominated to any node, so Filter can skip the per-node lookup. Absent: assume some may be. */
  hasNominatedPods?(): boolean;
}

/** What plugins get at construction (upstream's framework.Handle). */
export interface Handle {
  snapshot: Snapshot;
  listers: Listers;
  nominator: Nominator;
  /** Writes; absent in read-only uses (why-pending), where PostFilter/PreBind/Bind are not run. */
  client?: RestClient;
  recorder?: EventRecorder;
  logger?: Logger;
  schedulerName: string;
  /** Runs the profile's PreFilter plugins on fresh state (preemption's what-if); null or Success when they pass. */
  runPreFilter(state: CycleState, pod: PodInfo): Status | null;
  /** Runs the profile's Filter plugins on a what-if NodeInfo (preemption's dry run). */
  runFilterPlugins(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null;
  /** Runs PreFilter again on what-if state (preemption adds/removes pods). */
  runPreFilterAddPod?(state: CycleState, pod: PodInfo, toAdd: PodInfo, node: NodeInfo): void;
  runPreFilterRemovePod?(state: CycleState, pod: PodInfo, toRemove: PodInfo, node: NodeInfo): void;
}

export interface Plugin {
  readonly name: string;
  /** Cluster events after which a pod this plugin rejected may fit. */
  events?(): ClusterEvent[];
}

export interface QueueSortPlugin extends Plugin {
  less(a: { priority: number; timestamp: number }, b: { priority: number; timestamp: number }): boolean;
}

/** Result of PreFilter: null to go on, a Status (Skip, or a rejection for every node). */
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | null;
  /** Keep the PreFilter state current when a what-if adds or removes a pod (preemption). */
  addPod?(state: CycleState, pod: PodInfo, toAdd: PodInfo, node: NodeInfo): void;
  removePod?(state: CycleState, pod: PodInfo, toRemove: PodInfo, node: NodeInfo): void;
}

/** Must not mutate the NodeInfo. Returns null when the pod fits. */
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null;
}

export interface PostFilterResult { nominatedNodeName?: string }

/** Runs when no node fits; may make room (preemption). The status message joins the FailedScheduling message. */
export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, statuses: ReadonlyMap<string, Status>): Promise<{ result?: PostFilterResult; status: Status | null }>;
}

export interface PreScorePlugin extends Plugin {
  /** Returns SKIP when the plugin has nothing to score for this pod. */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null;
}

export interface NodeScore { name: string; score: number }

/** score() returns 0..MAX_NODE_SCORE unless normalizeScore maps the raw scores into that range. */
export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rewrites each entry's score in place (no reordering); must not keep the array or its entries (the framework reuses them). */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status | null;
  /** Undoes reserve; must be idempotent. */
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  /** Success, or Wait (with a timeout) / a rejection. */
  permit(state: CycleState, pod: PodInfo, nodeName: string): { status: Status | null; timeoutMs?: number };
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: PodInfo, nodeName: string, signal: AbortSignal): Promise<Status | null>;
}

/** Returns Skip to let the next bind plugin bind. */
export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | null>;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** Builds a plugin from its pluginConfig args (already defaulted and validated) and the handle. */
export type PluginFactory = (args: Record<string, unknown>, handle: Handle) => Plugin;

export type AnyPlugin = Plugin & Partial<QueueSortPlugin & PreFilterPlugin & FilterPlugin & PostFilterPlugin & PreScorePlugin
  & ScorePlugin & ReservePlugin & PermitPlugin & PreBindPlugin & BindPlugin & PostBindPlugin>;

export type { Pod };
