/**
 * Test helper (not a test file): a plain node:http server that serves the
 * OpenApiService and, optionally, legacy discovery for apps/v1 deployments
 * and v1 pods, which is all `kubectl explain deployment` needs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OpenApiService } from '../../src/apiserver/openapi/index.js';

export interface TestServer {
  url: string;
  port: number;
  /** Every request seen, as `METHOD path?query accept`. */
  requests: string[];
  close(): Promise<void>;
}

export async function serve(service: OpenApiService, opts: { discovery?: boolean } = {}): Promise<TestServer> {
  const requests: string[] = [];
  let port = 0;
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''} ${req.headers.accept ?? ''}`);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (service.handle(req, res, path)) return;
    const json = (code: number, body: unknown): void => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (opts.discovery) {
      switch (path) {
        case '/api':
          return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }] });
        case '/apis':
          return json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{
            name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
          }] });
        case '/api/v1':
          return json(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [
            { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'] },
          ] });
        case '/apis/apps/v1':
          return json(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1', resources: [
            { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['deploy'] },
          ] });
        case '/version':
          return json(200, { major: '1', minor: '33', gitVersion: 'v1.33.0+k8ts', platform: 'linux/amd64' });
        default:
          break;
      }
    }
    json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
