export { ensurePki, DEFAULT_SERVING_SANS } from './ensure-pki.js';
export type { CertificateFiles, EnsurePkiOptions, Pki } from './ensure-pki.js';
export { issueCertificate } from './certificate.js';
export type { CertificatePem, CertificateSpec, ExtKeyUsage } from './certificate.js';
export { writeKubeconfig } from './kubeconfig.js';
export type { KubeconfigOptions } from './kubeconfig.js';
export { isNodeName, issueKubeletClientCertificate, issueKubeletServingCertificate } from './kubelet-client.js';
