/**
 * kubectl logs, exec, attach, cp, port-forward, run -it and debug against a
 * real node (`k8ts server` + `k8ts agent`, real containerd), through the API
 * server and the kubelet, with the kubectl minors whose wire protocols
 * differ: 1.27 (SPDY only), 1.33 and 1.35 (WebSocket v5 exec and the
 * WebSocket-tunnelled port-forward; 1.35 also forced back to SPDY by its
 * environment switches). Interactive sessions run under a pseudo-terminal
 * (test/fixtures/pty-session.py). Needs root, the README's packages,
 * python3 and the kubectl binaries; says which are missing and skips
 * otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect, createServer, type AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { WebSocket } from 'ws';
import { join } from 'node:path';
import { REPO_ROOT, findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';
import { BUSYBOX, createTestNode, nodeTestSkip } from './node-under-test.js';

const skip = nodeTestSkip([['python3', 'python3']]);
const PTY = join(REPO_ROOT, 'test', 'fixtures', 'pty-session.py');

/** The kubectl minors under test and how each speaks. */
const CLIENTS: Array<{ label: string; minor: number; env?: Record<string, string> }> = [
  { label: 'kubectl 1.27 (SPDY)', minor: 27 },
  { label: 'kubectl 1.33 (WebSocket)', minor: 33 },
  { label: 'kubectl 1.35 (WebSocket)', minor: 35 },
  { label: 'kubectl 1.35 (SPDY forced)', minor: 35, env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false', KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' } },
];

interface Step { send?: string; expect?: string; timeout?: number; resize?: [number, number] }

/** Runs kubectl under a pseudo-terminal of 24x80 driven by `steps`. */
function underPty(bin: string, kubeconfig: string, args: string[], steps: Step[], env: Record<string, string> = {}): { status: number | null; out: string } {
  const r = spawnSync('python3', [PTY, '24', '80', '--', bin, '--kubeconfig', kubeconfig, ...args], {
    input: JSON.stringify(steps), encoding: 'utf8', timeout: 90_000, env: { ...process.env, ...env },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

type Creds = { ca: Buffer; cert: Buffer; key: Buffer };

/**
 * One v5.channel.k8s.io exec of `cat` through the API server: writes
 * `payload` on stdin, then CLOSE for stdin; resolves with what came back
 * on stdout once the session ended.
 */
function echoOverExec(url: string, creds: Creds, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['v5.channel.k8s.io'], creds);
    const out: Buffer[] = [];
    ws.on('open', () => {
      for (let at = 0; at < payload.length; at += 32 * 1024) ws.send(Buffer.concat([Buffer.from([0]), payload.subarray(at, at + 32 * 1024)]));
      ws.send(Buffer.from([255, 0]));
    });
    ws.on('message', (m: Buffer) => { if (m[0] === 1) out.push(m.subarray(1)); });
    ws.on('close', () => resolve(Buffer.concat(out)));
    ws.on('error', reject);
  });
}

function httpsStatus(url: string, creds: Creds): Promise<number> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ...creds, agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }).on('error', reject);
  });
}

/** The pids of the agent's children that dial inside a pod's network namespace. */
function dialerChildren(agentPid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(agentPid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes('netns-dialer-child')).map((l) => Number(l.trim().split(/\s+/)[0]));
}

/** Starts `kubectl port-forward` and resolves with the local ports, in the order of `remotePorts`. */
async function portForward(k: Kubectl, pod: string, remotePorts: number[], env: Record<string, string> = {}): Promise<{ ports: number[]; stop(): void; output(): string }> {
  const child = spawn(k.bin, ['--kubeconfig', k.kubeconfig, 'port-forward', `pod/${pod}`, ...remotePorts.map((p) => `:${p}`)], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const ports = await eventually((): number[] | undefined => {
    const found = remotePorts.map((rp) => new RegExp(`Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${rp}\\b`).exec(out)?.[1]);
    if (child.exitCode !== null) throw new Error(`kubectl port-forward exited ${child.exitCode}: ${out}`);
    return found.every(Boolean) ? found.map(Number) : undefined;
  }, 20_000, 'port-forward listening') as number[];
  return { ports, stop: () => child.kill('SIGTERM'), output: () => out };
}

function httpGet(port: number, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode}`));
        else resolve(Buffer.concat(chunks));
      }).on('error', reject);
    }).on('error', reject).on('timeout', function (this: { destroy(e: Error): void }) { this.destroy(new Error(`GET ${path}: timeout`)); });
  });
}

test('kubectl logs, exec, attach, cp, port-forward, run -it and debug on a real node', { skip, timeout: 900_000 }, async (t) => {
  const node = createTestNode({ name: 'streaming', bridgeTag: 's' });
  const work = mkdtempSync('/tmp/k8ts-streaming-files-');
  try {
    await node.start();
    await node.waitReady();
    const k = node.kubectl;
    const kubeconfig = node.server.kubeconfig;
    // web: two httpd ports, a 100 MiB file, a stdin-reading attach target; crash: exits with a line each run.
    k.ok(['apply', '-f', '-'], { input: JSON.stringify({
      apiVersion: 'v1', kind: 'List', items: [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { terminationGracePeriodSeconds: 1, containers: [
          { name: 'app', image: BUSYBOX, command: ['sh', '-c', 'mkdir -p /www /www2 && echo hello > /www/index.html && echo second > /www2/index.html && dd if=/dev/urandom of=/www/big bs=1M count=100 2>/dev/null && sha256sum /www/big > /www/big.sha && httpd -p 8080 -h /www && httpd -p 8081 -h /www2 && httpd -p 127.0.0.1:8082 -h /www2 && echo ready && exec sleep 100000'] },
          { name: 'reader', image: BUSYBOX, stdin: true, command: ['sh', '-c', 'while read l; do echo "got:$l"; done'] },
        ] } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'crash' }, spec: { terminationGracePeriodSeconds: 1, containers: [
          { name: 'c', image: BUSYBOX, command: ['sh', '-c', 'echo "run $(cat /proc/sys/kernel/random/uuid)"; sleep 2; exit 1'] },
        ] } },
      ],
    }) });
    await eventually(() => k.run(['logs', 'web', '-c', 'app']).stdout.includes('ready'), 120_000, 'web ready');

    await t.test('logs: a container, tail, timestamps; an unknown container is a clear error', () => {
      assert.equal(k.ok(['logs', 'web', '-c', 'app']).trim(), 'ready');
      assert.match(k.ok(['logs', 'web', '-c', 'app', '--timestamps']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z ready\n$/);
      const r = k.run(['logs', 'web', '-c', 'nope']);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /container nope is not valid for pod web/);
    });

    await t.test('logs -f shows a new line within 1 s', async () => {
      const follow = spawn(k.bin, ['--kubeconfig', kubeconfig, 'logs', '-f', 'web', '-c', 'app'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      follow.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
      try {
        await eventually(() => out.includes('ready'), 20_000, 'logs -f started');
        const marker = `marker-${randomBytes(4).toString('hex')}`;
        k.ok(['exec', 'web', '-c', 'app', '--', 'sh', '-c', `echo ${marker} > /proc/1/fd/1`]);
        const written = Date.now();
        await eventually(() => out.includes(marker), 5_000, 'the marker in logs -f');
        const ms = Date.now() - written;
        t.diagnostic(`logs -f showed the new line ${ms} ms after the write`);
        assert.ok(ms < 1000, `logs -f took ${ms} ms`);
      } finally {
        follow.kill('SIGTERM');
      }
    });

    await t.test('logs --previous shows the crashed instance', async () => {
      await eventually(() => (node.getPod('crash')?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 60_000, 'crash restarted');
      const previous = k.ok(['logs', 'crash', '--previous']);
      assert.match(previous, /^run [0-9a-f-]{36}\n$/);
      assert.notEqual(previous, k.ok(['logs', 'crash']), 'the current instance wrote another line');
    });

    for (const c of CLIENTS) {
      const bin = findKubectl(c.minor);
      await t.test(c.label, { skip: bin.path ? false : bin.reason }, async (tc) => {
        const kc = new Kubectl(bin.path!, kubeconfig);
        const env = c.env ?? {};
        const run = (args: string[], opts: { input?: string } = {}) => kc.run(args, { ...opts, env });

        await tc.test('exec returns the container\'s exit code and its output', () => {
          const r = run(['exec', 'web', '-c', 'app', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
          assert.equal(r.status, 3, r.stderr);
          assert.equal(r.stdout, 'out\n');
          assert.match(r.stderr, /err\n/);
          assert.equal(run(['exec', 'web', '-c', 'app', '--', 'true']).status, 0);
        });

        await tc.test('exec -i passes stdin and its end', () => {
          const input = 'line one\nline two\n';
          const r = run(['exec', '-i', 'web', '-c', 'app', '--', 'sh', '-c', 'cat; echo done'], { input });
          assert.equal(r.status, 0, r.stderr);
          assert.equal(r.stdout, `${input}done\n`);
        });

        await tc.test('exec -it under a pseudo-terminal, with a resize', () => {
          const r = underPty(bin.path!, kubeconfig, ['exec', '-it', 'web', '-c', 'app', '--', 'sh'], [
            { send: 'stty size\r' }, { expect: '24 80' },
            { resize: [40, 100] }, { send: 'stty size\r' }, { expect: '40 100' },
            { send: 'exit 4\r' },
          ], env);
          assert.equal(r.status, 4, r.out);
        });

        await tc.test('cp of a 10 MiB file, both ways, byte-identical', () => {
          const data = randomBytes(10 * 1024 * 1024);
          const local = join(work, `up-${c.minor}`);
          writeFileSync(local, data);
          const up = run(['cp', local, 'web:/tmp/up', '-c', 'app']);
          assert.equal(up.status, 0, up.stderr);
          assert.equal(run(['exec', 'web', '-c', 'app', '--', 'sha256sum', '/tmp/up']).stdout.split(' ')[0], sha256(data));
          const back = join(work, `down-${c.minor}`);
          const down = run(['cp', 'web:/tmp/up', back, '-c', 'app']);
          assert.equal(down.status, 0, down.stderr);
          assert.equal(sha256(readFileSync(back)), sha256(data));
        });

        await tc.test('port-forward: two ports, an HTTP request, concurrent connections and 100 MiB', async () => {
          const pf = await portForward(kc, 'web', [8080, 8081], env);
          try {
            assert.equal((await httpGet(pf.ports[0]!, '/index.html')).toString(), 'hello\n');
            assert.equal((await httpGet(pf.ports[1]!, '/index.html')).toString(), 'second\n');
            const many = await Promise.all(Array.from({ length: 8 }, (_, i) => httpGet(pf.ports[i % 2]!, '/index.html')));
            assert.deepEqual(many.map((b) => b.toString()), Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? 'hello\n' : 'second\n')));
            const started = Date.now();
            const big = await httpGet(pf.ports[0]!, '/big');
            const secs = (Date.now() - started) / 1000;
            tc.diagnostic(`${c.label}: 100 MiB through port-forward in ${secs.toFixed(2)} s (${(100 / secs).toFixed(1)} MiB/s)`);
            assert.equal(big.length, 100 * 1024 * 1024);
            assert.equal(sha256(big), (await httpGet(pf.ports[0]!, '/big.sha')).toString().split(' ')[0]);
          } finally {
            pf.stop();
          }
        });

        await tc.test('attach -i reaches the container\'s stdin', () => {
          const r = underPty(bin.path!, kubeconfig, ['attach', '-i', 'web', '-c', 'reader'], [
            { send: `hi-${c.minor}\r` }, { expect: `got:hi-${c.minor}` }, { send: '\x03' },
          ], env);
          assert.match(r.out, new RegExp(`got:hi-${c.minor}`));
          assert.notEqual(r.status, 125, `kubectl attach did not end on ^C:\n${r.out}`);
        });
      });
    }

    await t.test('port-forward is served by the kubelet inside the pod\'s network namespace', async () => {
      const pf = await portForward(k, 'web', [8082, 9999]);
      try {
        assert.equal((await httpGet(pf.ports[0]!, '/index.html')).toString(), 'second\n', 'a port that listens on the pod\'s localhost only');
        assert.ok(dialerChildren(node.agentPid!).length > 0, 'a dialer in the pod\'s namespace while the session lasts');
        await assert.rejects(httpGet(pf.ports[1]!, '/'));
        await eventually(() => /error forwarding port 9999 to pod web_default, uid [0-9a-f-]{36}: failed to connect to localhost:9999, IPv4: dial tcp4 127\.0\.0\.1:9999: connect: connection refused/.test(pf.output()),
          10_000, `kubectl's report of the refused port:\n${pf.output()}`);
      } finally {
        pf.stop();
      }
      await eventually(() => dialerChildren(node.agentPid!).length === 0, 10_000, 'the namespace dialer gone once the session ended');
    });

    await t.test('24 concurrent exec sessions moving data leave the API server answering, and end without a leftover process', async () => {
      const tlsDir = join(node.server.dataDir, 'tls');
      const creds = { ca: readFileSync(join(tlsDir, 'server-ca.crt')), cert: readFileSync(join(tlsDir, 'client-admin.crt')), key: readFileSync(join(tlsDir, 'client-admin.key')) };
      const base = `wss://127.0.0.1:${node.server.port}/api/v1/namespaces/default/pods/web/exec?container=app&stdin=true&stdout=true&command=cat`;
      const payload = randomBytes(1024 * 1024);
      const sessions = Array.from({ length: 24 }, () => echoOverExec(base, creds, payload));
      const latencies: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        const status = await httpsStatus(`https://127.0.0.1:${node.server.port}/api/v1/namespaces/default/pods`, creds);
        latencies.push(performance.now() - started);
        assert.equal(status, 200);
      }
      const echoed = await Promise.all(sessions);
      latencies.sort((a, b) => a - b);
      t.diagnostic(`GET pods while 24 exec sessions echo 1 MiB each: p50 ${latencies[9]!.toFixed(0)} ms, max ${latencies[19]!.toFixed(0)} ms`);
      assert.ok(echoed.every((b) => b.equals(payload)), 'every session echoed its MiB intact');
      assert.ok(latencies[19]! < 5000, `the API server kept answering (slowest GET ${latencies[19]!.toFixed(0)} ms)`);
      await eventually(() => !/\bcat\b/.test(k.ok(['exec', 'web', '-c', 'app', '--', 'ps', '-o', 'comm'])), 10_000, 'no cat left in the container');
    });

    await t.test('@kubernetes/client-node: Exec, Attach, Log and PortForward', async () => {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(kubeconfig);
      const collect = (): { stream: PassThrough; text(): string } => {
        const stream = new PassThrough();
        let text = '';
        stream.setEncoding('utf8').on('data', (d: string) => { text += d; });
        return { stream, text: () => text };
      };

      const out = collect();
      const err = collect();
      const status = await new Promise<k8s.V1Status>((resolve, reject) => {
        new k8s.Exec(kc).exec('default', 'web', 'app', ['sh', '-c', 'echo hi; echo oops >&2; exit 2'], out.stream, err.stream, null, false, resolve).catch(reject);
      });
      assert.equal(status.status, 'Failure');
      assert.equal(status.reason, 'NonZeroExitCode');
      assert.equal(status.details?.causes?.[0]?.message, '2');
      await eventually(() => out.text() === 'hi\n' && err.text() === 'oops\n', 5_000, `exec output, got ${JSON.stringify([out.text(), err.text()])}`);

      const logs = collect();
      // client-node 1.x never calls log()'s done callback; the stream ends when the body does.
      const ended = new Promise((resolve) => logs.stream.once('end', resolve));
      await new k8s.Log(kc).log('default', 'web', 'app', logs.stream, { follow: false });
      await ended;
      assert.match(logs.text(), /^ready\n/);

      const attached = collect();
      const stdin = new PassThrough();
      const ws = await new k8s.Attach(kc).attach('default', 'web', 'reader', attached.stream, null, stdin, false);
      try {
        stdin.write('from-client-node\n');
        await eventually(() => attached.text().includes('got:from-client-node'), 10_000, `attach output, got ${JSON.stringify(attached.text())}`);
      } finally {
        ws.close();
      }

      // PortForward: a local listener whose connections go to the pod's port 8080.
      const forward = new k8s.PortForward(kc);
      const local = createServer((socket) => { void forward.portForward('default', 'web', [8080], socket, null, socket); });
      await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
      try {
        const port = (local.address() as AddressInfo).port;
        const reply = await new Promise<string>((resolve, reject) => {
          const s = connect(port, '127.0.0.1', () => s.write('GET /index.html HTTP/1.0\r\n\r\n'));
          let text = '';
          s.setEncoding('utf8').on('data', (d: string) => {
            text += d;
            if (text.includes('hello\n')) { resolve(text); s.destroy(); }
          }).on('error', reject);
          setTimeout(() => reject(new Error(`port-forward reply: ${JSON.stringify(text)}`)), 15_000).unref();
        });
        assert.match(reply, /^HTTP\/1\.[01] 200/);
      } finally {
        local.close();
      }
    });

    await t.test('run -it --rm: an interactive pod, removed afterwards', async () => {
      const r = underPty(k.bin, kubeconfig, ['run', 'oneshot', '-it', '--rm', '--restart=Never', `--image=${BUSYBOX}`, '--image-pull-policy=Never', '--', 'sh'], [
        { expect: '#', timeout: 90 }, { send: 'echo inside-$((6*7))\r' }, { expect: 'inside-42' }, { send: 'exit\r' },
      ]);
      assert.match(r.out, /inside-42/);
      assert.equal(r.status, 0, r.out);
      await eventually(() => k.run(['get', 'pod', 'oneshot']).status !== 0, 30_000, 'oneshot removed');
    });

    await t.test('debug: an ephemeral container that sees the target\'s processes', () => {
      const r = underPty(k.bin, kubeconfig, ['debug', 'web', '-it', `--image=${BUSYBOX}`, '--image-pull-policy=Never', '--target=app', '--container=dbg', '--', 'sh'], [
        { expect: '#', timeout: 90 }, { send: 'ps\r' }, { expect: 'httpd -p 8080' }, { send: 'exit\r' },
      ]);
      assert.match(r.out, /httpd -p 8080/);
      const pod = node.getPod('web');
      assert.equal(pod?.spec?.ephemeralContainers?.[0]?.name, 'dbg');
      assert.ok(pod?.status?.ephemeralContainerStatuses?.some((s) => s.name === 'dbg'));
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
    await node.cleanup();
  }
});
