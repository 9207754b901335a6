/**
 * Every object the API returns carries kind and apiVersion, whichever path
 * wrote it. For every built-in resource with a status subresource: create,
 * list (as kubectl get does), a status update as a controller makes it (PUT
 * of the whole object on /status, then a merge patch of /status, as the
 * kubelet sends), then GET, LIST and WATCH as JSON, as a client that accepts
 * protobuf before JSON (client-go's default), and as a protobuf-only client.
 * Rows that an earlier faulty version stored without kind and apiVersion are
 * served with them (repaired on read) and written back whole.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../harness/server.js';
import { RawClient } from '../harness/raw-client.js';
import { eventually } from '../harness/kubectl.js';
import { decodeKubernetesProtobuf } from '../../src/api/protobuf/index.js';

type Obj = { apiVersion?: string; kind?: string; metadata: { name: string; resourceVersion?: string }; status?: Record<string, unknown>; [k: string]: unknown };
type List = { apiVersion?: string; kind?: string; items: Obj[] };

const NS = 'tm';
const NOW = '2026-01-01T00:00:00Z';
const podTemplate = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

interface Case {
  group: string; version: string; kind: string; plural: string; namespaced: boolean;
  body: Record<string, unknown>;
  /** The status a controller writes (PUT on /status), and then a merge patch of it. */
  status: Record<string, unknown>;
  patch: Record<string, unknown>;
}

const CASES: Case[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, body: {},
    status: { phase: 'Active' }, patch: { conditions: [{ type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'ok', lastTransitionTime: NOW }] } },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false, body: {},
    status: { capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', memory: '4Gi', pods: '110' } },
    patch: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready', lastHeartbeatTime: NOW, lastTransitionTime: NOW }] } },
  { group: '', version: 'v1', kind: 'PersistentVolume', plural: 'persistentvolumes', namespaced: false,
    body: { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/pv' } } },
    status: { phase: 'Available' }, patch: { message: 'checked' } },
  { group: '', version: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', namespaced: true,
    body: { spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', resources: { requests: { storage: '1Gi' } } } },
    status: { phase: 'Pending' }, patch: { phase: 'Lost' } },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, body: { spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: NOW }] },
    patch: { phase: 'Running', podIP: '10.42.0.5', podIPs: [{ ip: '10.42.0.5' }], startTime: NOW } },
  { group: '', version: 'v1', kind: 'ReplicationController', plural: 'replicationcontrollers', namespaced: true,
    body: { spec: { replicas: 1, selector: { app: 'rc' }, template: podTemplate('rc') } },
    status: { replicas: 1, observedGeneration: 1 }, patch: { readyReplicas: 1, availableReplicas: 1, fullyLabeledReplicas: 1 } },
  { group: '', version: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', namespaced: true, body: { spec: { hard: { pods: '10' } } },
    status: { hard: { pods: '10' }, used: { pods: '0' } }, patch: { used: { pods: '1' } } },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true,
    body: { spec: { type: 'LoadBalancer', selector: { app: 'svc' }, ports: [{ port: 80 }] } },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } }, patch: { loadBalancer: { ingress: [{ ip: '192.0.2.11' }] } } },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', namespaced: true,
    body: { spec: { selector: { matchLabels: { app: 'ds' } }, template: podTemplate('ds') } },
    status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0, observedGeneration: 1 },
    patch: { currentNumberScheduled: 1, desiredNumberScheduled: 1 } },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true,
    body: { spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: podTemplate('d') } },
    status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1 }, patch: { readyReplicas: 1, availableReplicas: 1 } },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true,
    body: { spec: { replicas: 1, selector: { matchLabels: { app: 'rs' } }, template: podTemplate('rs') } },
    status: { replicas: 1, fullyLabeledReplicas: 1, observedGeneration: 1 }, patch: { readyReplicas: 1, availableReplicas: 1 } },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true,
    body: { spec: { replicas: 1, serviceName: 'sts', selector: { matchLabels: { app: 'sts' } }, template: podTemplate('sts') } },
    status: { replicas: 1, currentReplicas: 1, updatedReplicas: 1, observedGeneration: 1 }, patch: { readyReplicas: 1, availableReplicas: 1 } },
  { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true,
    body: { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, minReplicas: 1, maxReplicas: 3 } },
    status: { currentReplicas: 1, desiredReplicas: 1 }, patch: { desiredReplicas: 2 } },
  { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true,
    body: { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 } },
    status: { currentReplicas: 1, desiredReplicas: 1 }, patch: { currentCPUUtilizationPercentage: 40 } },
  { group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', namespaced: true,
    body: { spec: { schedule: '0 0 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } } } },
    status: { lastScheduleTime: NOW }, patch: { lastSuccessfulTime: NOW } },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', namespaced: true,
    body: { spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
    status: { active: 0, ready: 0 }, patch: { conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended', lastProbeTime: NOW, lastTransitionTime: NOW }] } },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', namespaced: true,
    body: { spec: { defaultBackend: { service: { name: 'svc', port: { number: 80 } } } } },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.20' }] } }, patch: { loadBalancer: { ingress: [{ ip: '192.0.2.21' }] } } },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true,
    body: { spec: { minAvailable: 1, selector: { matchLabels: { app: 'd' } } } },
    status: { currentHealthy: 0, desiredHealthy: 1, disruptionsAllowed: 0, expectedPods: 0, observedGeneration: 1 }, patch: { expectedPods: 1 } },
  { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false,
    body: { spec: { group: 'tm.example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } } }] } } as unknown as Record<string, unknown>,
    status: {}, patch: {} },
];

const apiVersion = (c: Case): string => (c.group ? `${c.group}/${c.version}` : c.version);
const collection = (c: Case): string =>
  `${c.group ? `/apis/${c.group}` : '/api'}/${c.version}${c.namespaced ? `/namespaces/${NS}` : ''}/${c.plural}`;
const nameOf = (c: Case): string => (c.kind === 'CustomResourceDefinition' ? 'widgets.tm.example.com' : `tm-${c.kind.toLowerCase()}-${c.version}`);

const PROTOBUF_FIRST = 'application/vnd.kubernetes.protobuf, application/json';
const PROTOBUF_ONLY = 'application/vnd.kubernetes.protobuf';

let server: RunningServer;
let api: RawClient;

function assertTyped(o: Obj | undefined, c: Case, where: string): void {
  assert.ok(o, `${where}: no object`);
  assert.equal(o.apiVersion, apiVersion(c), `${where}: apiVersion of ${c.kind}`);
  assert.equal(o.kind, c.kind, `${where}: kind of ${c.kind}`);
}

/** Watch events from `rv` until the server ends the stream after a second. */
async function watchEvents(c: Case, rv: string, accept?: string): Promise<{ type: string; object: Obj }[]> {
  const r = await api.request('GET', `${collection(c)}?watch=1&resourceVersion=${rv}&timeoutSeconds=1&fieldSelector=metadata.name%3D${nameOf(c)}`,
    accept ? { headers: { Accept: accept } } : {});
  assert.equal(r.status, 200, `watch ${c.kind}: ${r.body}`);
  return r.body.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { type: string; object: Obj });
}

before(async () => {
  server = await startServer({ args: ['--disable-controllers'] });
  api = new RawClient(server.kubeconfig);
  assert.equal((await api.json('POST', '/api/v1/namespaces', { metadata: { name: NS } })).status, 201);
});
after(async () => { api?.close(); await server?.stop(); });

describe('kind and apiVersion after a status update, for every built-in resource with status', { concurrency: 6 }, () => {
  for (const c of CASES) {
    test(`${c.kind} ${apiVersion(c)}`, async () => {
      const name = nameOf(c);
      const created = await api.json<Obj>('POST', collection(c), { apiVersion: apiVersion(c), kind: c.kind, metadata: { name }, ...c.body });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assertTyped(created.body, c, 'create response');
      const createdRv = created.body.metadata.resourceVersion!;

      // A list first, as `kubectl get` makes one: it must not change what later reads see.
      const firstList = await api.json<List>('GET', collection(c));
      assert.equal(firstList.status, 200);

      if (c.kind === 'CustomResourceDefinition') {
        // The server's CRD controller writes the status (Established).
        await eventually(async () => (await api.json<Obj>('GET', `${collection(c)}/${name}`)).body.status?.conditions !== undefined, 10_000, 'CRD status');
      } else {
        const current = (await api.json<Obj>('GET', `${collection(c)}/${name}`)).body;
        const put = await api.json<Obj>('PUT', `${collection(c)}/${name}/status`, { ...current, status: { ...current.status, ...c.status } });
        assert.equal(put.status, 200, JSON.stringify(put.body));
        assertTyped(put.body, c, 'status update response');
        const patched = await api.request('PATCH', `${collection(c)}/${name}/status`, {
          body: JSON.stringify({ status: c.patch }), headers: { 'Content-Type': 'application/merge-patch+json' },
        });
        assert.equal(patched.status, 200, patched.body);
        assertTyped(JSON.parse(patched.body) as Obj, c, 'status patch response');
      }

      for (const accept of [undefined, PROTOBUF_FIRST]) {
        const how = accept ? 'protobuf-first client' : 'JSON client';
        const got = await api.json<Obj>('GET', `${collection(c)}/${name}`, undefined, accept ? { Accept: accept } : undefined);
        assert.equal(got.status, 200);
        assertTyped(got.body, c, `GET (${how})`);
        const statusGet = await api.json<Obj>('GET', `${collection(c)}/${name}/status`, undefined, accept ? { Accept: accept } : undefined);
        assertTyped(statusGet.body, c, `GET status (${how})`);

        const list = await api.json<List>('GET', collection(c), undefined, accept ? { Accept: accept } : undefined);
        assert.equal(list.body.kind, `${c.kind}List`);
        assert.equal(list.body.apiVersion, apiVersion(c));
        const item = list.body.items.find((i) => i.metadata.name === name);
        assert.ok(item, `LIST (${how}) holds ${name}`);
        // Upstream serves built-in list items without their own type (the list carries it).
        assert.equal(item.kind, undefined, `LIST item kind (${how})`);
        assert.equal(item.apiVersion, undefined, `LIST item apiVersion (${how})`);

        const [events, initial] = await Promise.all([watchEvents(c, createdRv, accept), watchEvents(c, '', accept)]);
        assert.ok(events.length >= 1, `WATCH (${how}) of ${c.kind} from its create delivers the status writes`);
        for (const ev of events) assertTyped(ev.object, c, `WATCH ${ev.type} (${how})`);
        assert.equal(initial[0]?.type, 'ADDED');
        assertTyped(initial[0]?.object, c, `WATCH initial ADDED (${how})`);
      }

      // A client that accepts protobuf alone gets it where this server has the kind's protobuf form, else 406.
      for (const path of [`${collection(c)}/${name}`, collection(c)]) {
        const pb = await api.requestBuffer('GET', path, { Accept: PROTOBUF_ONLY });
        if (pb.status === 406) {
          const st = JSON.parse(pb.body.toString('utf8')) as { kind: string; reason: string };
          assert.deepEqual([st.kind, st.reason], ['Status', 'NotAcceptable']);
          continue;
        }
        assert.equal(pb.status, 200);
        const decoded = decodeKubernetesProtobuf(pb.body).object as unknown as Obj & List;
        if (path.endsWith(name)) {
          assertTyped(decoded, c, 'protobuf GET');
        } else {
          assert.equal(decoded.kind, `${c.kind}List`);
          assert.ok(decoded.items.some((i) => i.metadata.name === name), 'protobuf LIST holds the object');
        }
      }

      // After all those reads, a write from the watch cache's copy still stores the type.
      const again = await api.request('PATCH', `${collection(c)}/${name}`, {
        body: JSON.stringify({ metadata: { labels: { touched: 'yes' } } }), headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      assert.equal(again.status, 200, again.body);
      assertTyped(JSON.parse(again.body) as Obj, c, 'patch after reads');
      assertTyped((await api.json<Obj>('GET', `${collection(c)}/${name}`)).body, c, 'GET after patch');
    });
  }
});

test('custom resources keep kind and apiVersion on their list items (as upstream serves them)', async () => {
  await eventually(async () => (await api.json('GET', `/apis/tm.example.com/v1/namespaces/${NS}/widgets`)).status === 200, 10_000, 'widgets served');
  const w = await api.json<Obj>('POST', `/apis/tm.example.com/v1/namespaces/${NS}/widgets`, { apiVersion: 'tm.example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { a: 1 } });
  assert.equal(w.status, 201, JSON.stringify(w.body));
  const list = await api.json<List>('GET', `/apis/tm.example.com/v1/namespaces/${NS}/widgets`);
  assert.equal(list.body.items[0]?.kind, 'Widget');
  assert.equal(list.body.items[0]?.apiVersion, 'tm.example.com/v1');
  const got = await api.json<Obj>('GET', `/apis/tm.example.com/v1/namespaces/${NS}/widgets/w1`);
  assert.equal(got.body.kind, 'Widget');
});

describe('rows stored without kind and apiVersion (by the faulty version) are repaired on read', () => {
  test('GET, LIST, WATCH and the next write all carry the type', async () => {
    const dataDir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'k8ts-typemeta-'));
    let s = await startServer({ dataDir, args: ['--disable-controllers'] });
    let c = new RawClient(s.kubeconfig);
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'old' }, spec: { replicas: 1, selector: { matchLabels: { app: 'old' } }, template: podTemplate('old') } };
    assert.equal((await c.json('POST', '/apis/apps/v1/namespaces/default/deployments', dep)).status, 201);
    assert.equal((await c.json('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'old' }, data: { a: '1' } })).status, 201);
    c.close();
    await s.stop({ keepData: true });

    // Strip kind and apiVersion from every current row of the two objects, as the faulty version wrote them.
    const db = new Database(join(dataDir, 'state.db'));
    const rows = db.prepare(`SELECT id, value FROM kv WHERE name IN ('/registry/apps/deployments/default/old', '/registry/configmaps/default/old') AND deleted = 0`).all() as { id: number; value: Buffer }[];
    assert.ok(rows.length >= 2, 'the rows are there');
    for (const r of rows) {
      const { kind: _k, apiVersion: _a, ...rest } = JSON.parse(r.value.toString('utf8')) as Record<string, unknown>;
      db.prepare('UPDATE kv SET value = ? WHERE id = ?').run(Buffer.from(JSON.stringify(rest)), r.id);
    }
    db.close();

    s = await startServer({ dataDir, args: ['--disable-controllers'] });
    c = new RawClient(s.kubeconfig);
    try {
      const d = await c.json<Obj>('GET', '/apis/apps/v1/namespaces/default/deployments/old');
      assert.equal(d.body.kind, 'Deployment');
      assert.equal(d.body.apiVersion, 'apps/v1');
      const cm = await c.json<Obj>('GET', '/api/v1/namespaces/default/configmaps/old');
      assert.equal(cm.body.kind, 'ConfigMap');
      assert.equal(cm.body.apiVersion, 'v1');
      const paged = await c.json<List>('GET', '/api/v1/namespaces/default/configmaps?limit=10');
      assert.ok(paged.body.items.some((i) => i.metadata.name === 'old'));
      const w = await c.request('GET', '/apis/apps/v1/namespaces/default/deployments?watch=1&timeoutSeconds=1');
      const ev = JSON.parse(w.body.split('\n')[0]) as { object: Obj };
      assert.equal(ev.object.kind, 'Deployment');
      assert.equal(ev.object.apiVersion, 'apps/v1');
      const put = await c.json<Obj>('PUT', '/apis/apps/v1/namespaces/default/deployments/old/status', { ...d.body, status: { observedGeneration: 1, replicas: 0 } });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.equal(put.body.kind, 'Deployment');
      const db2 = new Database(join(dataDir, 'state.db'), { readonly: true });
      const newest = db2.prepare(`SELECT value FROM kv WHERE name = '/registry/apps/deployments/default/old' ORDER BY id DESC LIMIT 1`).get() as { value: Buffer };
      db2.close();
      const stored = JSON.parse(newest.value.toString('utf8')) as Obj;
      assert.equal(stored.kind, 'Deployment', 'the write stores the type again');
      assert.equal(stored.apiVersion, 'apps/v1');
    } finally {
      c.close();
      await s.stop();
      (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
