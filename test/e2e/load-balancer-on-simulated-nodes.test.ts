/**
 * LoadBalancer Services as a user sees them: `k8ts server --simulated-nodes 2`
 * runs the cloud controller manager in a thread, and a LoadBalancer Service
 * gets the nodes' InternalIPs as EXTERNAL-IP in `kubectl get svc`; deleting it
 * takes its finalizer away. With --disable-cloud-controller nothing answers
 * until `k8ts cloud-controller-manager` is started against the server.
 * (Traffic to EXTERNAL-IP:port needs kube-proxy, tested with it.)
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../harness/server.js';
import { REPO_ROOT, findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;
let server: RunningServer | undefined;
let ccm: ChildProcess | undefined;
after(async () => {
  if (ccm && ccm.exitCode === null) { ccm.kill('SIGTERM'); await new Promise((r) => ccm!.once('exit', r)); }
  await server?.stop();
});

const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{name: http, port: 8080, targetPort: 80}]
`;

interface Svc { metadata: { finalizers?: string[] }; status?: { loadBalancer?: { ingress?: { ip: string }[] } } }
const ingressOf = (k: Kubectl): string[] => ((JSON.parse(k.ok(['get', 'svc', 'web', '-o', 'json'])) as Svc).status?.loadBalancer?.ingress ?? []).map((i) => i.ip);
const nodeIPs = (k: Kubectl): string[] => k.ok(['get', 'nodes', '-o', 'jsonpath={.items[*].status.addresses[?(@.type=="InternalIP")].address}']).split(' ').filter(Boolean).sort();

test('k8ts server runs the cloud controller: a LoadBalancer Service gets the nodes\' InternalIPs as EXTERNAL-IP; deleting it removes the finalizer', { skip }, async () => {
  server = await startServer({ args: ['--simulated-nodes', '2'] });
  const k = new Kubectl(bin.path!, server.kubeconfig);
  await eventually(() => (k.ok(['get', 'nodes', '--no-headers']).match(/\sReady\s/g) ?? []).length === 2, 30_000, '2 Ready nodes');
  const ips = nodeIPs(k);
  assert.equal(ips.length, 2);
  k.ok(['apply', '-f', '-'], { input: SERVICE });
  await eventually(() => ingressOf(k).length === 2, 30_000, 'two ingress IPs');
  assert.deepEqual(ingressOf(k).sort(), ips);
  const row = k.ok(['get', 'svc', 'web', '--no-headers']).trim();
  assert.match(row, new RegExp(`^web\\s+LoadBalancer\\s+10\\.43\\.\\S+\\s+${ips.map((ip) => ip.replace(/\./g, '\\.')).join(',')}\\s+8080:3\\d{4}/TCP`));
  assert.deepEqual((JSON.parse(k.ok(['get', 'svc', 'web', '-o', 'json'])) as Svc).metadata.finalizers, ['service.kubernetes.io/load-balancer-cleanup']);
  assert.match(k.ok(['get', 'lease', '-n', 'kube-system', 'cloud-controller-manager', '-o', 'jsonpath={.spec.holderIdentity}']), /.+_.+/);
  const events = k.ok(['get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={.items[*].reason}']);
  assert.match(events, /EnsuringLoadBalancer/);
  k.ok(['delete', 'svc', 'web', '--timeout=30s']);
  assert.match(k.run(['get', 'svc', 'web']).stderr, /NotFound/);
  await server.stop();
  server = undefined;
});

test('--disable-cloud-controller: no EXTERNAL-IP until `k8ts cloud-controller-manager` runs against the server', { skip }, async () => {
  server = await startServer({ args: ['--simulated-nodes', '1', '--disable-cloud-controller'] });
  const k = new Kubectl(bin.path!, server.kubeconfig);
  await eventually(() => /\sReady\s/.test(k.ok(['get', 'nodes', '--no-headers'])), 30_000, 'a Ready node');
  k.ok(['apply', '-f', '-'], { input: SERVICE });
  await new Promise((r) => setTimeout(r, 2000));
  assert.deepEqual(ingressOf(k), []);
  assert.match(k.ok(['get', 'svc', 'web', '--no-headers']), /<pending>/);
  ccm = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'cloud-controller-manager', '--kubeconfig', server.kubeconfig, '--leader-elect', 'false'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let logs = '';
  ccm.stderr!.setEncoding('utf8').on('data', (d: string) => { logs += d; });
  await eventually(() => ingressOf(k).length === 1, 30_000, 'ingress from the standalone cloud controller manager').catch((e: Error) => { throw new Error(`${e.message}\n${logs}`); });
  assert.deepEqual(ingressOf(k), nodeIPs(k));
  ccm.kill('SIGTERM');
  const code = await new Promise((r) => ccm!.once('exit', r));
  assert.equal(code, 0, logs);
});
