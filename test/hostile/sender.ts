/**
 * Sends hostile requests as they are, over keep-alive agents with and
 * without the admin client certificate: the target goes on the wire
 * untouched (absolute-form included), and a stream is cut after a while.
 */
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { HostileRequest } from './generator.js';
import type { Reply } from './expectations.js';

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

export interface SenderOptions {
  /** A reply still streaming after this long is cut (watches without a usable timeoutSeconds). @default 2500 */
  streamCutMs?: number;
  /** No reply headers after this long fails the request. @default 30000 */
  headersTimeoutMs?: number;
}

/** Keeps the most of a reply body; watch streams and big lists are not kept whole. */
const MAX_KEPT_BYTES = 1024 * 1024;

export class HostileSender {
  readonly origin: string;
  private readonly admin: Agent;
  private readonly anonymous: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(kubeconfigPath: string, private readonly opts: SenderOptions = {}) {
    const kc = parse(readFileSync(kubeconfigPath, 'utf8')) as Kubeconfig;
    const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
    const url = new URL(kc.clusters[0].cluster.server);
    this.origin = url.origin;
    this.host = url.hostname;
    this.port = Number(url.port);
    const ca = b64(kc.clusters[0].cluster['certificate-authority-data']);
    this.admin = new Agent({ keepAlive: true, maxSockets: 256, ca, cert: b64(kc.users[0].user['client-certificate-data']), key: b64(kc.users[0].user['client-key-data']) });
    this.anonymous = new Agent({ keepAlive: true, maxSockets: 256, ca });
  }

  /** Resolves with the reply; rejects only when the connection fails or no reply comes. */
  send(r: HostileRequest): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...r.headers };
      if (r.body && headers['Transfer-Encoding'] === undefined) headers['Content-Length'] = String(r.body.length);
      const req = request({ host: this.host, port: this.port, path: r.path, method: r.method, headers, agent: r.anonymous ? this.anonymous : this.admin }, (res) => {
        clearTimeout(headersTimer);
        const chunks: Buffer[] = [];
        let kept = 0;
        let cut = false;
        const cutTimer = setTimeout(() => {
          cut = true;
          res.destroy();
          finish();
        }, this.opts.streamCutMs ?? 2500);
        const finish = (): void => {
          clearTimeout(cutTimer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), cut, truncated: kept > MAX_KEPT_BYTES });
        };
        res.on('data', (c: Buffer) => {
          if (kept < MAX_KEPT_BYTES) chunks.push(c);
          kept += c.length;
        });
        res.on('end', finish);
        res.on('error', (e) => { if (!cut) { clearTimeout(cutTimer); reject(e); } });
        res.on('aborted', () => { if (!cut) { clearTimeout(cutTimer); reject(new Error('reply aborted by the server')); } });
      });
      const headersTimer = setTimeout(() => req.destroy(new Error(`no reply in ${this.opts.headersTimeoutMs ?? 30000} ms`)), this.opts.headersTimeoutMs ?? 30000);
      req.on('error', (e) => { clearTimeout(headersTimer); reject(e); });
      if (r.body) req.end(r.body);
      else req.end();
    });
  }

  close(): void {
    this.admin.destroy();
    this.anonymous.destroy();
  }
}
