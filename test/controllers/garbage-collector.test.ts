/**
 * The garbage collector against a real server, running in the test process:
 * Background, Orphan and Foreground cascading deletion, owners confirmed
 * absent only by a live lookup, ownerReferences across kinds, and resources
 * that appear through discovery (CRDs).
 *
 * Orphan and Foreground are tested twice: through DELETE with the
 * propagationPolicy (skipped, with the reason, when the server does not add
 * the finalizer for it), and with the finalizer set on the owner before a
 * plain DELETE, which needs nothing of the server but keeping finalizers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ConfigMap, Pod, Secret } from 'kubernetes-types/core/v1.js';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { StatusError } from '../../src/api/errors.js';
import { createLogger } from '../../src/api/log.js';
import type { ApiObject } from '../../src/client/api-object.js';
import { serverPreferredResources } from '../../src/client/discovery.js';
import { RestClient } from '../../src/client/rest-client.js';
import { RESOURCES, resourceDescriptor, type ResourceDescriptor } from '../../src/client/resource.js';
import { startGarbageCollector, type RunningGarbageCollector } from '../../src/controllers/garbage-collector/index.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';

const NS = 'gc';
const CRDS = resourceDescriptor('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', { namespaced: false });
const logger = createLogger('garbage-collector', { level: process.env['GC_TEST_LOG'] ?? 'warn' });

let server: RunningServer;
let client: RestClient;
let gc: RunningGarbageCollector;
const extraGcs: RunningGarbageCollector[] = [];
const gcClients: RestClient[] = [];

/**
 * A client of its own for each collector: every watched resource holds one
 * connection of a client's pool, so collectors sharing the test's client
 * would starve its requests.
 */
function gcClient(): RestClient {
  const c = RestClient.fromKubeconfig(server.kubeconfig, { component: 'garbage-collector', maxSockets: 128 });
  gcClients.push(c);
  return c;
}

before(async () => {
  server = await startServer({ args: ['--controllers', 'namespace,garbagecollector'] });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'garbage-collector-test' });
  await client.create(RESOURCES.namespaces, { metadata: { name: NS } });
  // A long discovery period: CRDs made by the tests stay unknown to this collector.
  gc = startGarbageCollector({ client: gcClient(), logger, resyncDiscoveryMs: 600_000 });
  assert.equal(await gc.waitForSync(), true);
});
after(async () => {
  for (const g of extraGcs) await g.stop();
  await gc?.stop();
  for (const c of gcClients) c.close();
  client?.close();
  await server?.stop();
});

async function gone(p: Promise<unknown>): Promise<boolean> {
  try { await p; return false; } catch (e) {
    if (e instanceof StatusError && e.code === 404) return true;
    throw e;
  }
}

const cmGone = (name: string): Promise<boolean> => gone(client.get(RESOURCES.configmaps, name, { namespace: NS }));
const getCm = (name: string): Promise<ConfigMap> => client.get<ConfigMap>(RESOURCES.configmaps, name, { namespace: NS });

function ref(owner: ApiObject, extra: Partial<OwnerReference> = {}): OwnerReference {
  return { apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata!.name!, uid: owner.metadata!.uid!, ...extra };
}

async function configMap(name: string, opts: { owners?: OwnerReference[]; finalizers?: string[] } = {}): Promise<ConfigMap> {
  const cm = await client.create<ConfigMap>(RESOURCES.configmaps, {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name, namespace: NS, ...(opts.owners ? { ownerReferences: opts.owners } : {}), ...(opts.finalizers ? { finalizers: opts.finalizers } : {}) },
  });
  return { ...cm, apiVersion: 'v1', kind: 'ConfigMap' };
}

/** Resolves after `ms`: lets the collector act on something it should leave alone. */
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('Background: a dependent goes once its owner is deleted', async () => {
  const owner = await configMap('bg-owner');
  await configMap('bg-dep', { owners: [ref(owner, { controller: true, blockOwnerDeletion: true })] });
  await configMap('bg-bystander');
  await pause(300);
  assert.ok(await getCm('bg-dep'), 'kept while its owner exists');
  await client.delete(RESOURCES.configmaps, 'bg-owner', { namespace: NS, propagationPolicy: 'Background' });
  await eventually(() => cmGone('bg-dep'), 10_000, 'bg-dep to be collected');
  assert.ok(await getCm('bg-bystander'));
});

test('Background: a dependent with another owner left loses only the dangling reference', async () => {
  const a = await configMap('two-a');
  const b = await configMap('two-b');
  await configMap('two-dep', { owners: [ref(a), ref(b)] });
  await client.delete(RESOURCES.configmaps, 'two-a', { namespace: NS });
  const dep = await eventually(async () => {
    const d = await getCm('two-dep');
    return d.metadata?.ownerReferences?.length === 1 ? d : undefined;
  }, 10_000, 'the reference to two-a to be removed');
  assert.equal(dep!.metadata?.ownerReferences?.[0]?.uid, b.metadata?.uid);
  await pause(300);
  assert.ok(await getCm('two-dep'), 'kept: two-b still owns it');
});

async function orphanCase(prefix: string, deleteOwner: (name: string) => Promise<unknown>): Promise<void> {
  const owner = await configMap(`${prefix}-owner`);
  const keeper = await configMap(`${prefix}-keeper`);
  await configMap(`${prefix}-dep`, { owners: [ref(owner, { controller: true, blockOwnerDeletion: true })] });
  await configMap(`${prefix}-other`, { owners: [ref(owner), ref(keeper)] });
  await pause(200);
  await deleteOwner(`${prefix}-owner`);
  await eventually(() => cmGone(`${prefix}-owner`), 10_000, 'the owner to go');
  const dep = await getCm(`${prefix}-dep`);
  assert.equal(dep.metadata?.ownerReferences, undefined, 'no ownerReferences left');
  const other = await getCm(`${prefix}-other`);
  assert.deepEqual(other.metadata?.ownerReferences?.map((r) => r.uid), [keeper.metadata?.uid], 'only the reference to the owner removed');
  await pause(500);
  assert.ok(await getCm(`${prefix}-dep`), 'the orphan stays');
}

test('Orphan (propagationPolicy): the owner goes, its dependents stay without the reference', async () => {
  await orphanCase('orphan', (name) => client.delete(RESOURCES.configmaps, name, { namespace: NS, propagationPolicy: 'Orphan' }));
});

test('Orphan (orphan finalizer set beforehand): the owner goes, its dependents stay', async () => {
  await orphanCase('orphanfin', async (name) => {
    await client.patch(RESOURCES.configmaps, name, { metadata: { finalizers: ['orphan'] } }, { namespace: NS });
    await client.delete(RESOURCES.configmaps, name, { namespace: NS });
  });
});

async function foregroundCase(prefix: string, deleteOwner: (name: string) => Promise<unknown>): Promise<void> {
  const owner = await configMap(`${prefix}-owner`);
  await configMap(`${prefix}-blocker`, { owners: [ref(owner, { blockOwnerDeletion: true })], finalizers: ['example.com/hold'] });
  await configMap(`${prefix}-free`, { owners: [ref(owner, { blockOwnerDeletion: false })] });
  await pause(200);
  await deleteOwner(`${prefix}-owner`);

  await eventually(() => cmGone(`${prefix}-free`), 10_000, 'the non-blocking dependent to be deleted');
  const blocker = await eventually(async () => {
    const b = await getCm(`${prefix}-blocker`);
    return b.metadata?.deletionTimestamp && !b.metadata.finalizers?.includes('foregroundDeletion') ? b : undefined;
  }, 10_000, 'the blocking dependent to be deleted (held by its own finalizer)');
  assert.deepEqual(blocker!.metadata?.finalizers, ['example.com/hold']);
  await pause(800);
  const waiting = await getCm(`${prefix}-owner`);
  assert.ok(waiting.metadata?.deletionTimestamp, 'the owner is being deleted');
  assert.deepEqual(waiting.metadata?.finalizers, ['foregroundDeletion'], 'and waits for its blocking dependent');

  await client.patch(RESOURCES.configmaps, `${prefix}-blocker`, { metadata: { finalizers: null } }, { namespace: NS });
  await eventually(() => cmGone(`${prefix}-blocker`), 10_000, 'the blocker to go');
  await eventually(() => cmGone(`${prefix}-owner`), 10_000, 'the owner to go once its blocking dependent is gone');
}

test('Foreground (propagationPolicy): the owner stays until its blocking dependent is gone', async () => {
  await foregroundCase('fg', (name) => client.delete(RESOURCES.configmaps, name, { namespace: NS, propagationPolicy: 'Foreground' }));
});

test('Foreground (foregroundDeletion finalizer set beforehand): the owner stays until its blocking dependent is gone', async () => {
  await foregroundCase('fgfin', async (name) => {
    await client.patch(RESOURCES.configmaps, name, { metadata: { finalizers: ['foregroundDeletion'] } }, { namespace: NS });
    await client.delete(RESOURCES.configmaps, name, { namespace: NS });
  });
});

test('an owner in no cache is looked up live: absent means collect, present means keep', { timeout: 30_000 }, async () => {
  // A second collector that cannot watch Secrets (but may get them): a Secret
  // owner is never in its cache, only on the server.
  const gc2 = startGarbageCollector({
    client: gcClient(), logger: logger.child({ gc: 'no-secrets' }), resyncDiscoveryMs: 600_000,
    discover: async () => {
      const d = await serverPreferredResources(client);
      return { ...d, resources: d.resources.map((r) => (r.group === '' && r.resource === 'secrets' ? { ...r, verbs: r.verbs.filter((v) => v !== 'watch') } : r)) };
    },
  });
  extraGcs.push(gc2);
  assert.equal(await gc2.waitForSync(), true);

  // Never existed: uid in no cache and not on the server.
  await configMap('virtual-dep', { owners: [{ apiVersion: 'v1', kind: 'Secret', name: 'never-was', uid: randomUUID() }] });
  // Exists on the server only.
  const secret = await client.create<Secret>(RESOURCES.secrets, { metadata: { name: 'real-owner', namespace: NS }, stringData: { k: 'v' } });
  await configMap('real-dep', { owners: [ref({ ...secret, apiVersion: 'v1', kind: 'Secret' })] });
  // Owner deleted before the dependent is ever seen.
  const gonner = await configMap('deleted-before');
  await client.delete(RESOURCES.configmaps, 'deleted-before', { namespace: NS });
  await configMap('late-dep', { owners: [ref(gonner)] });

  await eventually(() => cmGone('virtual-dep'), 10_000, 'virtual-dep to be collected');
  await eventually(() => cmGone('late-dep'), 10_000, 'late-dep to be collected');
  await pause(1000);
  assert.ok(await getCm('real-dep'), 'kept: its owner exists, though no cache holds it');

  // Once that owner goes, the dependent goes too: the main collector watches Secrets.
  await client.delete(RESOURCES.secrets, 'real-owner', { namespace: NS });
  await eventually(() => cmGone('real-dep'), 10_000, 'real-dep to be collected');
});

test('ownerReferences across kinds: Deployment -> ReplicaSet -> Pod cascades with Background', async () => {
  const labels = { app: 'gc-cascade' };
  const podSpec = { schedulerName: 'k8ts-test-none', containers: [{ name: 'c', image: 'nginx' }] };
  const deploy = await client.create<Deployment>(RESOURCES.deployments, {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: NS },
    spec: { replicas: 1, paused: true, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  });
  const rs = await client.create<ReplicaSet>(RESOURCES.replicasets, {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name: 'web-1', namespace: NS, labels, ownerReferences: [ref({ ...deploy, apiVersion: 'apps/v1', kind: 'Deployment' }, { controller: true, blockOwnerDeletion: true })] },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  });
  await client.create<Pod>(RESOURCES.pods, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-1-abcde', namespace: NS, labels, ownerReferences: [ref({ ...rs, apiVersion: 'apps/v1', kind: 'ReplicaSet' }, { controller: true, blockOwnerDeletion: true })] },
    spec: podSpec,
  });
  await pause(300);
  assert.ok(await client.get(RESOURCES.pods, 'web-1-abcde', { namespace: NS }), 'kept while owned');

  await client.delete(RESOURCES.deployments, 'web', { namespace: NS, propagationPolicy: 'Background' });
  await eventually(() => gone(client.get(RESOURCES.replicasets, 'web-1', { namespace: NS })), 10_000, 'the ReplicaSet to be collected');
  await eventually(() => gone(client.get(RESOURCES.pods, 'web-1-abcde', { namespace: NS })), 10_000, 'the Pod to be collected');
});

test('custom resources appear through discovery and own other kinds', async () => {
  const gc3 = startGarbageCollector({ client: gcClient(), logger: logger.child({ gc: 'fast-discovery' }), resyncDiscoveryMs: 300 });
  extraGcs.push(gc3);
  assert.equal(await gc3.waitForSync(), true);
  await client.create(CRDS, {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.gc.example.com' },
    spec: {
      group: 'gc.example.com', scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  });
  const widgets: ResourceDescriptor = resourceDescriptor('gc.example.com', 'v1', 'widgets');
  const widget = await eventually(() => client.create(widgets, {
    apiVersion: 'gc.example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: NS },
  }), 10_000, 'the Widget CRD to serve');
  await configMap('widget-dep', { owners: [ref({ ...widget, apiVersion: 'gc.example.com/v1', kind: 'Widget' })] });
  await pause(1000);
  assert.ok(await getCm('widget-dep'), 'kept while its Widget exists');
  await client.delete(widgets, 'w', { namespace: NS });
  await eventually(() => cmGone('widget-dep'), 10_000, 'widget-dep to be collected');
});
