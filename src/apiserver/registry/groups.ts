/**
 * The strategies of the non-core API groups, keyed `<group>/<plural>`, and
 * the conversions of the served versions whose storage version differs,
 * keyed `<group>/<version>/<plural>` of the served version. Strategies see
 * objects in their storage version only (handlers convert).
 */
import type { KubeObject } from '../../api/object.js';
import type { Strategy } from './strategy.js';
import { controllerRevisionStrategy } from './apps/controller-revision.js';
import { daemonSetStrategy } from './apps/daemon-set.js';
import { deploymentStrategy } from './apps/deployment.js';
import { replicaSetStrategy } from './apps/replica-set.js';
import { statefulSetStrategy } from './apps/stateful-set.js';
import { cronJobStrategy } from './batch/cron-job.js';
import { jobStrategy } from './batch/job.js';
import { horizontalPodAutoscalerStrategy } from './autoscaling/horizontal-pod-autoscaler.js';
import { hpaV1ToV2, hpaV2ToV1 } from './autoscaling/hpa-conversion.js';
import { podDisruptionBudgetStrategy } from './policy/pod-disruption-budget.js';
import { ingressStrategy } from './networking/ingress.js';
import { ingressClassStrategy } from './networking/ingress-class.js';
import { networkPolicyStrategy } from './networking/network-policy.js';
import { roleStrategy } from './rbac/role.js';
import { clusterRoleStrategy } from './rbac/cluster-role.js';
import { roleBindingStrategy } from './rbac/role-binding.js';
import { clusterRoleBindingStrategy } from './rbac/cluster-role-binding.js';
import { storageClassStrategy } from './storage/storage-class.js';
import { CRD_STRATEGY } from './apiextensions/custom-resource-definition.js';
import { leaseStrategy } from './coordination/lease.js';
import { endpointSliceStrategy } from './discovery/endpoint-slice.js';
import { priorityClassStrategy } from './scheduling/priority-class.js';
import { eventsV1Strategy } from './events/event.js';
import { coreToEventsV1, eventsV1ToCore } from './events/event-conversion.js';

export const GROUP_STRATEGIES: Record<string, Strategy> = {
  'apiextensions.k8s.io/customresourcedefinitions': CRD_STRATEGY,
  'apps/controllerrevisions': controllerRevisionStrategy,
  'apps/daemonsets': daemonSetStrategy,
  'apps/deployments': deploymentStrategy,
  'apps/replicasets': replicaSetStrategy,
  'apps/statefulsets': statefulSetStrategy,
  'batch/cronjobs': cronJobStrategy,
  'batch/jobs': jobStrategy,
  'autoscaling/horizontalpodautoscalers': horizontalPodAutoscalerStrategy,
  'policy/poddisruptionbudgets': podDisruptionBudgetStrategy,
  'networking.k8s.io/ingresses': ingressStrategy,
  'networking.k8s.io/ingressclasses': ingressClassStrategy,
  'networking.k8s.io/networkpolicies': networkPolicyStrategy,
  'rbac.authorization.k8s.io/roles': roleStrategy,
  'rbac.authorization.k8s.io/clusterroles': clusterRoleStrategy,
  'rbac.authorization.k8s.io/rolebindings': roleBindingStrategy,
  'rbac.authorization.k8s.io/clusterrolebindings': clusterRoleBindingStrategy,
  'storage.k8s.io/storageclasses': storageClassStrategy,
  'coordination.k8s.io/leases': leaseStrategy,
  'discovery.k8s.io/endpointslices': endpointSliceStrategy,
  'scheduling.k8s.io/priorityclasses': priorityClassStrategy,
  'events.k8s.io/events': eventsV1Strategy,
};

export interface GroupConversion {
  /** Served form -> storage form, with the storage apiVersion and kind. */
  toStorage(obj: KubeObject): KubeObject;
  /** Storage form -> served form, with the served apiVersion and kind. */
  fromStorage(obj: KubeObject): KubeObject;
}

type Fn<A, B> = (a: A) => B;
/** Adapts a typed conversion pair to the untyped KubeObject seam. */
function conversion<S, T>(to: Fn<S, T>, from: Fn<T, S>): GroupConversion {
  return {
    toStorage: (obj) => to(obj as unknown as S) as unknown as KubeObject,
    fromStorage: (obj) => from(obj as unknown as T) as unknown as KubeObject,
  };
}

export const CONVERSIONS: Record<string, GroupConversion> = {
  'autoscaling/v1/horizontalpodautoscalers': conversion(hpaV1ToV2, hpaV2ToV1),
  'events.k8s.io/v1/events': conversion(eventsV1ToCore, coreToEventsV1),
};
