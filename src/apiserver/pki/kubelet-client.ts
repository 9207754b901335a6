import { issueCertificate, type CertificatePem } from './certificate.js';
import { isDNS1123Subdomain } from '../../api/validation/names.js';

const LEAF_VALIDITY_DAYS = 365;

/** DNS-1123 subdomain, as node names must be. */

/** Whether `name` is a valid Node name (a DNS-1123 subdomain of at most 253 characters). */
export function isNodeName(name: string): boolean {
  return isDNS1123Subdomain(name).length === 0;
}

/**
 * A kubelet's client certificate, signed by `ca`: CN=system:node:<node>,
 * O=system:nodes, clientAuth, the identity upstream's Node authorizer
 * expects of a kubelet (and k3s's /v1-k3s/client-kubelet.crt issues).
 * Throws if `nodeName` is not a valid node name.
 */
export function issueKubeletClientCertificate(ca: CertificatePem, nodeName: string): CertificatePem {
  if (!isNodeName(nodeName)) throw new Error(`invalid node name ${JSON.stringify(nodeName)}: want a DNS-1123 subdomain`);
  return issueCertificate({
    commonName: `system:node:${nodeName}`, organizations: ['system:nodes'], validityDays: LEAF_VALIDITY_DAYS,
    extKeyUsages: ['clientAuth'], issuer: ca,
  });
}

/**
 * A kubelet's serving certificate, signed by `ca`: CN=system:node:<node>,
 * O=system:nodes, serverAuth, SANs the node name and its IPs (what
 * upstream's kubelet asks for in its serving CSR, and k3s's
 * /v1-k3s/serving-kubelet.crt issues). Throws if `nodeName` is not a valid
 * node name.
 */
export function issueKubeletServingCertificate(ca: CertificatePem, nodeName: string, nodeIPs: readonly string[]): CertificatePem {
  if (!isNodeName(nodeName)) throw new Error(`invalid node name ${JSON.stringify(nodeName)}: want a DNS-1123 subdomain`);
  return issueCertificate({
    commonName: `system:node:${nodeName}`, organizations: ['system:nodes'], validityDays: LEAF_VALIDITY_DAYS,
    extKeyUsages: ['serverAuth'], sans: [...new Set([nodeName, ...nodeIPs])], issuer: ca,
  });
}
