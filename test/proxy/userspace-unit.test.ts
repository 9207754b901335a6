/**
 * The userspace mode without root: the round-robin load balancer (shuffle
 * on change, turn order, ClientIP affinity and its timeout, reset after a
 * failed dial), the portal rules, the TCP/UDP proxy sockets on loopback,
 * and the cleanup text that removes another mode's chains.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { createHash, randomBytes } from 'node:crypto';
import { LoadBalancerRR, NoEndpointsError } from '../../src/proxy/userspace/round-robin.js';
import { renderUserspaceRules } from '../../src/proxy/userspace/rules.js';
import { openTCPProxySocket, openUDPProxySocket } from '../../src/proxy/userspace/proxy-socket.js';
import { iptablesCleanupText, USERSPACE_CHAINS } from '../../src/proxy/cleanup.js';
import { createLogger } from '../../src/api/log.js';
import { service, snapshotOf } from './fixtures.js';

const log = createLogger('test', { level: 'silent' });

test('round robin: every endpoint in turn; a changed set is reshuffled and restarts; no endpoints throws', () => {
  const lb = new LoadBalancerRR(Date.now, () => 0);
  lb.update('s', ['a:1', 'b:1', 'c:1'], 0);
  const seen = [0, 1, 2, 3, 4, 5, 6].map(() => lb.next('s', '1.1.1.1'));
  assert.deepEqual(seen.slice(0, 3).sort(), ['a:1', 'b:1', 'c:1']);
  assert.deepEqual(seen.slice(3, 6), seen.slice(0, 3), 'the same order again');
  lb.update('s', ['c:1', 'a:1', 'b:1'], 0);
  assert.equal(lb.next('s', '1.1.1.1'), seen[1], 'the same set in another order: the turn goes on');
  lb.update('s', ['a:1', 'b:1', 'c:1', 'd:1'], 0);
  // Fisher-Yates with random() = 0 swaps each position with the first: [b, c, d, a]; the turn restarts at its head.
  assert.deepEqual([0, 1, 2, 3].map(() => lb.next('s', '1.1.1.1')), ['b:1', 'c:1', 'd:1', 'a:1']);
  lb.update('s', [], 0);
  assert.throws(() => lb.next('s', '1.1.1.1'), NoEndpointsError);
  assert.throws(() => lb.next('unknown', '1.1.1.1'), /missing endpoints for unknown/);
});

test('round robin: ClientIP affinity holds until idle for the timeout, is reset after a failed dial, and drops removed endpoints', () => {
  let now = 1_000_000;
  const lb = new LoadBalancerRR(() => now);
  lb.update('s', ['a:1', 'b:1'], 10);
  const first = lb.next('s', '1.1.1.1');
  for (let i = 0; i < 5; i++) { now += 9_000; assert.equal(lb.next('s', '1.1.1.1'), first, 'sticky while used within 10 s'); }
  const other = lb.next('s', '2.2.2.2');
  assert.notEqual(other, first, 'a new client takes the next turn');
  now += 10_001;
  const afterIdle = lb.next('s', '1.1.1.1');
  assert.notEqual(afterIdle, undefined);
  const reset = lb.next('s', '1.1.1.1', true);
  assert.notEqual(reset, afterIdle, 'a reset takes the next endpoint');
  assert.equal(lb.next('s', '1.1.1.1'), reset, 'and sticks to it');
  lb.update('s', [reset === 'a:1' ? 'b:1' : 'a:1'], 10);
  assert.notEqual(lb.next('s', '1.1.1.1'), reset, 'affinity to a removed endpoint is gone');
});

test('portal rules: REDIRECT from containers, DNAT to the node IP from the host, NodePort chains, the external socket of Local policy', () => {
  const [svc] = snapshotOf([service('ns1', 'svc1', { type: 'NodePort', clusterIP: '10.43.0.5', ports: [{ name: 'p80', port: 80, nodePort: 30080 }] })], []).servicePorts;
  const text = renderUserspaceRules([{ svc: svc!, proxyPort: 41234 }], { hostIP: '192.168.1.10' });
  assert.equal(text, `*filter
:KUBE-NODEPORT-NON-LOCAL - [0:0]
-A KUBE-NODEPORT-NON-LOCAL -m comment --comment ns1/svc1:p80 -p tcp -m tcp --dport 41234 -m state --state NEW -j ACCEPT
COMMIT
*nat
:KUBE-PORTALS-CONTAINER - [0:0]
:KUBE-PORTALS-HOST - [0:0]
:KUBE-NODEPORT-CONTAINER - [0:0]
:KUBE-NODEPORT-HOST - [0:0]
-A KUBE-PORTALS-CONTAINER -m comment --comment ns1/svc1:p80 -p tcp -m tcp --dport 80 -d 10.43.0.5/32 -j REDIRECT --to-ports 41234
-A KUBE-PORTALS-HOST -m comment --comment ns1/svc1:p80 -p tcp -m tcp --dport 80 -d 10.43.0.5/32 -j DNAT --to-destination 192.168.1.10:41234
-A KUBE-NODEPORT-CONTAINER -m comment --comment ns1/svc1:p80 -p tcp -m tcp --dport 30080 -j REDIRECT --to-ports 41234
-A KUBE-NODEPORT-HOST -m comment --comment ns1/svc1:p80 -p tcp -m tcp --dport 30080 -j DNAT --to-destination 192.168.1.10:41234
COMMIT
`);
  const local = renderUserspaceRules([{ svc: svc!, proxyPort: 41234, externalProxyPort: 41235 }], { hostIP: '192.168.1.10' });
  assert.match(local, /-A KUBE-PORTALS-CONTAINER .* --dport 80 -d 10.43.0.5\/32 -j REDIRECT --to-ports 41234\n/, 'the ClusterIP keeps the cluster-wide socket');
  assert.match(local, /-A KUBE-NODEPORT-CONTAINER .* --dport 30080 -j REDIRECT --to-ports 41235\n/, 'the NodePort goes to the external (local endpoints) socket');
  assert.match(local, /-A KUBE-NODEPORT-NON-LOCAL .* --dport 41235 /);
  const direct = renderUserspaceRules([{ svc: svc!, proxyPort: 41234, externalProxyPort: 41235, localEndpoints: ['10.42.0.5:8080', '10.42.0.6:8080'] }], { hostIP: '192.168.1.10' });
  assert.match(direct, /-A KUBE-NODEPORT-CONTAINER .* --dport 30080 -m statistic --mode random --probability 0.5000000000 -j DNAT --to-destination 10.42.0.5:8080\n/,
    'with local endpoints, arriving NodePort traffic is DNATed by the kernel (the client\'s address kept)');
  assert.match(direct, /-A KUBE-NODEPORT-CONTAINER .* --dport 30080 -j DNAT --to-destination 10.42.0.6:8080\n/);
  assert.match(direct, /-A KUBE-NODEPORT-HOST .* --dport 30080 -j DNAT --to-destination 192.168.1.10:41235\n/, 'the host\'s own traffic still goes through the proxy');
  const bound = renderUserspaceRules([{ svc: svc!, proxyPort: 41234 }], { hostIP: '192.168.1.10', bindAddress: '192.168.1.20' });
  assert.match(bound, /-A KUBE-PORTALS-CONTAINER .* -j DNAT --to-destination 192.168.1.20:41234/);
});

test('cleanup text: jumps to the mode\'s chains are deleted with their saved spec, then the chains', () => {
  const save = `*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-PORTALS-CONTAINER - [0:0]
:KUBE-PORTALS-HOST - [0:0]
:OTHER - [0:0]
-A PREROUTING -m comment --comment "handle ClusterIPs; NOTE: this must be before the NodePort rules" -j KUBE-PORTALS-CONTAINER
-A PREROUTING -j OTHER
-A OUTPUT -m comment --comment "handle ClusterIPs; NOTE: this must be before the NodePort rules" -j KUBE-PORTALS-HOST
-A KUBE-PORTALS-CONTAINER -d 10.43.0.5/32 -p tcp -j REDIRECT --to-ports 41234
COMMIT
*filter
:INPUT ACCEPT [0:0]
COMMIT
`;
  assert.equal(iptablesCleanupText(save, (c) => USERSPACE_CHAINS.has(c)), `*nat
:KUBE-PORTALS-CONTAINER - [0:0]
:KUBE-PORTALS-HOST - [0:0]
-D PREROUTING -m comment --comment "handle ClusterIPs; NOTE: this must be before the NodePort rules" -j KUBE-PORTALS-CONTAINER
-D OUTPUT -m comment --comment "handle ClusterIPs; NOTE: this must be before the NodePort rules" -j KUBE-PORTALS-HOST
-X KUBE-PORTALS-CONTAINER
-X KUBE-PORTALS-HOST
COMMIT
`);
  assert.equal(iptablesCleanupText('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n', () => false), '');
});

test('TCP proxy socket: relays to an endpoint, fails over from a dead one, closes at once without endpoints', async () => {
  const backend = createServer((s) => { s.end('hello from backend\n'); });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const port = (backend.address() as { port: number }).port;
  const lb = new LoadBalancerRR(Date.now, () => 0.99);
  // A closed port first: the dial fails (refused) and the next endpoint is tried.
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const deadPort = (dead.address() as { port: number }).port;
  await new Promise<void>((r) => dead.close(() => r()));
  lb.update('svc', [`127.0.0.1:${deadPort}`, `127.0.0.1:${port}`], 0);
  const proxy = await openTCPProxySocket({ service: 'svc', lb, log, bindAddress: '127.0.0.1' });
  const get = (): Promise<{ data: string; ms: number }> => new Promise((resolve, reject) => {
    const started = Date.now();
    let data = '';
    const c = connect(proxy.port, '127.0.0.1');
    c.setEncoding('utf8').on('data', (d: string) => { data += d; }).on('close', () => resolve({ data, ms: Date.now() - started })).on('error', reject);
  });
  try {
    for (let i = 0; i < 4; i++) assert.equal((await get()).data, 'hello from backend\n');
    lb.update('svc', [], 0);
    const empty = await get();
    assert.equal(empty.data, '');
    assert.ok(empty.ms < 1000, `closed at once (${empty.ms} ms)`);
  } finally {
    await proxy.close();
    await new Promise<void>((r) => backend.close(() => r()));
  }
});

test('TCP proxy socket: a half-closing client gets a whole 8 MiB answer (nothing lost when the backend closes first)', async () => {
  const size = 8 * 1024 * 1024;
  const backend = createServer({ allowHalfOpen: true }, (s) => {
    s.resume();
    // Answers once the request is over (the client's FIN), then closes at once.
    s.on('end', () => s.end(Buffer.alloc(size, 7)));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const lb = new LoadBalancerRR();
  lb.update('svc', [`127.0.0.1:${(backend.address() as { port: number }).port}`], 0);
  const proxy = await openTCPProxySocket({ service: 'svc', lb, log, bindAddress: '127.0.0.1' });
  try {
    const got = await new Promise<number>((resolve, reject) => {
      let n = 0;
      const c = connect(proxy.port, '127.0.0.1');
      c.on('connect', () => c.end('request'));
      // A slow reader: pauses after each chunk, so the proxy's writes back up.
      c.on('data', (d: Buffer) => { n += d.length; c.pause(); setTimeout(() => c.resume(), 5); });
      c.on('close', () => resolve(n)).on('error', reject);
    });
    assert.equal(got, size);
  } finally {
    await proxy.close();
    await new Promise<void>((r) => backend.close(() => r()));
  }
});

test('TCP proxy socket: 48 MiB of mixed-size writes come back whole and in order from an echo endpoint, through a slow reader', async () => {
  const backend = createServer({ allowHalfOpen: true }, (s) => s.pipe(s));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const lb = new LoadBalancerRR();
  lb.update('svc', [`127.0.0.1:${(backend.address() as { port: number }).port}`], 0);
  const proxy = await openTCPProxySocket({ service: 'svc', lb, log, bindAddress: '127.0.0.1' });
  // Sizes from 1 byte to 1 MiB, so reads both fill the relay's buffers (handed to writes) and leave them mostly empty (copied).
  const sizes = [1, 100, 5000, 70_000, 300_000, 1 << 20];
  const sent = createHash('sha256');
  const got = createHash('sha256');
  try {
    const [sentBytes, gotBytes] = await new Promise<[number, number]>((resolve, reject) => {
      let out = 0;
      let back = 0;
      const c = connect(proxy.port, '127.0.0.1');
      const writeMore = (): void => {
        while (out < 48 << 20) {
          const chunk = randomBytes(sizes[Math.floor(Math.random() * sizes.length)]!);
          sent.update(chunk);
          out += chunk.length;
          if (!c.write(chunk)) { c.once('drain', writeMore); return; }
        }
        c.end();
      };
      c.on('connect', writeMore);
      c.on('data', (d: Buffer) => {
        got.update(d);
        back += d.length;
        if (Math.random() < 0.05) { c.pause(); setTimeout(() => c.resume(), 5); }
      });
      // Not read at first: the kernel's buffers fill and the proxy's writes to the client queue.
      c.pause();
      setTimeout(() => c.resume(), 300);
      c.on('close', () => resolve([out, back])).on('error', reject);
    });
    assert.equal(gotBytes, sentBytes);
    assert.equal(got.digest('hex'), sent.digest('hex'));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(proxy.activeClients(), 0, 'both sockets closed once both directions ended');
  } finally {
    await proxy.close();
    await new Promise<void>((r) => backend.close(() => r()));
  }
});

test('TCP proxy socket: an endpoint that speaks first reaches a client that has sent nothing', async () => {
  const backend = createServer((s) => { s.write('220 ready\n'); s.on('data', (d) => s.end(`got ${d.toString().trim()}\n`)); });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const lb = new LoadBalancerRR();
  lb.update('svc', [`127.0.0.1:${(backend.address() as { port: number }).port}`], 0);
  const proxy = await openTCPProxySocket({ service: 'svc', lb, log, bindAddress: '127.0.0.1' });
  try {
    const text = await new Promise<string>((resolve, reject) => {
      let data = '';
      const c = connect(proxy.port, '127.0.0.1');
      c.setEncoding('utf8').on('data', (d: string) => {
        data += d;
        if (data === '220 ready\n') c.write('hello\n');
      });
      c.on('close', () => resolve(data)).on('error', reject);
    });
    assert.equal(text, '220 ready\ngot hello\n');
  } finally {
    await proxy.close();
    await new Promise<void>((r) => backend.close(() => r()));
  }
});

test('UDP proxy socket: replies come back to the client; an idle client is forgotten; no endpoints drops', async () => {
  const echo = createSocket('udp4');
  echo.on('message', (m, r) => echo.send(Buffer.concat([Buffer.from('echo:'), m]), r.port, r.address));
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', r));
  const lb = new LoadBalancerRR();
  lb.update('svc', [`127.0.0.1:${echo.address().port}`], 0);
  const proxy = await openUDPProxySocket({ service: 'svc', lb, log, bindAddress: '127.0.0.1', udpIdleTimeoutMs: 200 });
  const client = createSocket('udp4');
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', r));
  const ask = (msg: string, waitMs = 1000): Promise<string | undefined> => new Promise((resolve) => {
    const t = setTimeout(() => { client.off('message', on); resolve(undefined); }, waitMs);
    const on = (m: Buffer): void => { clearTimeout(t); client.off('message', on); resolve(m.toString()); };
    client.on('message', on);
    client.send(msg, proxy.port, '127.0.0.1');
  });
  try {
    assert.equal(await ask('one'), 'echo:one');
    assert.equal(await ask('two'), 'echo:two');
    assert.equal(proxy.activeClients(), 1);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(proxy.activeClients(), 0, 'forgotten after 200 ms idle');
    lb.update('svc', [], 0);
    assert.equal(await ask('three', 300), undefined, 'dropped without endpoints');
  } finally {
    client.close();
    echo.close();
    await proxy.close();
  }
});
