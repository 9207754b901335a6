/**
 * The seam to the WebSocket↔SPDY remote-command translator
 * (src/api/httpstream/remotecommand/stream-translator.ts, written apart).
 * It is loaded on first use, so this server builds and runs without it:
 * then WebSocket exec and attach are refused before the handshake and
 * kubectl 1.30+ falls back to SPDY, which needs no translation.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export interface TranslateOptions { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean; idleTimeoutMs?: number }

/** Bridges an accepted client WebSocket to a kubelet socket upgraded with SPDY/3.1 + v4.channel.k8s.io; resolves when both are closed. */
export type TranslateRemoteCommand = (ws: WebSocket, backend: Duplex, opts: TranslateOptions) => Promise<void>;

const MODULE = '../../api/httpstream/remotecommand/stream-translator.js';

let loaded: Promise<TranslateRemoteCommand | undefined> | undefined;

/** The translator, or undefined when its module is not part of this build. */
export function loadTranslator(): Promise<TranslateRemoteCommand | undefined> {
  loaded ??= (import(MODULE) as Promise<{ translateRemoteCommand?: TranslateRemoteCommand }>)
    .then((m) => m.translateRemoteCommand)
    .catch(() => undefined);
  return loaded;
}
