/**
 * The transport alone: what it costs this machine to push a watch fan-out's
 * bytes through TLS, with no API server in the way. A TLS server here (the
 * API server's own serving certificate) writes, every window, one buffer of
 * the window's events to each of N connections that a child process reads
 * and discards. Prints the bytes per second asked and achieved and the CPU
 * of writer and readers: the floor under any HTTPS watch fan-out on this
 * machine.
 *
 * Run as a child with argv[2] === 'readers' (port, connections).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, connect, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { selfCpuWindow } from './proc.js';

export interface TlsCeilingOptions {
  /** The bench server's data directory (its tls/serving.crt and .key are used). */
  dataDir: string;
  connections: number;
  eventsPerSecond: number;
  bytesPerEvent: number;
  /** Write window, as the watch cache's coalescing window. */
  windowMs: number;
  durationS: number;
}

export interface TlsCeiling {
  wantedMBps: number;
  achievedMBps: number;
  /** Cores used by the writing (server) side. */
  writerCpu: number;
  /** Cores used by the reading (client) process. */
  readerCpu: number;
}

export async function measureTlsCeiling(o: TlsCeilingOptions): Promise<TlsCeiling> {
  const tls = join(o.dataDir, 'tls');
  const sockets: TLSSocket[] = [];
  const server = createServer({ cert: readFileSync(join(tls, 'serving.crt')), key: readFileSync(join(tls, 'serving.key')) }, (s) => {
    s.on('error', () => undefined);
    sockets.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const child = fork(fileURLToPath(import.meta.url), ['readers', String(port), String(o.connections)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const deadline = Date.now() + 60_000;
    while (sockets.length < o.connections) {
      if (Date.now() > deadline) throw new Error(`only ${sockets.length}/${o.connections} TLS connections opened`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const chunk = Buffer.alloc(Math.max(1, Math.round(o.bytesPerEvent * o.eventsPerSecond * o.windowMs / 1000)), 'x');
    const replyP = new Promise<{ bytes: number; cpu: number }>((resolve) => child.once('message', (m) => resolve(m as { bytes: number; cpu: number })));
    child.send('start');
    const cpu = selfCpuWindow();
    const t0 = performance.now();
    let written = 0;
    // Each window writes to every connection that has drained; a backed-up one skips a window.
    while (performance.now() - t0 < o.durationS * 1000) {
      const w0 = performance.now();
      for (const s of sockets) {
        if (s.writableLength > 4 * chunk.length) continue;
        s.write(chunk);
        written += chunk.length;
      }
      const left = o.windowMs - (performance.now() - w0);
      await new Promise((r) => setTimeout(r, Math.max(0, left)));
    }
    const elapsed = (performance.now() - t0) / 1000;
    const writerCpu = cpu.stop();
    child.send('stop');
    const reply = await replyP;
    return {
      wantedMBps: o.bytesPerEvent * o.eventsPerSecond * o.connections / 1e6,
      achievedMBps: Math.min(written, reply.bytes) / elapsed / 1e6,
      writerCpu,
      readerCpu: reply.cpu,
    };
  } finally {
    child.kill();
    for (const s of sockets) s.destroy();
    server.close();
  }
}

function readers(port: number, n: number): void {
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const s = connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    s.on('data', (d: Buffer) => { bytes += d.length; });
    s.on('error', () => undefined);
  }
  let cpu = selfCpuWindow();
  let from = 0;
  process.on('message', (m) => {
    if (m === 'start') { cpu = selfCpuWindow(); from = bytes; }
    if (m === 'stop') process.send?.({ bytes: bytes - from, cpu: cpu.stop() }, () => process.exit(0));
  });
}

if (process.argv[2] === 'readers') readers(Number(process.argv[3]), Number(process.argv[4]));
