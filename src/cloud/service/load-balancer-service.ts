/**
 * Which Services and Nodes the service controller deals with, after
 * upstream's k8s.io/cloud-provider/controllers/service/controller.go and
 * servicehelper (wantsLoadBalancer, needsCleanup, stableNodeSetPredicates).
 */
import type { LoadBalancerStatus, Node, Service } from 'kubernetes-types/core/v1.js';

/** The finalizer held while a Service's load balancer may exist (servicehelper.LoadBalancerCleanupFinalizer). */
export const LOAD_BALANCER_CLEANUP_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';
/** A node with this label gets no load balancer traffic (v1.LabelNodeExcludeBalancers). */
export const LABEL_EXCLUDE_BALANCERS = 'node.kubernetes.io/exclude-from-external-load-balancers';
/** The cluster autoscaler's taint on a node it is about to delete. */
export const TAINT_TO_BE_DELETED = 'ToBeDeletedByClusterAutoscaler';

/** type LoadBalancer and no spec.loadBalancerClass: a class means another controller implements it. */
export function wantsLoadBalancer(s: Service): boolean {
  return s.spec?.type === 'LoadBalancer' && (s.spec.loadBalancerClass === undefined || s.spec.loadBalancerClass === null);
}

export function hasLoadBalancerFinalizer(s: Service): boolean {
  return (s.metadata?.finalizers ?? []).includes(LOAD_BALANCER_CLEANUP_FINALIZER);
}

/** Holds the finalizer and is being deleted or no longer wants a load balancer. */
export function needsCleanup(s: Service): boolean {
  if (!hasLoadBalancerFinalizer(s)) return false;
  return Boolean(s.metadata?.deletionTimestamp) || !wantsLoadBalancer(s);
}

/**
 * Whether a Service change is one the controller acts on: not its status
 * (which the controller itself writes). Upstream's needsUpdate compares the
 * spec fields a load balancer depends on and the annotations.
 */
export function needsUpdate(oldS: Service, newS: Service): boolean {
  if (wantsLoadBalancer(oldS) !== wantsLoadBalancer(newS)) return true;
  if (!wantsLoadBalancer(newS) && !hasLoadBalancerFinalizer(newS)) return false;
  return oldS.metadata?.uid !== newS.metadata?.uid
    || JSON.stringify(oldS.spec) !== JSON.stringify(newS.spec)
    || JSON.stringify(oldS.metadata?.annotations ?? {}) !== JSON.stringify(newS.metadata?.annotations ?? {})
    || Boolean(oldS.metadata?.deletionTimestamp) !== Boolean(newS.metadata?.deletionTimestamp);
}

/**
 * The nodes a load balancer targets (upstream's stableNodeSetPredicates):
 * not being deleted, not excluded by label, not tainted for deletion by the
 * cluster autoscaler. Readiness is not a criterion, so that a flapping node
 * does not churn every load balancer (upstream's StableLoadBalancerNodeSet).
 */
export function isLoadBalancerNode(n: Node): boolean {
  if (n.metadata?.deletionTimestamp) return false;
  if (n.metadata?.labels?.[LABEL_EXCLUDE_BALANCERS] !== undefined) return false;
  return !(n.spec?.taints ?? []).some((t) => t.key === TAINT_TO_BE_DELETED);
}

/** Node names in a stable order, the identity of a node set. */
export function nodeSetKey(nodes: readonly Node[]): string {
  return nodes.map((n) => n.metadata?.name ?? '').sort().join(',');
}

/** Equal ingress lists (order included, as upstream's LoadBalancerStatusEqual). */
export function loadBalancerStatusEqual(a: LoadBalancerStatus | undefined, b: LoadBalancerStatus | undefined): boolean {
  const norm = (s: LoadBalancerStatus | undefined): string => JSON.stringify((s?.ingress ?? []).map((i) => ({ ip: i.ip ?? '', hostname: i.hostname ?? '', ipMode: i.ipMode ?? '' })));
  return norm(a) === norm(b);
}
