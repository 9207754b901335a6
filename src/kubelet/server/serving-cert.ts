/**
 * The kubelet's serving certificate when none is given, as upstream does
 * without --tls-cert-file (pkg/kubelet/kubelet.go, certutil
 * GenerateSelfSignedCertKey): self-signed, CN `<hostname>@<unix seconds>`,
 * serverAuth, SANs the node name and its IPs, kept at
 * nodePaths(dataDir).kubeletServingCert/Key and reused while it covers
 * every SAN and is not near expiry. (Upstream adds a throwaway CA above
 * the leaf; k8ts's certificate is its own issuer.)
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { issueCertificate, type CertificatePem } from '../../api/x509/certificate.js';

const VALIDITY_DAYS = 365;
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

export interface ServingCertOptions {
  certPath: string;
  keyPath: string;
  /** The hostname part of the CN. */
  hostname: string;
  /** DNS names and IPs the certificate must cover. */
  sans: string[];
}

/** Reads a usable certificate and key, or issues and writes new ones. */
export function ensureServingCertificate(o: ServingCertOptions): CertificatePem & { generated: boolean } {
  const existing = readUsable(o);
  if (existing) return { ...existing, generated: false };
  const sans = [...new Set(o.sans.filter(Boolean))];
  const pem = issueCertificate({
    commonName: `${o.hostname}@${Math.floor(Date.now() / 1000)}`, validityDays: VALIDITY_DAYS, extKeyUsages: ['serverAuth'], sans,
  });
  writeAtomic(o.keyPath, pem.keyPem, 0o600);
  writeAtomic(o.certPath, pem.certPem, 0o644);
  return { ...pem, generated: true };
}

function readUsable(o: ServingCertOptions): CertificatePem | undefined {
  try {
    const certPem = readFileSync(o.certPath, 'utf8');
    const keyPem = readFileSync(o.keyPath, 'utf8');
    const cert = new X509Certificate(certPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return undefined;
    const covered = (cert.subjectAltName ?? '').split(', ').map((e) => e.replace(/^(DNS|IP Address):/, ''));
    if (!o.sans.filter(Boolean).every((s) => covered.includes(s))) return undefined;
    return { certPem, keyPem };
  } catch {
    return undefined;
  }
}

function writeAtomic(path: string, data: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}
