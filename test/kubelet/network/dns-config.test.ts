/**
 * The pod's DNS settings (upstream's dns.Configurer GetPodDNS): per
 * dnsPolicy, dnsConfig merge, limits with their Event texts, the
 * MissingClusterDNS fallback, the host file parse and checks; and that the
 * kubelet's actor hands them to the sandbox and records the Events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { checkResolvConfLimits, parseResolvConf, podDnsConfig, type KubeletDnsSettings } from '../../../src/kubelet/network/dns-config.js';
import { CrashLoopBackOff, ImagePuller, computePodActions, readRuntimePod, syncPod } from '../../../src/kubelet/index.js';
import type { PodObjects } from '../../../src/kubelet/pod-objects.js';
import { FakeCri } from '../kuberuntime/fake-cri.js';

const HOST = '# generated\nnameserver 192.168.1.1\nnameserver 192.168.1.2\nsearch old.example\nsearch corp.example. lab.example . \noptions rotate\noptions timeout:2 attempts:3\n';
const kubelet: KubeletDnsSettings = { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local', hostResolvConf: HOST };

function pod(spec: Partial<Pod['spec']> = {}): Pod {
  return { metadata: { name: 'web', namespace: 'shop', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'img/app:1' }], ...spec } };
}

test('the host file: nameservers accumulate, the last search and options lines win, "." dropped, trailing dots trimmed', () => {
  assert.deepEqual(parseResolvConf(HOST), { nameservers: ['192.168.1.1', '192.168.1.2'], searches: ['corp.example', 'lab.example'], options: ['timeout:2', 'attempts:3'] });
});

const cases: { name: string; pod: Pod; kubelet?: Partial<KubeletDnsSettings>; servers: string[]; searches: string[]; options: string[]; warnings?: string[] }[] = [
  {
    name: 'ClusterFirst: cluster DNS only, cluster searches then the host\'s, ndots:5 only',
    pod: pod(), servers: ['10.43.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'], options: ['ndots:5'],
  },
  { name: 'an empty dnsPolicy is ClusterFirst (the API default)', pod: pod({ dnsPolicy: '' }), servers: ['10.43.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'], options: ['ndots:5'] },
  {
    name: 'ClusterFirst on hostNetwork behaves as Default', pod: pod({ hostNetwork: true }),
    servers: ['192.168.1.1', '192.168.1.2'], searches: ['corp.example', 'lab.example'], options: ['timeout:2', 'attempts:3'],
  },
  {
    name: 'ClusterFirstWithHostNet on hostNetwork uses the cluster DNS', pod: pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }),
    servers: ['10.43.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'], options: ['ndots:5'],
  },
  { name: 'Default: the host file', pod: pod({ dnsPolicy: 'Default' }), servers: ['192.168.1.1', '192.168.1.2'], searches: ['corp.example', 'lab.example'], options: ['timeout:2', 'attempts:3'] },
  {
    name: 'Default with --resolv-conf "": localhost per node IP family, search .', pod: pod({ dnsPolicy: 'Default' }), kubelet: { hostResolvConf: undefined, nodeIPs: ['10.0.0.5', 'fd00::5'] },
    servers: ['127.0.0.1', '::1'], searches: ['.'], options: [],
  },
  { name: 'None: only dnsConfig', pod: pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }), servers: ['1.1.1.1'], searches: ['a.example'], options: ['ndots:2', 'edns0'] },
  {
    name: 'dnsConfig merges into ClusterFirst: appended, de-duplicated, options by name with the pod\'s value winning',
    pod: pod({ dnsConfig: { nameservers: ['10.43.0.10', '8.8.8.8'], searches: ['cluster.local', 'x.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request' }] } }),
    servers: ['10.43.0.10', '8.8.8.8'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example', 'x.example'], options: ['ndots:1', 'single-request'],
  },
  {
    name: 'no cluster domain: the host searches alone', pod: pod(), kubelet: { clusterDomain: '' },
    servers: ['10.43.0.10'], searches: ['corp.example', 'lab.example'], options: ['ndots:5'],
  },
  {
    name: 'no --cluster-dns: ClusterFirst falls back to Default with MissingClusterDNS on the node and the pod', pod: pod(), kubelet: { clusterDNS: [] },
    servers: ['192.168.1.1', '192.168.1.2'], searches: ['corp.example', 'lab.example'], options: ['timeout:2', 'attempts:3'],
    warnings: [
      'node MissingClusterDNS kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.',
      'pod MissingClusterDNS pod: "web_shop(u1)". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.',
    ],
  },
  {
    name: 'more than 3 nameservers: the first 3, DNSConfigForming', pod: pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4'] } }),
    servers: ['1.1.1.1', '1.0.0.1', '8.8.8.8'], searches: [], options: [],
    warnings: ['pod DNSConfigForming Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 1.1.1.1 1.0.0.1 8.8.8.8'],
  },
];

for (const c of cases) {
  test(`podDnsConfig: ${c.name}`, () => {
    const r = podDnsConfig(c.pod, { ...kubelet, ...c.kubelet });
    assert.deepEqual(r.config, { servers: c.servers, searches: c.searches, options: c.options });
    assert.deepEqual(r.warnings.map((w) => `${w.onNode ? 'node' : 'pod'} ${w.reason} ${w.message}`), c.warnings ?? []);
  });
}

test('search limits: 32 paths, none over 253 characters, the line within 2048 characters, with the applied line in the Event', () => {
  const many = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
  const r = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches: many } }), kubelet);
  assert.deepEqual(r.config.searches, many.slice(0, 32));
  assert.deepEqual(r.warnings, [{ reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${many.slice(0, 32).join(' ')}` }]);
  const long = 'a'.repeat(254);
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches: ['ok.example', long] } }), kubelet).config.searches, ['ok.example']);
  const wide = Array.from({ length: 10 }, (_, i) => `${String(i).padEnd(249, 'x')}.io`); // 252 characters each
  const cut = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches: wide } }), kubelet).config.searches!;
  assert.equal(cut.length, 8, '8 × 252 + 7 spaces = 2023 ≤ 2048; 9 would be 2276');
  assert.ok(cut.join(' ').length <= 2048);
});

test('host file checks (CheckLimitsForResolvConf) name the file and the limit', () => {
  const domains = (n: number): string => `search ${Array.from({ length: n }, (_, i) => `d${i}.example`).join(' ')}\n`;
  assert.equal(checkResolvConfLimits('/etc/resolv.conf', domains(29), 'cluster.local'), undefined);
  assert.deepEqual(checkResolvConfLimits('/etc/resolv.conf', domains(30), 'cluster.local'),
    { reason: 'CheckLimitsForResolvConf', message: "Resolv.conf file '/etc/resolv.conf' contains search line consisting of more than 29 domains!", onNode: true });
  assert.equal(checkResolvConfLimits('/etc/resolv.conf', domains(30), ''), undefined, '32 without a cluster domain');
  assert.equal(checkResolvConfLimits('/r', `search ${'a'.repeat(254)}\n`, '')!.message, 'Resolv.conf file "/r" contains a search path which length is more than allowed 253 chars!');
  assert.equal(checkResolvConfLimits('/r', `search ${Array.from({ length: 10 }, () => 'b'.repeat(250)).join(' ')}\n`, '')!.message,
    "Resolv.conf file '/r' contains search line which length is more than allowed 2048 chars!");
});

test('the kubelet hands the DNS config to the new sandbox and records the Events; an unreadable --resolv-conf fails the sync', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-dns-'));
  try {
    const resolvConf = join(dir, 'resolv.conf');
    writeFileSync(resolvConf, HOST);
    const objects: PodObjects = { configMap: async () => undefined, secret: async () => undefined, services: async () => [] };
    const run = async (p: Pod, dns: { clusterDNS: string[]; clusterDomain: string; resolvConf: string }) => {
      const cri = new FakeCri();
      const events: string[] = [];
      const backOff = new CrashLoopBackOff();
      const before = await readRuntimePod(cri, 'u1');
      await syncPod(p, computePodActions(p, before, { backOff: backOff.check(p) }), {
        runtimePod: before, runtime: cri, images: new ImagePuller(cri), backOff, podLogsDir: dir, podObjects: objects, rootDir: join(dir, 'kubelet'),
        dns, events: { event: (_, type, reason, message) => events.push(`pod ${type} ${reason} ${message}`) }, nodeEvent: (type, reason) => events.push(`node ${type} ${reason}`),
      });
      return { sandbox: [...cri.sandboxes.values()][0]!, events: events.filter((e) => e.includes(' Warning ')) };
    };
    const a = await run(pod(), { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local', resolvConf });
    assert.deepEqual(a.sandbox.config.dnsConfig, { servers: ['10.43.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'], options: ['ndots:5'] });
    assert.deepEqual(a.events, []);
    const b = await run(pod(), { clusterDNS: [], clusterDomain: 'cluster.local', resolvConf });
    assert.deepEqual(b.sandbox.config.dnsConfig!.servers, ['192.168.1.1', '192.168.1.2']);
    assert.deepEqual(b.events.map((e) => e.split(' ').slice(0, 3).join(' ')), ['node Warning MissingClusterDNS', 'pod Warning MissingClusterDNS']);
    await assert.rejects(run(pod(), { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local', resolvConf: join(dir, 'missing') }), /cannot read the DNS resolver config --resolv-conf ".*missing"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
