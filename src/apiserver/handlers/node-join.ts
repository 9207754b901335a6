/**
 * The two endpoints a joining node uses before it has credentials, as k3s's
 * supervisor serves them (pkg/server/router.go): `GET /cacerts`, the CA
 * bundle, to anyone (the node checks it against the hash in its token), and
 * `POST /v1-k8ts/client-kubelet.crt` (k3s: /v1-k3s/client-kubelet.crt),
 * which for a request bearing the join token signs a kubelet client
 * certificate for the node named in the `K8ts-Node-Name` header, and
 * `POST /v1-k8ts/serving-kubelet.crt` (k3s: /v1-k3s/serving-kubelet.crt),
 * a kubelet serving certificate signed by the cluster CA for that node and
 * the IPs in `K8ts-Node-IP`, so that the API server verifies kubelets
 * against the CA. The serving certificate is also issued to a client
 * certificate of the node itself (system:node:<name>) or of system:masters,
 * which is how agents started with a kubeconfig get one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { badRequest, methodNotAllowed, unauthorized } from '../../api/errors.js';
import { authenticateRequest, joinTokenAuthenticator } from '../authn/index.js';
import type { CertificatePem } from '../pki/index.js';
import { isNodeName } from '../pki/index.js';

import {
  CACERTS_PATH, KUBELET_CLIENT_CERT_PATH, KUBELET_SERVING_CERT_PATH, NODE_IP_HEADER, NODE_NAME_HEADER,
} from '../../api/nodes/join.js';

export { CACERTS_PATH, KUBELET_CLIENT_CERT_PATH, KUBELET_SERVING_CERT_PATH, NODE_IP_HEADER, NODE_NAME_HEADER };

export interface NodeJoinOptions {
  /** The server's join token (formatJoinToken's form). */
  token: string;
  /** Signs a client certificate CN=system:node:<nodeName>, O=system:nodes; nodeName is already validated. */
  issueKubeletClientCertificate(nodeName: string): CertificatePem;
  /** Signs a serving certificate for the node and IPs; throws on an invalid IP. */
  issueKubeletServingCertificate(nodeName: string, ips: string[]): CertificatePem;
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
    if (pathname === KUBELET_SERVING_CERT_PATH) return this.issue(req, res, pathname, 'serving');
    if (pathname === KUBELET_CLIENT_CERT_PATH) return this.issue(req, res, pathname, 'client');
    return false;
  }

  private issue(req: IncomingMessage, res: ServerResponse, pathname: string, kind: 'client' | 'serving'): boolean {
    const join = this.join;
    if (!join || !this.authenticate) return false;
    if (req.method !== 'POST') throw methodNotAllowed(`the server does not allow this method on ${pathname}`);
    req.resume();
    const nodeName = req.headers[NODE_NAME_HEADER];
    const byToken = Boolean(this.authenticate(req));
    const user = byToken ? undefined : authenticateRequest(req);
    const mayServe = kind === 'serving' && user !== undefined
      && (user.groups.includes('system:masters') || (typeof nodeName === 'string' && user.name === `system:node:${nodeName}`));
    if (!byToken && !mayServe) throw unauthorized();
    if (typeof nodeName !== 'string' || !isNodeName(nodeName)) {
      throw badRequest(`header ${NODE_NAME_HEADER} must name the node (a DNS-1123 subdomain)`);
    }
    let pem: CertificatePem;
    if (kind === 'client') {
      pem = join.issueKubeletClientCertificate(nodeName);
    } else {
      const ipHeader = req.headers[NODE_IP_HEADER];
      const ips = typeof ipHeader === 'string' ? ipHeader.split(',').map((ip) => ip.trim()).filter(Boolean) : [];
      const bad = ips.find((ip) => isIP(ip) === 0);
      if (bad !== undefined) throw badRequest(`header ${NODE_IP_HEADER}: ${JSON.stringify(bad)} is not an IP address`);
      pem = join.issueKubeletServingCertificate(nodeName, ips);
    }
    const body = pem.certPem + pem.keyPem;
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
    res.end(body);
    return true;
  }
}
