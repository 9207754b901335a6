/**
 * A kubelet serving certificate signed by the cluster CA (k3s's agent gets
 * it from its server as serving-kubelet.crt), so that the API server can
 * verify the kubelet it dials for logs, exec, attach and port-forward
 * against the cluster CA. `k8ts server` issues it for its own node; a
 * joined agent asks its server. It is written where the kubelet server
 * looks for its certificate; the kubelet reuses any usable certificate
 * there and generates a self-signed one only when there is none.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CertificatePem } from '../api/x509/certificate.js';

/** Who signs the kubelet's serving certificate. */
export interface KubeletServingCertSource {
  /** The CA the certificate must verify against. */
  caPem: string;
  /** A new certificate and key for the node's name and IPs; rejects when it cannot be had. */
  issue(nodeName: string, nodeIPs: string[]): Promise<CertificatePem>;
}

const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

/**
 * Leaves at certPath/keyPath a serving certificate with the node's name and
 * IPs as SANs, signed by the source's CA: the one there when it already is
 * such (and not near expiry), else a new one from the source. Resolves
 * whether it wrote one.
 */
export async function ensureCaSignedServingCert(source: KubeletServingCertSource,
  o: { certPath: string; keyPath: string; nodeName: string; nodeIPs: string[] }): Promise<boolean> {
  const sans = [...new Set([o.nodeName, ...o.nodeIPs].filter(Boolean))];
  if (usable(source.caPem, o.certPath, o.keyPath, sans)) return false;
  const pem = await source.issue(o.nodeName, o.nodeIPs.filter(Boolean));
  write(o.keyPath, pem.keyPem, 0o600);
  write(o.certPath, pem.certPem, 0o644);
  return true;
}

function usable(caPem: string, certPath: string, keyPath: string, sans: string[]): boolean {
  try {
    const cert = new X509Certificate(readFileSync(certPath, 'utf8'));
    const caCert = new X509Certificate(caPem);
    if (!cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) return false;
    if (!cert.checkPrivateKey(createPrivateKey(readFileSync(keyPath, 'utf8')))) return false;
    if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
    const covered = (cert.subjectAltName ?? '').split(', ').map((e) => e.replace(/^(DNS|IP Address):/, ''));
    return sans.every((s) => covered.includes(s));
  } catch {
    return false;
  }
}

function write(path: string, data: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}
