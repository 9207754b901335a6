/**
 * The two endpoints a joining node uses before it has credentials, as k3s's
 * supervisor serves them (pkg/server/router.go): `GET /cacerts`, the CA
 * bundle, to anyone (the node checks it against the hash in its token), and
 * `POST /v1-k8ts/client-kubelet.crt` (k3s: /v1-k3s/client-kubelet.crt),
 * which for a request bearing the join token signs a kubelet client
 * certificate for the node named in the `K8ts-Node-Name` header, and
 * `POST /v1-k8ts/serving-kubelet.crt` (k3s: /v1-k3s/serving-kubelet.crt),
 * which signs the kubelet's serving certificate for that node and the IPs
 * in `K8ts-Node-IP` (comma-separated), so that the API server can verify
 * the kubelet against the cluster CA.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, methodNotAllowed, unauthorized } from '../../api/errors.js';
import { joinTokenAuthenticator } from '../authn/index.js';
import type { CertificatePem } from '../pki/index.js';
import { isNodeName } from '../pki/index.js';
import { isIP } from 'node:net';

export const CACERTS_PATH = '/cacerts';
export const KUBELET_CLIENT_CERT_PATH = '/v1-k8ts/client-kubelet.crt';
export const KUBELET_SERVING_CERT_PATH = '/v1-k8ts/serving-kubelet.crt';
/** k3s's agent sends its IPs in `k3s-Node-IP`. */
export const NODE_IP_HEADER = 'k8ts-node-ip';
/** k3s's agent sends its node name in `k3s-Node-Name`. */
export const NODE_NAME_HEADER = 'k8ts-node-name';

export interface NodeJoinOptions {
  /** The server's join token (formatJoinToken's form). */
  token: string;
  /** Signs a client certificate CN=system:node:<nodeName>, O=system:nodes; nodeName is already validated. */
  issueKubeletClientCertificate(nodeName: string): CertificatePem;
  /** Signs a serving certificate (serverAuth) with the node's name and IPs as SANs; all are already validated. */
  issueKubeletServingCertificate?(nodeName: string, nodeIPs: string[]): CertificatePem;
}

export class NodeJoinHandler {
  private readonly authenticate?: (req: IncomingMessage) => unknown;

  /** Without `join`, only /cacerts is served. */
  constructor(private readonly caPem: string, private readonly join?: NodeJoinOptions) {
    if (join) this.authenticate = joinTokenAuthenticator(join.token);
  }

  /**
   * Serves `pathname` if it is one of these endpoints and returns true;
   * false leaves the request to the API. Throws a StatusError for a bad
   * method (405), a missing or wrong token (401) or a bad node name (400).
   * The reply to the certificate request is the certificate PEM followed by
   * its private key PEM.
   */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    if (pathname === CACERTS_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('the server does not allow this method on /cacerts');
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(this.caPem), 'Cache-Control': 'no-cache, private' });
      res.end(req.method === 'HEAD' ? undefined : this.caPem);
      return true;
    }
    const serving = pathname === KUBELET_SERVING_CERT_PATH && this.join?.issueKubeletServingCertificate !== undefined;
    if ((pathname !== KUBELET_CLIENT_CERT_PATH && !serving) || !this.join || !this.authenticate) return false;
    if (req.method !== 'POST') throw methodNotAllowed(`the server does not allow this method on ${pathname}`);
    req.resume();
    if (!this.authenticate(req)) throw unauthorized();
    const nodeName = req.headers[NODE_NAME_HEADER];
    if (typeof nodeName !== 'string' || !isNodeName(nodeName)) {
      throw badRequest(`header ${NODE_NAME_HEADER} must name the node (a DNS-1123 subdomain)`);
    }
    let pem: CertificatePem;
    if (serving) {
      const raw = req.headers[NODE_IP_HEADER];
      const ips = typeof raw === 'string' ? raw.split(',').map((ip) => ip.trim()).filter((ip) => ip !== '') : [];
      const bad = ips.find((ip) => isIP(ip) === 0);
      if (bad !== undefined) throw badRequest(`header ${NODE_IP_HEADER} must list IP addresses, comma-separated: ${JSON.stringify(bad)} is none`);
      pem = this.join.issueKubeletServingCertificate!(nodeName, ips);
    } else {
      pem = this.join.issueKubeletClientCertificate(nodeName);
    }
    const body = pem.certPem + pem.keyPem;
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
    res.end(body);
    return true;
  }
}
