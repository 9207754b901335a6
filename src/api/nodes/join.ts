/**
 * The paths and headers of the node-join endpoints (k3s's supervisor
 * routes), shared by the API server that serves them and the agent that
 * calls them.
 */
export const CACERTS_PATH = '/cacerts';
export const KUBELET_CLIENT_CERT_PATH = '/v1-k8ts/client-kubelet.crt';
export const KUBELET_SERVING_CERT_PATH = '/v1-k8ts/serving-kubelet.crt';
/** The node the certificate is for (k3s: `k3s-Node-Name`). */
export const NODE_NAME_HEADER = 'k8ts-node-name';
/** The node's IPs, comma-separated (k3s: `k3s-Node-IP`). */
export const NODE_IP_HEADER = 'k8ts-node-ip';
