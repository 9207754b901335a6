/**
 * The kubelet's serving certificate, kept at
 * nodePaths(dataDir).kubeletServingCert/Key and reused while it covers
 * every SAN, is not near expiry and (with an issuer) chains to the cluster
 * CA. With an issuer it is signed by the cluster CA, as k3s's agents get
 * theirs, so that the API server can verify the kubelet. Without one, or
 * when the issuer fails, it is what upstream makes without --tls-cert-file
 * (pkg/kubelet/kubelet.go, certutil GenerateSelfSignedCertKey):
 * self-signed, CN `<hostname>@<unix seconds>`, serverAuth, SANs the node
 * name and its IPs. (Upstream adds a throwaway CA above the leaf; k8ts's
 * self-signed certificate is its own issuer.)
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
  /** Gets a certificate signed by the cluster CA `caPem` for these SANs. */
  issuer?: { caPem: string; issue(sans: string[]): Promise<CertificatePem> };
}

export interface ServingCertificate extends CertificatePem {
  /** Written by this call (false: reused from disk). */
  generated: boolean;
  /** Whether it chains to the issuer's CA. */
  clusterSigned: boolean;
  /** Why the issuer could not be used, when it could not. */
  issuerError?: string;
}

/** Reads a usable certificate and key, or issues and writes new ones. */
export async function ensureServingCertificate(o: ServingCertOptions): Promise<ServingCertificate> {
  const sans = [...new Set(o.sans.filter(Boolean))];
  let issuerError: string | undefined;
  if (o.issuer) {
    const existing = readUsable(o, o.issuer.caPem);
    if (existing) return { ...existing, generated: false, clusterSigned: true };
    try {
      const pem = await o.issuer.issue(sans);
      if (!issuedBy(pem.certPem, o.issuer.caPem)) throw new Error('the certificate does not chain to the cluster CA');
      write(o, pem);
      return { ...pem, generated: true, clusterSigned: true };
    } catch (e) {
      issuerError = e instanceof Error ? e.message : String(e);
    }
  }
  const existing = readUsable(o);
  if (existing) return { ...existing, generated: false, clusterSigned: false, ...(issuerError ? { issuerError } : {}) };
  const pem = issueCertificate({
    commonName: `${o.hostname}@${Math.floor(Date.now() / 1000)}`, validityDays: VALIDITY_DAYS, extKeyUsages: ['serverAuth'], sans,
  });
  write(o, pem);
  return { ...pem, generated: true, clusterSigned: false, ...(issuerError ? { issuerError } : {}) };
}

function write(o: ServingCertOptions, pem: CertificatePem): void {
  writeAtomic(o.keyPath, pem.keyPem, 0o600);
  writeAtomic(o.certPath, pem.certPem, 0o644);
}

function issuedBy(certPem: string, caPem: string): boolean {
  try {
    const ca = new X509Certificate(caPem);
    const cert = new X509Certificate(certPem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

function readUsable(o: ServingCertOptions, caPem?: string): CertificatePem | undefined {
  try {
    const certPem = readFileSync(o.certPath, 'utf8');
    const keyPem = readFileSync(o.keyPath, 'utf8');
    const cert = new X509Certificate(certPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    if (caPem !== undefined && !issuedBy(certPem, caPem)) return undefined;
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
