import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isDnsName, issueCertificate, type CertificatePem, type CertificateSpec } from './certificate.js';
import { ipBytes } from './ip.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** A certificate and key as PEM, and the files they live in. */
export interface CertificateFiles extends CertificatePem {
  certPath: string;
  keyPath: string;
}

/** The cluster's TLS material, as `ensurePki` left it on disk. */
export interface Pki {
  /** `<dir>/tls`. */
  dir: string;
  /** Self-signed CA (`server-ca.crt/.key`); signs the other two and verifies client certificates. */
  ca: CertificateFiles;
  /** API server serving certificate (`serving.crt/.key`), serverAuth. */
  serving: CertificateFiles;
  /** Client certificate CN=admin, O=system:masters (`client-admin.crt/.key`), clientAuth. */
  adminClient: CertificateFiles;
  /**
   * The client certificate the API server presents to kubelets for logs,
   * exec, attach, port-forward and proxy (`client-kube-apiserver.crt/.key`):
   * CN=kube-apiserver-kubelet-client, O=system:masters, clientAuth, as k3s
   * issues it (upstream's --kubelet-client-certificate).
   */
  kubeletClient: CertificateFiles;
  /** Every SAN this call required of the serving certificate (defaults plus `opts.sans`). */
  servingSans: string[];
  /** Which parts this call generated; false means reused from disk. */
  generated: { ca: boolean; serving: boolean; adminClient: boolean; kubeletClient: boolean };
}

export interface EnsurePkiOptions {
  /** Extra serving SANs: IP literals become IP SANs, anything else a DNS SAN. */
  sans: string[];
}

/** SANs every serving certificate carries, besides os.hostname(). */
export const DEFAULT_SERVING_SANS: readonly string[] = [
  'localhost', '127.0.0.1', '::1',
  'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local',
];

const CA_VALIDITY_DAYS = 3650;
const LEAF_VALIDITY_DAYS = 365;
/** A leaf certificate closer than this to expiry is reissued. */
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Makes sure `<dir>/tls` holds a usable CA, serving certificate, admin
 * client certificate and kubelet client certificate, and returns them.
 *
 * - The CA is created once and reused; it is replaced (and with it both leaf
 *   certificates) only if missing, unreadable, not a CA, expired, or its key
 *   does not match.
 * - The serving certificate is reissued when it does not cover every
 *   requested SAN, was not signed by the CA, expires within 30 days, or its
 *   key does not match. Otherwise it is reused even if it carries extra SANs.
 * - The two client certificates are reissued on the same conditions, SANs aside.
 *
 * Keys are ECDSA P-256, PKCS#8 PEM, mode 0600; certificates are mode 0644;
 * the directory is created with mode 0700. Each file is replaced atomically.
 * Throws if an entry of `opts.sans` is neither an IP literal nor a valid DNS
 * name. Not safe against two processes running it on the same `dir` at once.
 */
export async function ensurePki(dir: string, opts: EnsurePkiOptions): Promise<Pki> {
  const tlsDir = join(dir, 'tls');
  await mkdir(tlsDir, { recursive: true, mode: 0o700 });
  const servingSans = requiredSans(opts.sans);
  const now = Date.now();

  const caPaths = pathsFor(tlsDir, 'server-ca');
  let ca = await load(caPaths);
  const reuseCa = ca !== undefined && ca.x509.ca && Date.parse(ca.x509.validTo) > now;
  if (!reuseCa || !ca) {
    ca = await issue(caPaths, { commonName: 'k8ts-ca', validityDays: CA_VALIDITY_DAYS, isCA: true });
  }
  const caCert = ca.x509;
  const usableLeaf = (leaf: Loaded | undefined): leaf is Loaded => leaf !== undefined
    && leaf.x509.checkIssued(caCert) && leaf.x509.verify(caCert.publicKey)
    && Date.parse(leaf.x509.validTo) - now > RENEW_BEFORE_MS;

  const servingPaths = pathsFor(tlsDir, 'serving');
  let serving = await load(servingPaths);
  const reuseServing = usableLeaf(serving) && covers(serving.x509, servingSans);
  if (!reuseServing || !serving) {
    serving = await issue(servingPaths, {
      commonName: 'kube-apiserver', validityDays: LEAF_VALIDITY_DAYS, extKeyUsages: ['serverAuth'],
      sans: servingSans, issuer: ca.files,
    });
  }

  const adminPaths = pathsFor(tlsDir, 'client-admin');
  let admin = await load(adminPaths);
  const reuseAdmin = usableLeaf(admin);
  if (!reuseAdmin || !admin) {
    admin = await issue(adminPaths, {
      commonName: 'admin', organizations: ['system:masters'], validityDays: LEAF_VALIDITY_DAYS,
      extKeyUsages: ['clientAuth'], issuer: ca.files,
    });
  }

  const kubeletClientPaths = pathsFor(tlsDir, 'client-kube-apiserver');
  let kubeletClient = await load(kubeletClientPaths);
  const reuseKubeletClient = usableLeaf(kubeletClient);
  if (!reuseKubeletClient || !kubeletClient) {
    kubeletClient = await issue(kubeletClientPaths, {
      commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], validityDays: LEAF_VALIDITY_DAYS,
      extKeyUsages: ['clientAuth'], issuer: ca.files,
    });
  }

  return {
    dir: tlsDir,
    ca: ca.files,
    serving: serving.files,
    adminClient: admin.files,
    kubeletClient: kubeletClient.files,
    servingSans,
    generated: { ca: !reuseCa, serving: !reuseServing, adminClient: !reuseAdmin, kubeletClient: !reuseKubeletClient },
  };
}

interface Loaded {
  files: CertificateFiles;
  x509: X509Certificate;
}

function pathsFor(dir: string, name: string): { certPath: string; keyPath: string } {
  return { certPath: join(dir, `${name}.crt`), keyPath: join(dir, `${name}.key`) };
}

/** Reads a certificate and key; undefined if either is missing, unparseable or they do not match. */
async function load(paths: { certPath: string; keyPath: string }): Promise<Loaded | undefined> {
  try {
    const [certPem, keyPem] = await Promise.all([readFile(paths.certPath, 'utf8'), readFile(paths.keyPath, 'utf8')]);
    const x509 = new X509Certificate(certPem);
    if (!x509.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    return { files: { ...paths, certPem, keyPem }, x509 };
  } catch {
    return undefined;
  }
}

async function issue(paths: { certPath: string; keyPath: string }, spec: CertificateSpec): Promise<Loaded> {
  const pem = issueCertificate(spec);
  // Key first: a crash between the writes leaves a mismatched pair, which `load` rejects.
  await writeFileAtomic(paths.keyPath, pem.keyPem, { mode: 0o600 });
  await writeFileAtomic(paths.certPath, pem.certPem, { mode: 0o644 });
  return { files: { ...paths, ...pem }, x509: new X509Certificate(pem.certPem) };
}

/** Defaults, hostname and extras; validated, DNS names lowercased, duplicates dropped. */
function requiredSans(extra: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (san: string, strict: boolean): void => {
    const ip = ipBytes(san);
    const name = ip ? undefined : san.toLowerCase();
    if (name !== undefined && !isDnsName(name)) {
      if (strict) throw new Error(`invalid serving SAN "${san}": not an IP address or DNS name`);
      return;
    }
    const key = ip ? `ip:${ip.toString('hex')}` : `dns:${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(name ?? san);
  };
  for (const san of DEFAULT_SERVING_SANS) add(san, true);
  add(hostname(), false); // an odd hostname must not stop the server from starting
  for (const san of extra) add(san.trim(), true);
  return out;
}

function covers(cert: X509Certificate, sans: string[]): boolean {
  return sans.every((san) => ipBytes(san)
    ? cert.checkIP(san) !== undefined
    : cert.checkHost(san, { subject: 'never', wildcards: false }) !== undefined);
}
