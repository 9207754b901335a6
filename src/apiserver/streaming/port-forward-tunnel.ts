/**
 * The WebSocket tunnel of port-forward (kubectl 1.31+; upstream's
 * apiserver pkg/util/proxy/streamtunnel.go): after the kubelet has accepted
 * a SPDY upgrade, the SPDY bytes ride as the payloads of binary WebSocket
 * messages. Message boundaries mean nothing, so bytes are relayed as they
 * come, both ways, with backpressure (the chunks of one read of the
 * kubelet socket coalesced into one message). A text message is a protocol error;
 * the kubelet side ending closes the WebSocket with 1000 (kubectl's EOF).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** WebSocket bytes waiting to be sent above which the kubelet socket is paused. */
const HIGH_WATER = 4 * 1024 * 1024;

/** Relays until either side ends; resolves when both are closed. Never rejects. */
export function relayTunnel(ws: WebSocket, backend: Duplex): Promise<void> {
  return new Promise((resolve) => {
    let wsClosed = false;
    let backendClosed = false;
    const settle = (): void => { if (wsClosed && backendClosed) resolve(); };
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (!isBinary) {
        ws.close(1003, 'port-forward tunnel carries binary messages only');
        backend.destroy();
        return;
      }
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (!backend.write(chunk)) {
        ws.pause();
        backend.once('drain', () => ws.resume());
      }
    });
    // The chunks one read of the kubelet socket yields (16 KiB TLS records) go out as one message.
    let pending: Buffer[] = [];
    const flush = (): void => {
      if (pending.length === 0) return;
      const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      pending = [];
      if (ws.readyState !== ws.OPEN) return;
      ws.send(chunk, { binary: true }, () => {
        if (backend.isPaused() && ws.bufferedAmount < HIGH_WATER / 2) backend.resume();
      });
      if (ws.bufferedAmount > HIGH_WATER) backend.pause();
    };
    backend.on('data', (chunk: Buffer) => {
      if (pending.push(chunk) === 1) process.nextTick(flush);
    });
    const endWs = (): void => { flush(); if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000); };
    backend.once('end', endWs);
    backend.once('error', () => ws.terminate());
    backend.once('close', () => { backendClosed = true; endWs(); settle(); });
    ws.once('close', () => { wsClosed = true; backend.destroy(); settle(); });
    ws.once('error', () => backend.destroy());
  });
}
