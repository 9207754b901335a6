/**
 * Which convertor serves which built-in resource, keyed by group and plural
 * (every served version of a resource prints the same way upstream, since
 * printers work on the internal type).
 */
import type { TableConvertor } from './convertor.js';
import { configMapConvertor } from './kinds/config-map.js';
import { controllerRevisionConvertor } from './kinds/controller-revision.js';
import { cronJobConvertor } from './kinds/cron-job.js';
import { daemonSetConvertor } from './kinds/daemon-set.js';
import { defaultConvertor } from './kinds/default.js';
import { deploymentConvertor } from './kinds/deployment.js';
import { endpointSliceConvertor } from './kinds/endpoint-slice.js';
import { endpointsConvertor } from './kinds/endpoints.js';
import { eventConvertor } from './kinds/event.js';
import { horizontalPodAutoscalerConvertor } from './kinds/horizontal-pod-autoscaler.js';
import { ingressClassConvertor } from './kinds/ingress-class.js';
import { ingressConvertor } from './kinds/ingress.js';
import { jobConvertor } from './kinds/job.js';
import { leaseConvertor } from './kinds/lease.js';
import { namespaceConvertor } from './kinds/namespace.js';
import { networkPolicyConvertor } from './kinds/network-policy.js';
import { nodeConvertor } from './kinds/node.js';
import { persistentVolumeClaimConvertor } from './kinds/persistent-volume-claim.js';
import { persistentVolumeConvertor } from './kinds/persistent-volume.js';
import { podDisruptionBudgetConvertor } from './kinds/pod-disruption-budget.js';
import { podTemplateConvertor } from './kinds/pod-template.js';
import { podConvertor } from './kinds/pod.js';
import { priorityClassConvertor } from './kinds/priority-class.js';
import { replicaSetConvertor } from './kinds/replica-set.js';
import { replicationControllerConvertor } from './kinds/replication-controller.js';
import { resourceQuotaConvertor } from './kinds/resource-quota.js';
import { clusterRoleBindingConvertor, roleBindingConvertor } from './kinds/role-binding.js';
import { secretConvertor } from './kinds/secret.js';
import { serviceAccountConvertor } from './kinds/service-account.js';
import { serviceConvertor } from './kinds/service.js';
import { statefulSetConvertor } from './kinds/stateful-set.js';
import { storageClassConvertor } from './kinds/storage-class.js';

/**
 * `group/plural` (core group: `/plural`) to convertor. Resources upstream has
 * no printer for (roles, clusterroles, limitranges, bindings...) are absent and
 * get the default table.
 */
const CONVERTORS: ReadonlyMap<string, TableConvertor> = new Map([
  ['/pods', podConvertor],
  ['/podtemplates', podTemplateConvertor],
  ['/replicationcontrollers', replicationControllerConvertor],
  ['/services', serviceConvertor],
  ['/endpoints', endpointsConvertor],
  ['/nodes', nodeConvertor],
  ['/events', eventConvertor],
  ['/namespaces', namespaceConvertor],
  ['/secrets', secretConvertor],
  ['/serviceaccounts', serviceAccountConvertor],
  ['/persistentvolumes', persistentVolumeConvertor],
  ['/persistentvolumeclaims', persistentVolumeClaimConvertor],
  ['/configmaps', configMapConvertor],
  ['/resourcequotas', resourceQuotaConvertor],
  ['apps/deployments', deploymentConvertor],
  ['apps/replicasets', replicaSetConvertor],
  ['apps/statefulsets', statefulSetConvertor],
  ['apps/daemonsets', daemonSetConvertor],
  ['apps/controllerrevisions', controllerRevisionConvertor],
  ['batch/jobs', jobConvertor],
  ['batch/cronjobs', cronJobConvertor],
  ['events.k8s.io/events', eventConvertor],
  ['autoscaling/horizontalpodautoscalers', horizontalPodAutoscalerConvertor],
  ['policy/poddisruptionbudgets', podDisruptionBudgetConvertor],
  ['coordination.k8s.io/leases', leaseConvertor],
  ['discovery.k8s.io/endpointslices', endpointSliceConvertor],
  ['networking.k8s.io/ingresses', ingressConvertor],
  ['networking.k8s.io/ingressclasses', ingressClassConvertor],
  ['networking.k8s.io/networkpolicies', networkPolicyConvertor],
  ['rbac.authorization.k8s.io/rolebindings', roleBindingConvertor],
  ['rbac.authorization.k8s.io/clusterrolebindings', clusterRoleBindingConvertor],
  ['scheduling.k8s.io/priorityclasses', priorityClassConvertor],
  ['storage.k8s.io/storageclasses', storageClassConvertor],
]);

/** The convertor for a resource; the default (Name, Created At) one for any resource without a printer. */
export function tableConvertorFor(group: string, plural: string): TableConvertor {
  return CONVERTORS.get(`${group}/${plural}`) ?? defaultConvertor;
}
