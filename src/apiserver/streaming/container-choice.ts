/**
 * The checks upstream makes before it connects a pod subresource to the
 * kubelet (pkg/registry/core/pod/strategy.go validateContainer,
 * streamLocation, PortForwardLocation), with their texts and codes.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { badRequest } from '../../api/errors.js';

/** Init, regular, then ephemeral containers: upstream's podutil.VisitContainers order. */
function allContainerNames(pod: Pod): string[] {
  const spec = pod.spec;
  return [...spec?.initContainers ?? [], ...spec?.containers ?? [], ...spec?.ephemeralContainers ?? []].map((c) => c.name);
}

/**
 * The container a request addresses: `requested` when the pod has a
 * container of any kind by that name, the only regular container when none
 * is requested; otherwise a 400.
 */
export function chooseContainer(pod: Pod, requested: string): string {
  const name = pod.metadata?.name ?? '';
  if (requested) {
    if (!allContainerNames(pod).includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const containers = pod.spec?.containers ?? [];
  if (containers.length === 1) return containers[0].name;
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
  // Go's %s of a []string: `[a b c]`.
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${allContainerNames(pod).join(' ')}]`);
}

/** The pod's node; a 400 when it has none (exec, attach, port-forward). */
export function requireHost(pod: Pod): string {
  const node = pod.spec?.nodeName;
  if (!node) throw badRequest(`pod ${pod.metadata?.name ?? ''} does not have a host assigned`);
  return node;
}

/**
 * A 400 for exec or attach into a pod whose containers have all ended.
 * Upstream's API server leaves this to the kubelet; kubectl checks it
 * itself with these texts (pkg/cmd/exec/exec.go, pkg/cmd/attach/attach.go),
 * and k8ts answers the same to every client, before dialing.
 */
export function refuseCompleted(pod: Pod, action: 'exec' | 'attach'): void {
  const phase = pod.status?.phase;
  if (phase !== 'Succeeded' && phase !== 'Failed') return;
  throw badRequest(action === 'exec'
    ? `cannot exec into a container in a completed pod; current phase is ${phase}`
    : `cannot attach a container in a completed pod; current phase is ${phase}`);
}
