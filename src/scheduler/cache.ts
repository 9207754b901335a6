/**
 * The scheduler's cache (upstream's internal/cache): every node and the pods
 * bound or assumed to be on it, kept current from the informers. A pod is
 * assumed on its node as soon as the scheduling cycle picks it, so the next
 * cycle sees the room it takes before the binding is written; the informer's
 * update confirms it, a failed binding forgets it.
 *
 * The cache is also the snapshot the plugins read: a scheduling cycle runs
 * synchronously, so nothing changes under it.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Snapshot } from './framework/interface.js';
import { NodeInfo } from './framework/node-info.js';
import type { PodInfo } from './framework/pod-info.js';

interface PodState { info: PodInfo; nodeName: string; assumed: boolean }

export class SchedulerCache implements Snapshot {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  private list: NodeInfo[] = [];
  private listDirty = false;
  private affinityList: NodeInfo[] | undefined;
  private antiAffinityList: NodeInfo[] | undefined;
  /** Normalized image name -> nodes that have it. */
  private readonly imageNodes = new Map<string, number>();

  // --- Snapshot ---

  nodes(): readonly NodeInfo[] {
    if (this.listDirty) {
      this.list = [...this.infos.values()].filter((n) => n.node !== undefined);
      this.listDirty = false;
    }
    return this.list;
  }

  get(nodeName: string): NodeInfo | undefined {
    const n = this.infos.get(nodeName);
    return n?.node ? n : undefined;
  }

  nodesWithAffinityPods(): readonly NodeInfo[] {
    return (this.affinityList ??= this.nodes().filter((n) => n.podsWithAffinity.size > 0));
  }

  nodesWithRequiredAntiAffinityPods(): readonly NodeInfo[] {
    return (this.antiAffinityList ??= this.nodes().filter((n) => n.podsWithRequiredAntiAffinity.size > 0));
  }

  imageSpread(image: string): number { return this.imageNodes.get(image) ?? 0; }

  // --- nodes ---

  addOrUpdateNode(node: Node): void {
    const name = node.metadata!.name!;
    let info = this.infos.get(name);
    if (!info) {
      info = new NodeInfo(name);
      this.infos.set(name, info);
    }
    if (!info.node) this.listDirty = true;
    this.countImages(info, -1);
    info.setNode(node);
    this.countImages(info, 1);
    this.affinityList = this.antiAffinityList = undefined;
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info) return;
    this.countImages(info, -1);
    // Pods still bound to it stay accounted until they are deleted (upstream keeps a node-less NodeInfo).
    if (info.pods.size === 0) this.infos.delete(name);
    else info.node = undefined;
    this.listDirty = true;
    this.affinityList = this.antiAffinityList = undefined;
  }

  nodeCount(): number { return this.nodes().length; }

  // --- pods ---

  /** A bound pod seen by the informer (confirms an assumed one). */
  addPod(info: PodInfo): void {
    const nodeName = info.pod.spec!.nodeName!;
    const cur = this.podStates.get(info.key);
    if (cur) this.removeFromNode(cur);
    this.podStates.set(info.key, { info, nodeName, assumed: false });
    this.addToNode(info, nodeName);
  }

  removePod(key: string): void {
    const cur = this.podStates.get(key);
    if (!cur) return;
    this.removeFromNode(cur);
    this.podStates.delete(key);
  }

  /** Puts the pod on `nodeName` ahead of its binding. */
  assumePod(info: PodInfo, nodeName: string): void {
    const cur = this.podStates.get(info.key);
    if (cur) this.removeFromNode(cur);
    this.podStates.set(info.key, { info, nodeName, assumed: true });
    this.addToNode(info, nodeName);
  }

  /** Undoes assumePod (binding failed). A pod the informer confirmed meanwhile stays. */
  forgetPod(key: string): void {
    const cur = this.podStates.get(key);
    if (cur?.assumed) {
      this.removeFromNode(cur);
      this.podStates.delete(key);
    }
  }

  isAssumed(key: string): boolean { return this.podStates.get(key)?.assumed ?? false; }

  /** Whether the pod is on a node in the cache (bound or assumed). */
  hasPod(key: string): boolean { return this.podStates.has(key); }

  podCount(): number { return this.podStates.size; }

  private addToNode(info: PodInfo, nodeName: string): void {
    let n = this.infos.get(nodeName);
    if (!n) this.infos.set(nodeName, (n = new NodeInfo(nodeName)));
    n.addPod(info);
    this.touchAffinity(info);
  }

  private removeFromNode(s: PodState): void {
    const n = this.infos.get(s.nodeName);
    if (!n) return;
    n.removePod(s.info.key);
    this.touchAffinity(s.info);
    if (!n.node && n.pods.size === 0) this.infos.delete(s.nodeName);
  }

  private touchAffinity(info: PodInfo): void {
    if (info.requiredAffinity.length + info.requiredAntiAffinity.length + info.preferredAffinity.length + info.preferredAntiAffinity.length) {
      this.affinityList = this.antiAffinityList = undefined;
    }
  }

  private countImages(info: NodeInfo, sign: 1 | -1): void {
    if (!info.node) return;
    for (const name of info.images.keys()) {
      const v = (this.imageNodes.get(name) ?? 0) + sign;
      if (v <= 0) this.imageNodes.delete(name); else this.imageNodes.set(name, v);
    }
  }
}

export type { Pod };
