import { isIP } from 'node:net';
import { issueCertificate, type CertificatePem } from './certificate.js';
import { isNodeName } from './kubelet-client.js';

const LEAF_VALIDITY_DAYS = 365;

/**
 * A kubelet's serving certificate, signed by `ca` (as k3s's
 * /v1-k3s/serving-kubelet.crt issues it, so that the API server can verify
 * kubelets against the cluster CA): CN=<node>, serverAuth, SANs the node
 * name, `localhost` and the node's IPs. Throws on an invalid node name or IP.
 */
export function issueKubeletServingCertificate(ca: CertificatePem, nodeName: string, ips: string[]): CertificatePem {
  if (!isNodeName(nodeName)) throw new Error(`invalid node name ${JSON.stringify(nodeName)}: want a DNS-1123 subdomain`);
  const bad = ips.find((ip) => isIP(ip) === 0);
  if (bad !== undefined) throw new Error(`invalid node IP ${JSON.stringify(bad)}`);
  return issueCertificate({
    commonName: nodeName, validityDays: LEAF_VALIDITY_DAYS, extKeyUsages: ['serverAuth'],
    sans: [...new Set([nodeName, 'localhost', '127.0.0.1', ...ips])], issuer: ca,
  });
}
