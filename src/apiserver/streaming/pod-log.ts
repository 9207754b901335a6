/**
 * GET pods/{name}/log (upstream's LogREST with LocationStreamer): checks the
 * options and the container, then streams the kubelet's
 * /containerLogs/{ns}/{pod}/{container} body through as it arrives, so
 * `kubectl logs -f` sees each line when the kubelet sends it. A pod with no
 * node yet gets an empty 200; a simulated node one fixed line; a kubelet
 * that cannot be reached upstream's 500 `Get "<url>": dial tcp ...`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:https';
import { badRequest, internalError, StatusError } from '../../api/errors.js';
import type { StreamingBackend } from './backend.js';
import { chooseContainer } from './container-choice.js';
import { kubeletTarget, reasonless } from './kubelet-target.js';
import { kubeletLogQuery, parsePodLogOptions } from './log-options.js';
import { simulatedLog } from './simulated-node.js';
import { dialErrorText } from './backend-errors.js';

const DIAL_TIMEOUT_MS = 30_000;
/** Upstream's GenericHttpResponseChecker reads at most this much of an error body. */
const MAX_ERROR_BODY = 50 * 1024;

export async function servePodLog(backend: StreamingBackend, req: IncomingMessage, res: ServerResponse,
  at: { namespace: string; name: string }, query: URLSearchParams): Promise<void> {
  const opts = parsePodLogOptions(query, at.name);
  const pod = await backend.getPod(at.namespace, at.name);
  const container = chooseContainer(pod, opts.container);
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) {
    writeText(res, '');
    return;
  }
  const target = kubeletTarget(await backend.getNode(nodeName), backend.kubeletClient, opts.insecureSkipTLSVerifyBackend);
  if (target === 'simulated') {
    writeText(res, simulatedLog(pod, container, opts));
    return;
  }
  const kq = kubeletLogQuery(opts);
  const url = new URL(`${target.base}/containerLogs/${enc(at.namespace)}/${enc(at.name)}/${enc(container)}${kq ? `?${kq}` : ''}`);
  await new Promise<void>((resolve, reject) => {
    const kreq = request(url, { method: 'GET', ...target.tls, agent: false });
    const timer = setTimeout(() => kreq.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })), DIAL_TIMEOUT_MS);
    res.once('close', () => kreq.destroy());
    kreq.once('error', (e) => {
      clearTimeout(timer);
      if (res.headersSent) {
        res.destroy();
        resolve();
      } else {
        reject(reasonless(500, `Get ${JSON.stringify(url.href)}: ${dialErrorText(e, url)}`));
      }
    });
    kreq.once('response', (kres) => {
      clearTimeout(timer);
      const code = kres.statusCode ?? 500;
      if (code < 200 || code > 206) {
        const chunks: Buffer[] = [];
        let size = 0;
        kres.on('data', (c: Buffer) => { if (size < MAX_ERROR_BODY) { chunks.push(c); size += c.length; } });
        kres.once('end', () => reject(kubeletError(code, Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY).toString('utf8'))));
        kres.once('error', reject);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
      res.flushHeaders();
      kres.on('data', (c: Buffer) => { if (!res.write(c)) kres.pause(); });
      res.on('drain', () => kres.resume());
      kres.once('end', () => { res.end(); resolve(); });
      kres.once('error', () => { res.destroy(); resolve(); });
    });
    kreq.end();
  });
}

/** A kubelet's non-2xx answer as upstream's GenericHttpResponseChecker turns it into a Status. */
function kubeletError(code: number, body: string): StatusError {
  const text = body.trim();
  if (code === 400) return badRequest(text);
  if (code === 500) return internalError(new Error(text));
  if (code === 404) {
    return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {
      details: { causes: [{ reason: 'UnexpectedServerResponse', message: text }] },
    });
  }
  return reasonless(code, text || `the kubelet answered ${code}`);
}

function writeText(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

const enc = encodeURIComponent;
