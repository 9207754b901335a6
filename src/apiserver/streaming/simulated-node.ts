/**
 * What the streaming subresources answer for a pod on a simulated node,
 * which runs no containers and has no kubelet: logs are one fixed line,
 * exec, attach and port-forward a 400 at once (never a hang).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { badRequest, type StatusError } from '../../api/errors.js';
import type { PodLogOptions } from './log-options.js';

/** The one line `kubectl logs` prints for a container on a simulated node. */
export function simulatedLogLine(pod: Pod, container: string): string {
  return `k8ts simulated node ${pod.spec?.nodeName ?? ''}: container ${container} of pod ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''} runs no process, so it has no log`;
}

/** The body of GET pods/log for a simulated node, shaped by tailLines, limitBytes and timestamps like a real log. */
export function simulatedLog(pod: Pod, container: string, o: PodLogOptions): string {
  if (o.tailLines === 0) return '';
  const started = pod.status?.startTime ?? pod.metadata?.creationTimestamp;
  if (o.sinceTime !== undefined && started !== undefined && Date.parse(started) < Date.parse(o.sinceTime)) return '';
  const stamp = o.timestamps ? `${new Date(started ? Date.parse(started) : Date.now()).toISOString().replace('Z', '000000Z')} ` : '';
  const text = `${stamp}${simulatedLogLine(pod, container)}\n`;
  return o.limitBytes !== undefined ? Buffer.from(text).subarray(0, o.limitBytes).toString() : text;
}

/** The 400 of exec, attach and port-forward on a simulated node. */
export function simulatedNodeRefusal(pod: Pod, subresource: string): StatusError {
  const what = subresource === 'portforward' ? 'port-forward' : subresource;
  return badRequest(`pod ${pod.metadata?.name ?? ''} runs on simulated node ${pod.spec?.nodeName ?? ''}, which has no kubelet and no containers: ${what} is not possible`);
}

/** The 400 of nodes/proxy to a simulated node. */
export function simulatedNodeProxyRefusal(nodeName: string): StatusError {
  return badRequest(`node ${nodeName} is a simulated node, which has no kubelet: nodes/proxy is not possible`);
}
