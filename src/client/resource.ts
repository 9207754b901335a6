/**
 * Resource descriptors: how the client addresses a kind of object
 * (`{ group, version, resource, namespaced }`), and the URL paths built from
 * them, as upstream's GroupVersionResource plus scope.
 */

/** One resource of one group/version, as discovery names it. */
export interface ResourceDescriptor {
  /** API group; "" for the core (legacy) group served under /api. */
  readonly group: string;
  readonly version: string;
  /** Lower-case plural, the URL segment: `deployments`. */
  readonly resource: string;
  /** Whether objects live in namespaces (paths carry `/namespaces/<ns>`). */
  readonly namespaced: boolean;
}

/** Builds a descriptor for any group/version/resource (custom resources included). */
export function resourceDescriptor(group: string, version: string, resource: string,
  opts: { namespaced?: boolean } = {}): ResourceDescriptor {
  return Object.freeze({ group, version, resource, namespaced: opts.namespaced ?? true });
}

const ns = (group: string, version: string, resource: string): ResourceDescriptor =>
  resourceDescriptor(group, version, resource, { namespaced: true });
const cluster = (group: string, version: string, resource: string): ResourceDescriptor =>
  resourceDescriptor(group, version, resource, { namespaced: false });

/** The built-in resources components use most. */
export const RESOURCES = Object.freeze({
  pods: ns('', 'v1', 'pods'),
  services: ns('', 'v1', 'services'),
  endpoints: ns('', 'v1', 'endpoints'),
  configmaps: ns('', 'v1', 'configmaps'),
  secrets: ns('', 'v1', 'secrets'),
  serviceaccounts: ns('', 'v1', 'serviceaccounts'),
  events: ns('', 'v1', 'events'),
  persistentvolumeclaims: ns('', 'v1', 'persistentvolumeclaims'),
  replicationcontrollers: ns('', 'v1', 'replicationcontrollers'),
  resourcequotas: ns('', 'v1', 'resourcequotas'),
  limitranges: ns('', 'v1', 'limitranges'),
  podtemplates: ns('', 'v1', 'podtemplates'),
  namespaces: cluster('', 'v1', 'namespaces'),
  nodes: cluster('', 'v1', 'nodes'),
  persistentvolumes: cluster('', 'v1', 'persistentvolumes'),
  deployments: ns('apps', 'v1', 'deployments'),
  replicasets: ns('apps', 'v1', 'replicasets'),
  statefulsets: ns('apps', 'v1', 'statefulsets'),
  daemonsets: ns('apps', 'v1', 'daemonsets'),
  controllerrevisions: ns('apps', 'v1', 'controllerrevisions'),
  jobs: ns('batch', 'v1', 'jobs'),
  cronjobs: ns('batch', 'v1', 'cronjobs'),
  leases: ns('coordination.k8s.io', 'v1', 'leases'),
  endpointslices: ns('discovery.k8s.io', 'v1', 'endpointslices'),
  ingresses: ns('networking.k8s.io', 'v1', 'ingresses'),
  networkpolicies: ns('networking.k8s.io', 'v1', 'networkpolicies'),
  poddisruptionbudgets: ns('policy', 'v1', 'poddisruptionbudgets'),
  horizontalpodautoscalers: ns('autoscaling', 'v2', 'horizontalpodautoscalers'),
  roles: ns('rbac.authorization.k8s.io', 'v1', 'roles'),
  rolebindings: ns('rbac.authorization.k8s.io', 'v1', 'rolebindings'),
  clusterroles: cluster('rbac.authorization.k8s.io', 'v1', 'clusterroles'),
  clusterrolebindings: cluster('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings'),
  storageclasses: cluster('storage.k8s.io', 'v1', 'storageclasses'),
  priorityclasses: cluster('scheduling.k8s.io', 'v1', 'priorityclasses'),
} satisfies Record<string, ResourceDescriptor>);

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/**
 * The path of a collection (no name) or of one object, optionally a
 * subresource of it. `namespace` is ignored for cluster-scoped resources and,
 * when omitted for a namespaced one, addresses all namespaces (list/watch).
 */
export function resourcePath(res: ResourceDescriptor,
  opts: { namespace?: string; name?: string; subresource?: string } = {}): string {
  let p = groupVersionPath(res.group, res.version);
  if (res.namespaced && opts.namespace) p += `/namespaces/${encodeURIComponent(opts.namespace)}`;
  p += `/${res.resource}`;
  if (opts.name !== undefined) {
    if (opts.name === '') throw new Error(`resource name may not be empty (${res.resource})`);
    p += `/${encodeURIComponent(opts.name)}`;
    if (opts.subresource) p += `/${opts.subresource}`;
  }
  return p;
}

/** `apps/v1` or `v1`. */
export function apiVersionOf(res: Pick<ResourceDescriptor, 'group' | 'version'>): string {
  return res.group ? `${res.group}/${res.version}` : res.version;
}
