/**
 * Runtime endpoints as the kubelet's --container-runtime-endpoint spells
 * them: `unix:///run/containerd/containerd.sock`, or a bare absolute path.
 */

/** The socket path of an endpoint; throws on anything but a unix socket. */
export function socketPathOf(endpoint: string): string {
  if (endpoint.startsWith('/')) return endpoint;
  const m = /^unix:\/\/(\/.*)$/.exec(endpoint);
  if (!m || m[1] === '/') throw new Error(`runtime endpoint ${JSON.stringify(endpoint)}: only unix:///absolute/path sockets are supported`);
  return m[1];
}

/** The grpc-js target for a socket path. */
export function grpcTarget(socketPath: string): string {
  return `unix://${socketPath}`;
}
