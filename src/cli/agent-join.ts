/**
 * How `k8ts agent --server URL --token TOKEN` gets its credentials, as a k3s
 * agent does (pkg/clientaccess/token.go, pkg/agent/config): read the
 * server's CA bundle from /cacerts without verification, check its sha256
 * against the token's K10 hash, then, verifying the server with that CA,
 * ask /v1-k8ts/client-kubelet.crt for a client certificate for the node.
 */
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { join } from 'node:path';
import type { Logger } from '../api/log.js';
import { certificateAndKeyOf } from '../api/x509/certificate.js';
import type { ConnectionConfig } from '../client/index.js';
import { caHash, parseJoinToken } from '../apiserver/authn/index.js';
import { writeFileAtomic } from '../apiserver/pki/write-file-atomic.js';
import { CACERTS_PATH, KUBELET_CLIENT_CERT_PATH, NODE_NAME_HEADER } from '../apiserver/handlers/node-join.js';

export interface JoinOptions {
  /** https://HOST:PORT of a k8ts server. */
  server: string;
  token: string;
  nodeName: string;
  /** The agent's data dir; the credentials go to `<dataDir>/agent/`. */
  dataDir: string;
  log: Logger;
  /** Pause between attempts while the server cannot be reached. @default 2000 */
  retryMs?: number;
}

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Joins and returns the connection the node's clients use. Waits (retrying)
 * while the server cannot be reached; throws an Error with a clear message
 * when --server is not an https URL, the token is malformed, the CA does not
 * match the token's hash, or the server refuses the token. The token is
 * never logged nor put in an error.
 */
export async function joinCluster(opts: JoinOptions): Promise<ConnectionConfig> {
  const base = parseServerUrl(opts.server);
  const token = parseJoinToken(opts.token);
  const caPem = (await withRetry(opts, () => get(new URL(CACERTS_PATH, base), { insecure: true }))).body;
  const hash = caHash(caPem);
  if (token.caHash === undefined) {
    opts.log.warn({ caHash: hash }, 'the token has no CA hash (K10...): trusting the CA the server sent');
  } else if (token.caHash !== hash) {
    throw new Error(`the CA certificate of ${base.origin} (sha256 ${hash}) does not match the join token's CA hash (${token.caHash}): wrong --token, or not the server it belongs to`);
  }
  try {
    new X509Certificate(caPem);
  } catch {
    throw new Error(`${base.origin}${CACERTS_PATH} did not serve a CA certificate`);
  }
  const reply = await withRetry(opts, () => get(new URL(KUBELET_CLIENT_CERT_PATH, base), {
    method: 'POST', ca: caPem, headers: { authorization: `Bearer ${token.credentials}`, [NODE_NAME_HEADER]: opts.nodeName },
  }));
  if (reply.status === 401) throw new Error(`${base.origin} refused the join token (401 Unauthorized): wrong --token`);
  if (reply.status !== 200) throw new Error(`${base.origin} did not issue a client certificate for node ${opts.nodeName}: HTTP ${reply.status} ${reply.body.slice(0, 300)}`);
  const issued = certificateAndKeyOf(reply.body);
  if (!issued) throw new Error(`${base.origin} answered the certificate request without a certificate and key`);
  const { certPem, keyPem } = issued;
  const dir = join(opts.dataDir, 'agent');
  await writeFileAtomic(join(dir, 'server-ca.crt'), caPem, { mode: 0o644 });
  await writeFileAtomic(join(dir, 'client-kubelet.key'), keyPem, { mode: 0o600 });
  await writeFileAtomic(join(dir, 'client-kubelet.crt'), certPem, { mode: 0o644 });
  opts.log.info({ server: base.origin, node: opts.nodeName, cert: join(dir, 'client-kubelet.crt') }, 'joined: client certificate issued');
  return { server: base.origin, ca: Buffer.from(caPem), cert: Buffer.from(certPem), key: Buffer.from(keyPem) };
}

/** The --server URL; throws unless it is https://HOST[:PORT]. */
export function parseServerUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`invalid --server ${JSON.stringify(text)}: want https://HOST:PORT`);
  }
  if (url.protocol !== 'https:') throw new Error(`invalid --server ${JSON.stringify(text)}: want https://HOST:PORT`);
  return url;
}

interface Reply { status: number; body: string }

/** Retries while the server cannot be reached (connection refused, reset, timeout). */
async function withRetry(opts: JoinOptions, attempt: () => Promise<Reply>): Promise<Reply> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (!['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND'].includes(code)) {
        throw new Error(`cannot reach ${opts.server}: ${(e as Error).message}`, { cause: e });
      }
      if (n === 1 || n % 15 === 0) opts.log.warn({ server: opts.server, err: (e as Error).message }, 'waiting for the server');
      await new Promise((r) => setTimeout(r, opts.retryMs ?? 2000));
    }
  }
}

function get(url: URL, o: { method?: string; insecure?: boolean; ca?: string; headers?: Record<string, string> }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: o.method ?? 'GET', headers: o.headers ?? {}, timeout: REQUEST_TIMEOUT_MS,
      ...(o.insecure ? { rejectUnauthorized: false } : { ca: o.ca, rejectUnauthorized: true }),
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}
