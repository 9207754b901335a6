/**
 * The kinds the hostile suite aims at, each with a valid object to start
 * from, and the namespaces and seed objects every run creates first. The
 * suite touches nothing outside these namespaces except what it creates
 * under its own name prefix.
 */

export interface HostileKind {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Subresources the server serves for the kind. */
  subresources: readonly string[];
  /** True when k8ts has a protobuf schema for the kind. */
  protobuf: boolean;
  /** A valid object named `name` (in JSON form, with apiVersion and kind). */
  sample(name: string): Record<string, unknown>;
}

export const NAMESPACES = ['hostile-a', 'hostile-b'] as const;
/** Prefix of every cluster-scoped object the suite may create (and so may delete). */
export const CLUSTER_PREFIX = 'hostile-x-';
/** Seed objects per kind and namespace: the existing objects gets, updates and patches aim at. */
export const SEEDS_PER_KIND = 3;
/**
 * A namespace whose objects (KEEP_SEEDS per namespaced kind) only hostile
 * writes by name aim at: no collection-wide request reaches it, so an object
 * there whose every write was refused must still have its first
 * resourceVersion.
 */
export const KEEP_NAMESPACE = 'hostile-keep';
export const KEEP_SEEDS = 2;

const labels = { app: 'hostile', tier: 'web' };

function apiVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function kind(k: Omit<HostileKind, 'sample'>, body: (name: string) => Record<string, unknown>): HostileKind {
  return {
    ...k,
    sample: (name) => ({ apiVersion: apiVersion(k.group, k.version), kind: k.kind, metadata: { name, labels: { ...labels } }, ...body(name) }),
  };
}

const podSpec = () => ({
  containers: [{
    name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'],
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    env: [{ name: 'A', value: '1' }],
    resources: { requests: { cpu: '10m', memory: '16Mi' } },
  }],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 5,
});

export const WIDGET_GROUP = 'hostile.k8ts.io';

/** A CRD the suite installs first, so custom resources (schema validation, pruning) are in the mix. */
export const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${WIDGET_GROUP}` },
  spec: {
    group: WIDGET_GROUP, scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [{
      name: 'v1', served: true, storage: true,
      schema: { openAPIV3Schema: { type: 'object', properties: {
        spec: { type: 'object', properties: {
          size: { type: 'integer', minimum: 0, default: 1 },
          color: { type: 'string', enum: ['red', 'green', 'blue'] },
          tags: { type: 'array', items: { type: 'string' } },
          extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        } },
        status: { type: 'object', properties: { ready: { type: 'boolean' } } },
      } } },
      subresources: { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } },
    }],
  },
};

export const KINDS: readonly HostileKind[] = [
  kind({ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true, subresources: [], protobuf: true },
    () => ({ data: { a: '1', 'config.yaml': 'x: 1\n' } })),
  kind({ group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true, subresources: [], protobuf: true },
    () => ({ type: 'Opaque', data: { token: Buffer.from('s3cret').toString('base64') } })),
  // Bound to a node that never confirms, so deletes take the graceful path.
  kind({ group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true, subresources: ['status', 'binding', 'eviction', 'log', 'exec'], protobuf: true },
    () => ({ spec: { ...podSpec(), nodeName: 'hostile-node' } })),
  kind({ group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true, subresources: ['status'], protobuf: true },
    () => ({ spec: { selector: { ...labels }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } })),
  kind({ group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true, subresources: ['status', 'scale'], protobuf: true },
    () => ({ spec: { replicas: 1, selector: { matchLabels: { ...labels } }, template: { metadata: { labels: { ...labels } }, spec: podSpec() } } })),
  kind({ group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true, subresources: ['status'], protobuf: true },
    () => ({ spec: { backoffLimit: 1, template: { spec: { ...podSpec(), restartPolicy: 'Never' } } } })),
  kind({ group: WIDGET_GROUP, version: 'v1', plural: 'widgets', kind: 'Widget', namespaced: true, subresources: ['status', 'scale'], protobuf: false },
    () => ({ spec: { size: 2, color: 'red', tags: ['a', 'b'], extra: { any: { thing: [1, 2] } } } })),
  kind({ group: 'scheduling.k8s.io', version: 'v1', plural: 'priorityclasses', kind: 'PriorityClass', namespaced: false, subresources: [], protobuf: true },
    () => ({ value: 1000, description: 'hostile' })),
  kind({ group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false, subresources: ['status', 'finalize'], protobuf: true },
    () => ({})),
];

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(k: Pick<HostileKind, 'group' | 'version'>): string {
  return k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
}

/** The collection path of a kind, in `namespace` when it is namespaced. */
export function collectionPath(k: HostileKind, namespace: string): string {
  return k.namespaced ? `${groupVersionPath(k)}/namespaces/${namespace}/${k.plural}` : `${groupVersionPath(k)}/${k.plural}`;
}

export function keepName(i: number): string {
  return `keep-${i}`;
}

export function seedName(k: HostileKind, i: number): string {
  return k.namespaced ? `seed-${i}` : `${CLUSTER_PREFIX}seed-${i}`;
}
