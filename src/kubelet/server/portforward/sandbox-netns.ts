/**
 * The network namespace of a pod sandbox, from the runtime's verbose
 * PodSandboxStatus (containerd's `info`: the OCI runtime spec of the pause
 * container names the namespace's bind mount).
 */
import type { RuntimeService } from '../../runtime/cri/services.js';

/**
 * The path of the sandbox's network namespace; '' when the sandbox shares
 * the host's (hostNetwork); undefined when the runtime does not say (then
 * port-forward goes through the runtime's own streaming server).
 */
export async function sandboxNetnsPath(runtime: Pick<RuntimeService, 'podSandboxStatus'>, sandboxId: string): Promise<string | undefined> {
  const res = await runtime.podSandboxStatus(sandboxId, true);
  if (res.status?.linux?.namespaces?.options?.network === 'NODE') return '';
  const raw = res.info?.['info'];
  if (!raw) return undefined;
  let info: { runtimeSpec?: { linux?: { namespaces?: Array<{ type?: string; path?: string }> } } };
  try {
    info = JSON.parse(raw) as typeof info;
  } catch {
    return undefined;
  }
  const namespaces = info.runtimeSpec?.linux?.namespaces;
  if (!namespaces) return undefined;
  const net = namespaces.find((n) => n.type === 'network');
  return net ? net.path ?? undefined : '';
}
