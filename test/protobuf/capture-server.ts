/**
 * A tiny API server for capturing what kubectl sends: minimal discovery for
 * the groups the generators touch, `/openapi/v3` → `{"paths":{}}`, a GET of
 * deployment `default/web` (for `kubectl autoscale`), and every POST recorded
 * and answered 201 with the object (decoded from protobuf when needed).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeKubernetesProtobuf } from '../../src/api/protobuf/index.js';

export interface CapturedRequest {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

interface Res { name: string; kind: string; namespaced: boolean; verbs: string[]; shortNames?: string[] }

const V = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

const RESOURCES: Record<string, Res[]> = {
  'v1': [
    { name: 'namespaces', kind: 'Namespace', namespaced: false, verbs: V, shortNames: ['ns'] },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: V, shortNames: ['cm'] },
    { name: 'secrets', kind: 'Secret', namespaced: true, verbs: V },
    { name: 'services', kind: 'Service', namespaced: true, verbs: V, shortNames: ['svc'] },
    { name: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, verbs: V, shortNames: ['sa'] },
    { name: 'resourcequotas', kind: 'ResourceQuota', namespaced: true, verbs: V, shortNames: ['quota'] },
    { name: 'pods', kind: 'Pod', namespaced: true, verbs: V, shortNames: ['po'] },
  ],
  'apps/v1': [
    { name: 'deployments', kind: 'Deployment', namespaced: true, verbs: V, shortNames: ['deploy'] },
    { name: 'deployments/scale', kind: 'Scale', namespaced: true, verbs: ['get', 'patch', 'update'] },
    { name: 'replicasets', kind: 'ReplicaSet', namespaced: true, verbs: V, shortNames: ['rs'] },
  ],
  'batch/v1': [
    { name: 'jobs', kind: 'Job', namespaced: true, verbs: V },
    { name: 'cronjobs', kind: 'CronJob', namespaced: true, verbs: V, shortNames: ['cj'] },
  ],
  'rbac.authorization.k8s.io/v1': [
    { name: 'roles', kind: 'Role', namespaced: true, verbs: V },
    { name: 'clusterroles', kind: 'ClusterRole', namespaced: false, verbs: V },
    { name: 'rolebindings', kind: 'RoleBinding', namespaced: true, verbs: V },
    { name: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false, verbs: V },
  ],
  'scheduling.k8s.io/v1': [{ name: 'priorityclasses', kind: 'PriorityClass', namespaced: false, verbs: V, shortNames: ['pc'] }],
  'policy/v1': [{ name: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true, verbs: V, shortNames: ['pdb'] }],
  'networking.k8s.io/v1': [{ name: 'ingresses', kind: 'Ingress', namespaced: true, verbs: V, shortNames: ['ing'] }],
  'autoscaling/v2': [{ name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, verbs: V, shortNames: ['hpa'] }],
  'autoscaling/v1': [{ name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, verbs: V, shortNames: ['hpa'] }],
  'authorization.k8s.io/v1': [
    { name: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'] },
    { name: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', namespaced: false, verbs: ['create'] },
  ],
};

function groupList(hidden: ReadonlySet<string>): unknown {
  const groups = new Map<string, string[]>();
  for (const gv of Object.keys(RESOURCES)) {
    if (!gv.includes('/') || hidden.has(gv)) continue;
    const [g, v] = gv.split('/');
    groups.set(g, [...(groups.get(g) ?? []), v]);
  }
  return {
    kind: 'APIGroupList', apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => ({
      name, versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

export const WEB_DEPLOYMENT = {
  kind: 'Deployment', apiVersion: 'apps/v1',
  metadata: { name: 'web', namespace: 'default', uid: '1', resourceVersion: '1', creationTimestamp: '2024-01-02T03:04:05Z', labels: { app: 'web' } },
  spec: {
    replicas: 2, selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
  },
};

export interface CaptureServer {
  url: string;
  /** Every POST, in order. */
  requests: CapturedRequest[];
  close(): Promise<void>;
}

function send(res: ServerResponse, code: number, obj: unknown): void {
  const text = JSON.stringify(obj);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function handle(req: IncomingMessage, body: Buffer, res: ServerResponse, requests: CapturedRequest[], hidden: ReadonlySet<string>): void {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET') {
    if (path === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (path === '/apis') return send(res, 200, groupList(hidden));
    if (path === '/openapi/v3') return send(res, 200, { paths: {} });
    if (path === '/version') return send(res, 200, { major: '1', minor: '35', gitVersion: 'v1.35.0-k8ts' });
    const gv = path === '/api/v1' ? 'v1' : path.startsWith('/apis/') ? path.slice('/apis/'.length) : '';
    if (RESOURCES[gv] && !hidden.has(gv)) return send(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: RESOURCES[gv] });
    if (path === '/apis/apps/v1/namespaces/default/deployments/web') return send(res, 200, WEB_DEPLOYMENT);
    return send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` });
  }
  const contentType = String(req.headers['content-type'] ?? '');
  requests.push({ method: req.method ?? '', path, contentType, body });
  let obj: Record<string, unknown>;
  try {
    obj = contentType.startsWith('application/vnd.kubernetes.protobuf')
      ? decodeKubernetesProtobuf(body).object
      : JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    return send(res, 400, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', code: 400, message: String(err) });
  }
  if (obj.kind === 'SelfSubjectAccessReview') obj = { ...obj, status: { allowed: true } };
  send(res, 201, obj);
}

/**
 * Starts the server on 127.0.0.1 and an ephemeral port.
 * @param opts.hide group versions left out of discovery (e.g. `autoscaling/v2`) @default []
 */
export async function startCaptureServer(opts: { hide?: readonly string[] } = {}): Promise<CaptureServer> {
  const hidden = new Set(opts.hide ?? []);
  const requests: CapturedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks), res, requests, hidden));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
