import { stringify } from 'yaml';
import { writeFileAtomic } from './write-file-atomic.js';

export interface KubeconfigOptions {
  /** API server URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** CA that signed the server's certificate. */
  caPem: string;
  /** Client certificate and its key. */
  certPem: string;
  keyPem: string;
  /** @default 'default' */
  clusterName?: string;
  /** @default 'default' */
  user?: string;
  /** @default 'default' */
  context?: string;
}

/**
 * Writes a self-contained kubeconfig (certificates embedded as base64 `*-data`
 * fields) with one cluster, user and context, the context current. Creates
 * parent directories, writes mode 0600, and replaces `path` atomically, so a
 * kubectl reading it concurrently sees the old or the new file, whole.
 * Overwrites whatever was at `path`; it does not merge.
 */
export async function writeKubeconfig(path: string, opts: KubeconfigOptions): Promise<void> {
  const cluster = opts.clusterName ?? 'default';
  const user = opts.user ?? 'default';
  const context = opts.context ?? 'default';
  const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: opts.server, 'certificate-authority-data': b64(opts.caPem) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(opts.certPem), 'client-key-data': b64(opts.keyPem) } }],
    contexts: [{ name: context, context: { cluster, user } }],
    'current-context': context,
    preferences: {},
  };
  await writeFileAtomic(path, stringify(config, { lineWidth: 0 }), { mode: 0o600 });
}
