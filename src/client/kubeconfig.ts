/**
 * Kubeconfig loading: the current (or a named) context's cluster and user
 * turned into the settings an HTTPS connection needs. Certificates may be
 * embedded (`*-data`, base64) or file paths, which resolve relative to the
 * kubeconfig's own directory as kubectl resolves them.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { homedir } from 'node:os';
import { parse } from 'yaml';

/** What a client needs to reach and authenticate to one API server. */
export interface ConnectionConfig {
  /** Base URL, e.g. `https://127.0.0.1:6443` (no trailing slash). */
  server: string;
  /** CA bundle (PEM) the server's certificate must chain to; system roots when absent. */
  ca?: Buffer;
  /** Client certificate and key (PEM) for x509 authentication. */
  cert?: Buffer;
  key?: Buffer;
  /** Bearer token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Skip verification of the server's certificate (kubeconfig `insecure-skip-tls-verify`). */
  insecureSkipTLSVerify?: boolean;
  /** SNI / verification name when it differs from the URL's host. */
  tlsServerName?: string;
}

interface Named<T> { name: string; [k: string]: unknown; cluster?: T; user?: T; context?: T }
interface ClusterEntry {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}
interface UserEntry {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
}
interface ContextEntry { cluster?: string; user?: string }
interface KubeconfigFile {
  clusters?: Named<ClusterEntry>[];
  users?: Named<UserEntry>[];
  contexts?: Named<ContextEntry>[];
  'current-context'?: string;
}

/** `$KUBECONFIG` (its first entry), else `~/.kube/config`. */
export function defaultKubeconfigPath(): string {
  const env = process.env['KUBECONFIG'];
  if (env) return env.split(':')[0];
  return join(homedir(), '.kube', 'config');
}

/**
 * Reads the kubeconfig at `path` and returns the connection settings of
 * `opts.context` (default: `current-context`). Throws when the context, its
 * cluster or its user is missing, or the cluster has no server.
 */
export function loadKubeconfig(path: string, opts: { context?: string } = {}): ConnectionConfig {
  return parseKubeconfig(readFileSync(path, 'utf8'), { ...opts, baseDir: dirname(path) });
}

/** As loadKubeconfig, from text; relative file paths resolve against `opts.baseDir` (default: cwd). */
export function parseKubeconfig(text: string, opts: { context?: string; baseDir?: string } = {}): ConnectionConfig {
  const kc = (parse(text) ?? {}) as KubeconfigFile;
  const contextName = opts.context ?? kc['current-context'];
  const contexts = kc.contexts ?? [];
  const ctx = contextName !== undefined
    ? contexts.find((c) => c.name === contextName)?.context
    : (contexts.length === 1 ? contexts[0].context : undefined);
  if (!ctx) throw new Error(`kubeconfig: context ${JSON.stringify(contextName ?? '')} not found`);
  const cluster = (kc.clusters ?? []).find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster) throw new Error(`kubeconfig: cluster ${JSON.stringify(ctx.cluster ?? '')} not found`);
  if (!cluster.server) throw new Error(`kubeconfig: cluster ${JSON.stringify(ctx.cluster)} has no server`);
  const user: UserEntry = ctx.user === undefined ? {}
    : ((kc.users ?? []).find((u) => u.name === ctx.user)?.user ?? notFoundUser(ctx.user));
  const base = opts.baseDir ?? process.cwd();
  const file = (p: string): Buffer => readFileSync(isAbsolute(p) ? p : join(base, p));
  const pick = (data: string | undefined, path: string | undefined): Buffer | undefined =>
    data ? Buffer.from(data, 'base64') : path ? file(path) : undefined;

  const out: ConnectionConfig = { server: cluster.server.replace(/\/+$/, '') };
  const ca = pick(cluster['certificate-authority-data'], cluster['certificate-authority']);
  if (ca) out.ca = ca;
  const cert = pick(user['client-certificate-data'], user['client-certificate']);
  if (cert) out.cert = cert;
  const key = pick(user['client-key-data'], user['client-key']);
  if (key) out.key = key;
  const token = user.token ?? (user.tokenFile ? file(user.tokenFile).toString('utf8').trim() : undefined);
  if (token) out.token = token;
  if (cluster['insecure-skip-tls-verify']) out.insecureSkipTLSVerify = true;
  if (cluster['tls-server-name']) out.tlsServerName = cluster['tls-server-name'];
  return out;
}

function notFoundUser(name: string): never {
  throw new Error(`kubeconfig: user ${JSON.stringify(name)} not found`);
}
