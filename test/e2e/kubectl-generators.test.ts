/**
 * `kubectl create <generator>`: kubectl 1.32+ sends these as protobuf. Every
 * generator must succeed with kubectl 1.35, and the stored object must equal
 * what kubectl 1.31 (which sends JSON) creates with the same command.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../harness/server.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl } from '../harness/kubectl.js';

const k31 = findKubectl(31);

let server: RunningServer;

before(async () => { server = await startServer({ args: ['--disable-controllers'] }); });
after(async () => { await server?.stop(); });

/** Each generator: args (with NAME and NS placeholders) and the resource to read back. */
function generators(dataDir: string): { name: string; args: string[]; get: string[]; clusterScoped?: boolean }[] {
  return [
    { name: 'deployment', args: ['create', 'deployment', 'NAME', '--image=nginx:1.27', '--replicas=2', '--port=80'], get: ['deployment', 'NAME'] },
    { name: 'configmap', args: ['create', 'configmap', 'NAME', '--from-literal=a=1', '--from-literal=b=two'], get: ['configmap', 'NAME'] },
    { name: 'secret generic', args: ['create', 'secret', 'generic', 'NAME', '--from-literal=password=s3cr3t'], get: ['secret', 'NAME'] },
    { name: 'secret tls', args: ['create', 'secret', 'tls', 'NAME', `--cert=${join(dataDir, 'tls', 'serving.crt')}`, `--key=${join(dataDir, 'tls', 'serving.key')}`], get: ['secret', 'NAME'] },
    { name: 'secret docker-registry', args: ['create', 'secret', 'docker-registry', 'NAME', '--docker-server=registry.local', '--docker-username=u', '--docker-password=p'], get: ['secret', 'NAME'] },
    { name: 'namespace', args: ['create', 'namespace', 'NAME'], get: ['namespace', 'NAME'], clusterScoped: true },
    { name: 'service clusterip', args: ['create', 'service', 'clusterip', 'NAME', '--tcp=80:8080'], get: ['service', 'NAME'] },
    { name: 'service nodeport', args: ['create', 'service', 'nodeport', 'NAME', '--tcp=80:8080'], get: ['service', 'NAME'] },
    { name: 'service loadbalancer', args: ['create', 'service', 'loadbalancer', 'NAME', '--tcp=443:8443'], get: ['service', 'NAME'] },
    { name: 'service externalname', args: ['create', 'service', 'externalname', 'NAME', '--external-name=example.com'], get: ['service', 'NAME'] },
    { name: 'job', args: ['create', 'job', 'NAME', '--image=busybox', '--', 'echo', 'hi'], get: ['job', 'NAME'] },
    { name: 'cronjob', args: ['create', 'cronjob', 'NAME', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'], get: ['cronjob', 'NAME'] },
    { name: 'role', args: ['create', 'role', 'NAME', '--verb=get,list', '--resource=pods,deployments.apps'], get: ['role', 'NAME'] },
    { name: 'rolebinding', args: ['create', 'rolebinding', 'NAME', '--role=reader', '--user=alice', '--serviceaccount=NS:robot'], get: ['rolebinding', 'NAME'] },
    { name: 'clusterrole', args: ['create', 'clusterrole', 'NAME', '--verb=get', '--resource=nodes', '--non-resource-url=/healthz'], get: ['clusterrole', 'NAME'], clusterScoped: true },
    { name: 'clusterrolebinding', args: ['create', 'clusterrolebinding', 'NAME', '--clusterrole=view', '--group=devs'], get: ['clusterrolebinding', 'NAME'], clusterScoped: true },
    { name: 'serviceaccount', args: ['create', 'serviceaccount', 'NAME'], get: ['serviceaccount', 'NAME'] },
    { name: 'quota', args: ['create', 'quota', 'NAME', '--hard=pods=10,requests.cpu=2,requests.memory=1Gi'], get: ['resourcequota', 'NAME'] },
    { name: 'priorityclass', args: ['create', 'priorityclass', 'NAME', '--value=1000', '--description=high'], get: ['priorityclass', 'NAME'], clusterScoped: true },
    { name: 'poddisruptionbudget', args: ['create', 'poddisruptionbudget', 'NAME', '--selector=app=web', '--min-available=50%'], get: ['poddisruptionbudget', 'NAME'] },
    { name: 'ingress', args: ['create', 'ingress', 'NAME', '--class=default', '--rule=foo.example.com/bar*=svc1:8080,tls=my-cert'], get: ['ingress', 'NAME'] },
  ];
}

/** Drops what differs between two creations by design: identity, times, allocations, names. */
function normalize(obj: Record<string, unknown>, name: string, ns: string): unknown {
  const text = JSON.stringify(obj).split(name).join('NAME').split(ns).join('NS');
  const o = JSON.parse(text) as { metadata: Record<string, unknown>; spec?: Record<string, unknown> };
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields']) delete o.metadata[k];
  if (o.spec) {
    delete o.spec.clusterIP;
    delete o.spec.clusterIPs;
    for (const p of (o.spec.ports as { nodePort?: number }[] | undefined) ?? []) delete p.nodePort;
    // A Job's generated selector and labels carry its uid.
    const sel = o.spec.selector as { matchLabels?: Record<string, string> } | undefined;
    if (sel?.matchLabels?.['batch.kubernetes.io/controller-uid']) sel.matchLabels['batch.kubernetes.io/controller-uid'] = 'UID';
    const tl = (o.spec.template as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels;
    for (const k of ['batch.kubernetes.io/controller-uid', 'controller-uid']) if (tl?.[k]) tl[k] = 'UID';
  }
  const labels = o.metadata.labels as Record<string, string> | undefined;
  for (const k of ['batch.kubernetes.io/controller-uid', 'controller-uid']) if (labels?.[k]) labels[k] = 'UID';
  return o;
}

for (const minor of [33, 35]) {
const kNew = findKubectl(minor);
const skip = !kNew.path ? `kubectl 1.${minor} unavailable: ${kNew.reason}` : !k31.path ? `kubectl 1.31 unavailable: ${k31.reason}` : false;
test(`every create generator: kubectl 1.${minor} (protobuf) stores what kubectl 1.31 (JSON) stores`, { skip }, () => {
  const a = new Kubectl(kNew.path!, server.kubeconfig);
  const b = new Kubectl(k31.path!, server.kubeconfig);
  const nsA = `gen-${minor}`;
  const nsB = `gen-31-${minor}`;
  a.ok(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: nsA } }) });
  a.ok(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: nsB } }) });
  for (const g of generators(server.dataDir)) {
    const stored: unknown[] = [];
    for (const [k, ns, name] of [[a, nsA, `x${minor}-${g.name.replace(/ /g, '-')}`], [b, nsB, `y${minor}-${g.name.replace(/ /g, '-')}`]] as const) {
      const sub = (s: string) => s.replace('NAME', name).replace('NS', ns);
      const nsArgs = g.clusterScoped ? [] : ['-n', ns];
      k.ok([...nsArgs, ...g.args.map(sub)]);
      const got = JSON.parse(k.ok([...nsArgs, 'get', ...g.get.map(sub), '-o', 'json'])) as Record<string, unknown>;
      stored.push(normalize(got, name, ns));
    }
    assert.deepEqual(stored[0], stored[1], `kubectl create ${g.name}`);
  }
});
}
