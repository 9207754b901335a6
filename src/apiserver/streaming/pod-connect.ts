/**
 * pods/exec, pods/attach and pods/portforward (upstream's ExecREST,
 * AttachREST, PortForwardREST in pkg/registry/core/pod/rest/subresources.go
 * and the handlers they wrap). Each request is checked (container, node,
 * phase), then by client protocol:
 * - SPDY/3.1 (any kubectl, fallback of 1.30+): the upgrade is relayed to
 *   the kubelet as it is, bytes spliced both ways (UpgradeAwareHandler);
 * - WebSocket v5/v4.channel.k8s.io (exec, attach; kubectl 1.30+): the
 *   kubelet is dialed with a SPDY upgrade first, and only after its 101 the
 *   WebSocket is accepted and handed to the stream translator
 *   (StreamTranslatorHandler);
 * - WebSocket SPDY/3.1+portforward.k8s.io (kubectl 1.31+): likewise, then
 *   bytes are relayed (TunnelingHandler);
 * - other WebSocket subprotocols (legacy clients): relayed like SPDY, so
 *   the runtime's streaming server answers them.
 * A kubelet's non-101 answer goes back verbatim, so clients can fall back.
 */
import type { IncomingMessage } from 'node:http';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { StatusError } from '../../api/errors.js';
import { dialUpgrade, proxyUpgrade, type UpgradeAnswer } from '../../api/httpstream/upgrade-proxy.js';
import type { StreamingBackend } from './backend.js';
import { chooseContainer, refuseCompleted, requireHost } from './container-choice.js';
import { kubeletTarget, reasonless, type KubeletTarget } from './kubelet-target.js';
import { kubeletPortForwardQuery, kubeletStreamQuery, parseStreamOptions, type StreamOptions } from './query-params.js';
import { simulatedNodeRefusal } from './simulated-node.js';
import { dialErrorText } from './backend-errors.js';
import { translateRemoteCommand } from '../../api/httpstream/remotecommand/stream-translator.js';
import { relayTunnel } from './port-forward-tunnel.js';

export const REMOTE_COMMAND_SUBPROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export const PORT_FORWARD_TUNNEL_SUBPROTOCOL = 'SPDY/3.1+portforward.k8s.io';
const KUBELET_REMOTE_COMMAND_PROTOCOL = 'v4.channel.k8s.io';
const KUBELET_PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
const DIAL_TIMEOUT_MS = 30_000;

export type ConnectSubresource = 'exec' | 'attach' | 'portforward';

/** Where the request goes on the kubelet, after the checks. */
interface Plan {
  target: KubeletTarget;
  url: URL;
  options?: StreamOptions;
}

export class PodConnector {
  private readonly remoteCommandWss = new WebSocketServer({
    noServer: true, autoPong: true,
    handleProtocols: (offered) => REMOTE_COMMAND_SUBPROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  private readonly tunnelWss = new WebSocketServer({
    noServer: true, autoPong: true,
    handleProtocols: (offered) => (offered.has(PORT_FORWARD_TUNNEL_SUBPROTOCOL) ? PORT_FORWARD_TUNNEL_SUBPROTOCOL : false),
  });

  constructor(private readonly backend: StreamingBackend) {}

  /**
   * Serves one upgrade request on its hijacked socket. Throws a Status,
   * with nothing written yet, for every refusal before the kubelet is
   * dialed; the caller writes it on the socket.
   */
  async handle(req: IncomingMessage, socket: Duplex, head: Buffer, sub: ConnectSubresource,
    at: { namespace: string; name: string }, query: URLSearchParams): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') {
      throw new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
    const plan = await this.plan(sub, at, query);
    const offered = offeredSubprotocols(req);
    const isWebSocket = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    if (isWebSocket && sub !== 'portforward' && REMOTE_COMMAND_SUBPROTOCOLS.some((p) => offered.has(p))) {
      return this.translated(req, socket, head, plan);
    }
    if (isWebSocket && sub === 'portforward' && offered.has(PORT_FORWARD_TUNNEL_SUBPROTOCOL)) {
      return this.tunnelled(req, socket, head, plan);
    }
    try {
      await proxyUpgrade(req, socket, head, { url: plan.url, tls: plan.target.tls, timeoutMs: DIAL_TIMEOUT_MS });
    } catch (e) {
      throw dialFailure(e, plan.url);
    }
  }

  close(): void {
    this.remoteCommandWss.close();
    this.tunnelWss.close();
  }

  private async plan(sub: ConnectSubresource, at: { namespace: string; name: string }, query: URLSearchParams): Promise<Plan> {
    const pod = await this.backend.getPod(at.namespace, at.name);
    if (sub === 'portforward') {
      const nodeName = requireHost(pod);
      const q = kubeletPortForwardQuery(query);
      return this.located(pod, nodeName, sub, `/portForward/${enc(at.namespace)}/${enc(at.name)}${q ? `?${q}` : ''}`);
    }
    const options = parseStreamOptions(query);
    const container = chooseContainer(pod, options.container);
    const nodeName = requireHost(pod);
    refuseCompleted(pod, sub);
    const q = kubeletStreamQuery(options, sub === 'exec');
    const path = `/${sub}/${enc(at.namespace)}/${enc(at.name)}/${enc(container)}${q ? `?${q}` : ''}`;
    return { ...(await this.located(pod, nodeName, sub, path)), options };
  }

  private async located(pod: Pod, nodeName: string, sub: string, path: string): Promise<Plan> {
    const target = kubeletTarget(await this.backend.getNode(nodeName), this.backend.kubeletClient);
    if (target === 'simulated') throw simulatedNodeRefusal(pod, sub);
    return { target, url: new URL(`${target.base}${path}`) };
  }

  private async translated(req: IncomingMessage, socket: Duplex, head: Buffer, plan: Plan): Promise<void> {
    const answer = await this.dialKubelet(plan, KUBELET_REMOTE_COMMAND_PROTOCOL);
    if (!answer.upgraded) return relayAnswer(socket, answer);
    const backendSocket = upgradedSocket(answer);
    if (answer.headers['x-stream-protocol-version'] !== KUBELET_REMOTE_COMMAND_PROTOCOL) {
      backendSocket.destroy();
      throw reasonless(500, `unable to upgrade: the kubelet chose stream protocol ${JSON.stringify(answer.headers['x-stream-protocol-version'] ?? '')}, want ${KUBELET_REMOTE_COMMAND_PROTOCOL}`);
    }
    const o = plan.options!;
    await this.accept(this.remoteCommandWss, req, socket, head, backendSocket,
      (ws) => translateRemoteCommand(ws, backendSocket, { stdin: o.stdin, stdout: o.stdout, stderr: o.stderr, tty: o.tty }));
  }

  private async tunnelled(req: IncomingMessage, socket: Duplex, head: Buffer, plan: Plan): Promise<void> {
    const answer = await this.dialKubelet(plan, KUBELET_PORT_FORWARD_PROTOCOL);
    if (!answer.upgraded) return relayAnswer(socket, answer);
    const backendSocket = upgradedSocket(answer);
    await this.accept(this.tunnelWss, req, socket, head, backendSocket, (ws) => relayTunnel(ws, backendSocket));
  }

  /** Completes the client's WebSocket handshake and runs `session`; a client gone meanwhile frees the kubelet socket. */
  private accept(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, backendSocket: Duplex,
    session: (ws: WebSocket) => Promise<void>): Promise<void> {
    if (socket.destroyed) {
      backendSocket.destroy();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      // ws answers a malformed handshake itself (400) and then never calls back.
      socket.once('close', () => { if (!accepted) { backendSocket.destroy(); resolve(); } });
      let accepted = false;
      wss.handleUpgrade(req, socket, head, (ws) => {
        accepted = true;
        void session(ws).finally(resolve);
      });
    });
  }

  /** The kubelet leg of a translated or tunnelled request: always a SPDY upgrade POST, as upstream sends it. */
  private async dialKubelet(plan: Plan, protocol: string): Promise<UpgradeAnswer> {
    try {
      return await dialUpgrade({ url: plan.url, method: 'POST', tls: plan.target.tls, timeoutMs: DIAL_TIMEOUT_MS },
        ['Connection', 'Upgrade', 'Upgrade', 'SPDY/3.1', 'X-Stream-Protocol-Version', protocol]);
    } catch (e) {
      throw dialFailure(e, plan.url);
    }
  }
}

function offeredSubprotocols(req: IncomingMessage): Set<string> {
  return new Set((req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== ''));
}

/** The kubelet's socket with the bytes it sent right after its 101 put back in front. */
function upgradedSocket(answer: Extract<UpgradeAnswer, { upgraded: true }>): Duplex {
  if (answer.head.length > 0) answer.socket.unshift(answer.head);
  return answer.socket;
}

function relayAnswer(socket: Duplex, answer: Extract<UpgradeAnswer, { upgraded: false }>): void {
  socket.end(Buffer.concat([Buffer.from(answer.rawHead), answer.body]));
}

/** Upstream's UpgradeAwareHandler error: 500 `error dialing backend: dial tcp ...`. */
function dialFailure(e: unknown, url: URL): StatusError {
  return reasonless(500, `error dialing backend: ${dialErrorText(e, url)}`);
}

const enc = encodeURIComponent;
