/**
 * What the scheduler knows about one node (upstream's framework.NodeInfo):
 * the Node, the pods on it (bound and assumed), and aggregates kept current
 * as pods come and go: requested resources, non-zero requests for scoring,
 * used host ports, and the pods that carry affinity terms.
 */
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { toAmounts } from '../../api/pods/index.js';
import { addResource, emptyResource, resourceFromAmounts, type Resource } from './resource.js';
import { normalizedImageName } from './image-name.js';
import { hasAffinity, type HostPort, type PodInfo } from './pod-info.js';

const NO_TAINTS: readonly Taint[] = Object.freeze([]);

export class NodeInfo {
  node: Node | undefined;
  allocatable: Resource = emptyResource();
  readonly pods = new Map<string, PodInfo>();
  readonly requested: Resource = emptyResource();
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  /**
   * allocatable minus requested (pods: allowedPodNumber minus pods.size),
   * kept current with them: the resource filter reads these per node
   * without following allocatable, requested and pods.
   */
  freePods = 0;
  freeMilliCPU = 0;
  freeMemory = 0;
  freeEphemeralStorage = 0;
  /** "protocol/port" -> IPs using it. */
  readonly usedPorts = new Map<string, string[]>();
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  /** Normalized image name -> size in bytes, from status.images. */
  images = new Map<string, number>();
  /** spec.unschedulable and spec.taints, copied by setNode so per-node filters need not read the Node. */
  unschedulable = false;
  taints: readonly Taint[] = NO_TAINTS;
  /** Bumped on every change; snapshots and why-pending compare it. */
  generation = 0;

  constructor(readonly name: string, node?: Node) {
    if (node) this.setNode(node);
  }

  get labels(): Readonly<Record<string, string>> { return this.node?.metadata?.labels ?? {}; }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = resourceFromAmounts(toAmounts(node.status?.allocatable as Record<string, unknown> | undefined));
    const images = new Map<string, number>();
    for (const img of node.status?.images ?? []) {
      for (const n of img.names ?? []) images.set(normalizedImageName(n), img.sizeBytes ?? 0);
    }
    this.images = images;
    this.unschedulable = !!node.spec?.unschedulable;
    this.taints = node.spec?.taints ?? NO_TAINTS;
    this.updateFree();
    this.generation++;
  }

  addPod(p: PodInfo): void {
    const old = this.pods.get(p.key);
    if (old) this.removePod(old.key);
    this.pods.set(p.key, p);
    this.account(p, 1);
  }

  /** Removes the pod with `key`; returns it, if it was here. */
  removePod(key: string): PodInfo | undefined {
    const p = this.pods.get(key);
    if (!p) return undefined;
    this.pods.delete(key);
    this.account(p, -1);
    return p;
  }

  /** Whether host port `hp` conflicts with one in use (0.0.0.0 conflicts with every IP). */
  portInUse(hp: HostPort): boolean {
    const ips = this.usedPorts.get(`${hp.protocol}/${hp.port}`);
    if (!ips) return false;
    return hp.ip === '0.0.0.0' || ips.includes('0.0.0.0') || ips.includes(hp.ip);
  }

  /** A copy whose pod set can change without touching this one (preemption's what-if). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.allocatable = this.allocatable;
    c.images = this.images;
    c.unschedulable = this.unschedulable;
    c.taints = this.taints;
    c.updateFree();
    for (const p of this.pods.values()) c.addPod(p);
    return c;
  }

  private updateFree(): void {
    const a = this.allocatable, r = this.requested;
    this.freePods = a.allowedPodNumber - this.pods.size;
    this.freeMilliCPU = a.milliCPU - r.milliCPU;
    this.freeMemory = a.memory - r.memory;
    this.freeEphemeralStorage = a.ephemeralStorage - r.ephemeralStorage;
  }

  private account(p: PodInfo, sign: 1 | -1): void {
    addResource(this.requested, p.resources.requests, sign);
    this.nonZeroMilliCPU += sign * p.resources.nonZeroMilliCPU;
    this.nonZeroMemory += sign * p.resources.nonZeroMemory;
    for (const hp of p.hostPorts) {
      const k = `${hp.protocol}/${hp.port}`;
      const ips = this.usedPorts.get(k) ?? [];
      if (sign > 0) ips.push(hp.ip);
      else {
        const i = ips.indexOf(hp.ip);
        if (i >= 0) ips.splice(i, 1);
      }
      if (ips.length) this.usedPorts.set(k, ips); else this.usedPorts.delete(k);
    }
    if (hasAffinity(p)) {
      if (sign > 0) this.podsWithAffinity.add(p); else this.podsWithAffinity.delete(p);
    }
    if (p.requiredAntiAffinity.length) {
      if (sign > 0) this.podsWithRequiredAntiAffinity.add(p); else this.podsWithRequiredAntiAffinity.delete(p);
    }
    this.updateFree();
    this.generation++;
  }
}
