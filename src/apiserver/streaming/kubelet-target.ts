/**
 * Where and how the API server reaches a node's kubelet (upstream's
 * pkg/kubelet/client NodeConnectionInfoGetter): the node's InternalIP, else
 * its Hostname, and status.daemonEndpoints.kubeletEndpoint.Port (10250 when
 * unset), over HTTPS with the API server's kubelet client certificate.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { SecureContextOptions } from 'node:tls';
import { SIMULATED_LABEL } from '../../api/nodes/simulated.js';
import { StatusError } from '../../api/errors.js';

export const DEFAULT_KUBELET_PORT = 10250;

/** The API server's side of the kubelet connection (upstream's --kubelet-client-* and --kubelet-certificate-authority). */
export interface KubeletClientConfig {
  /** Client certificate and key presented to kubelets ('' for none: kubelets then answer 401). */
  certPem: string;
  keyPem: string;
  /**
   * CA bundle that kubelet serving certificates must verify against; without
   * it the serving certificate is not verified (upstream's default when
   * --kubelet-certificate-authority is unset).
   */
  caPem?: string;
}

/** A kubelet to dial: base URL and the TLS options for it. */
export interface KubeletTarget {
  nodeName: string;
  /** `https://<host>:<port>` */
  base: string;
  tls: SecureContextOptions & { rejectUnauthorized: boolean; servername?: string };
}

/**
 * The kubelet of `node`, or `'simulated'` for a node of the simulator, which
 * has no kubelet. `insecure` skips verification of the serving certificate
 * (PodLogOptions.insecureSkipTLSVerifyBackend). Throws a Status when the node
 * publishes no address.
 */
export function kubeletTarget(node: Node, client: KubeletClientConfig, insecure = false): KubeletTarget | 'simulated' {
  if (node.metadata?.labels?.[SIMULATED_LABEL] === 'true') return 'simulated';
  const nodeName = node.metadata?.name ?? '';
  const addresses = node.status?.addresses ?? [];
  const host = addresses.find((a) => a.type === 'InternalIP')?.address ?? addresses.find((a) => a.type === 'Hostname')?.address;
  if (!host) {
    // Upstream: nodeutil.GetPreferredNodeAddress's error, not a typed Status (500, no reason).
    throw reasonless(500, `no preferred addresses found; known addresses: [${addresses.map((a) => `{${a.type} ${a.address}}`).join(' ')}]`);
  }
  const configured = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  const port = configured && configured > 0 ? configured : DEFAULT_KUBELET_PORT;
  const verify = !insecure && client.caPem !== undefined;
  return {
    nodeName,
    base: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    tls: {
      ...(client.certPem ? { cert: client.certPem, key: client.keyPem } : {}),
      rejectUnauthorized: verify,
      ...(verify ? { ca: client.caPem } : {}),
      // The kubelet's serving certificate names the node; its IP SANs may not match the address chosen here.
      ...(nodeName ? { servername: nodeName } : {}),
    },
  };
}

/**
 * A Status without a reason: what upstream's API server sends for an error
 * that is not a typed API error (dial failures, for instance); kubectl then
 * prints `Error from server: <message>`.
 */
export function reasonless(code: number, message: string): StatusError {
  return new ReasonlessError(code, message);
}

class ReasonlessError extends StatusError {
  constructor(code: number, message: string) {
    super(code, 'InternalError', message);
  }

  override toStatus(): ReturnType<StatusError['toStatus']> {
    const { reason: _omitted, ...rest } = super.toStatus();
    return rest;
  }
}
