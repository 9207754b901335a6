/**
 * `k8ts server`: flags, then wiring of the store, the PKI, the API server and
 * the admin kubeconfig. Signals stop it cleanly.
 */
import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { createLogger } from '../api/log.js';
import { openStore } from '../storage/index.js';
import { ensurePki, writeKubeconfig } from '../apiserver/pki/index.js';
import { ApiServer } from '../apiserver/server.js';
import { CORE_STRATEGIES } from '../apiserver/registry/core/index.js';
import { GROUP_STRATEGIES, CONVERSIONS } from '../apiserver/registry/groups.js';
import { admitPod } from '../api/defaults/pod.js';
import { RestClient } from '../client/index.js';
import { register as globalMetrics } from 'prom-client';
import { startControllerManager, type ControllerManagerConfig, type EndpointSliceConfig } from '../controllers/index.js';

const HELP = `Usage: k8ts server [flags]

Flags:
  --data-dir DIR                     State, certificates and kubeconfig (default /var/lib/k8ts as root, else ~/.k8ts)
  --secure-port N                    HTTPS port (default 6443; 0 picks a free port)
  --bind-address A                   Address to listen on (default 0.0.0.0)
  --datastore sqlite|memory          Store backend (default sqlite)
  --service-cluster-ip-range CIDR    Service IP range (default 10.43.0.0/16)
  --tls-san NAME                     Extra serving certificate SAN (repeatable)
  --write-kubeconfig PATH            Also write the admin kubeconfig here
  --history-retention DURATION       Store history kept for watches (default 5m)
  --sqlite-synchronous full|normal   (or K8TS_SQLITE_SYNCHRONOUS) full: every write fsynced (survives power loss); normal: survives
                                     kill -9, faster, may lose the last writes on power loss (default full)
  --min-request-timeout SECONDS      Watches end after a random time in [N, 2N] s (default 1800)
  --default-watch-cache-size N       Events kept per resource for resuming watches (default 10000)
  --max-requests-inflight N          Non-watch requests served at once before 429 (default 800)
  --max-watch-buffer-bytes N         A watcher this far behind is closed and relists (default 16777216)
  --controllers LIST                 Controllers to run, comma-separated: * for all, NAME to add, -NAME to remove (default *)
  --disable-controllers              Serve the API only: no controllers (for testing your own controllers, as envtest does)
  --max-endpoints-per-slice N        Endpoints in one EndpointSlice before another is made (default 100)
  --leader-elect BOOL                Run the controllers only while holding their Lease in kube-system (default true)
`;

export function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/k8ts' : join(homedir(), '.k8ts');
}

function parseDuration(s: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(s);
  if (!m) throw new Error(`invalid duration ${JSON.stringify(s)} (want e.g. 90s, 5m, 1h)`);
  const n = Number(m[1]);
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/** The controller manager that runs with the server; its controllers are clients of the API, like any other. */
function startControllers(kubeconfig: string, controllers: string[] | undefined, leaderElect: boolean,
  config: Partial<ControllerManagerConfig> & Partial<EndpointSliceConfig> = {}): { stop(): Promise<void> } {
  const client = RestClient.fromKubeconfig(kubeconfig, { component: 'kube-controller-manager' });
  // Every shared informer holds one connection for its watch: they get a pool of their own.
  const informerClient = RestClient.fromKubeconfig(kubeconfig, { component: 'kube-controller-manager', maxSockets: 256 });
  const manager = startControllerManager({
    client, informerClient, logger: createLogger('kube-controller-manager'), leaderElect,
    ...(controllers ? { controllers } : {}),
    config,
  });
  return {
    stop: async () => {
      await manager.stop();
      client.close();
      informerClient.close();
    },
  };
}

function parseBool(flag: string, v: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new Error(`invalid --${flag} ${JSON.stringify(v)}: want true or false`);
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`invalid --${flag} ${JSON.stringify(v)}: want a positive integer`);
  return n;
}

export async function runServer(argv: string[]): Promise<number> {
  const started = performance.now();
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      'secure-port': { type: 'string' },
      'bind-address': { type: 'string' },
      datastore: { type: 'string' },
      'service-cluster-ip-range': { type: 'string' },
      'tls-san': { type: 'string', multiple: true },
      'write-kubeconfig': { type: 'string' },
      'history-retention': { type: 'string' },
      'sqlite-synchronous': { type: 'string' },
      'min-request-timeout': { type: 'string' },
      'default-watch-cache-size': { type: 'string' },
      'max-requests-inflight': { type: 'string' },
      'max-watch-buffer-bytes': { type: 'string' },
      'disable-controllers': { type: 'boolean' },
      controllers: { type: 'string' },
      'leader-elect': { type: 'string' },
      'max-endpoints-per-slice': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const log = createLogger('apiserver');
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const securePort = Number(values['secure-port'] ?? 6443);
  if (!Number.isInteger(securePort) || securePort < 0 || securePort > 65535) throw new Error(`invalid --secure-port ${values['secure-port']}`);
  const backend = values.datastore ?? 'sqlite';
  if (backend !== 'sqlite' && backend !== 'memory') throw new Error(`invalid --datastore ${backend}: want sqlite or memory`);
  const leaderElect = parseBool('leader-elect', values['leader-elect'] ?? 'true');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const pki = await ensurePki(dataDir, { sans: values['tls-san'] ?? [] });
  const sync = values['sqlite-synchronous'] ?? process.env['K8TS_SQLITE_SYNCHRONOUS'] ?? 'full';
  if (sync !== 'full' && sync !== 'normal') throw new Error(`invalid --sqlite-synchronous ${sync}: want full or normal`);
  const store = await openStore({
    backend, dataDir, sqliteSynchronous: sync,
    ...(values['history-retention'] ? { historyRetentionMs: parseDuration(values['history-retention']) } : {}),
  });
  const server = new ApiServer({
    store,
    tls: { certPem: pki.serving.certPem, keyPem: pki.serving.keyPem, caPem: pki.ca.certPem },
    securePort,
    bindAddress: values['bind-address'] ?? '0.0.0.0',
    serviceCidr: values['service-cluster-ip-range'] ?? '10.43.0.0/16',
    strategies: { ...CORE_STRATEGIES, ...GROUP_STRATEGIES },
    conversions: CONVERSIONS,
    admitPod: (pod) => admitPod(pod as Parameters<typeof admitPod>[0]),
    logger: log,
    extraMetrics: [globalMetrics],
    ...(values['min-request-timeout'] ? { minRequestTimeoutSeconds: positiveInt('min-request-timeout', values['min-request-timeout']) } : {}),
    ...(values['default-watch-cache-size'] ? { watchCacheSize: positiveInt('default-watch-cache-size', values['default-watch-cache-size']) } : {}),
    ...(values['max-watch-buffer-bytes'] ? { maxWatchBufferBytes: positiveInt('max-watch-buffer-bytes', values['max-watch-buffer-bytes']) } : {}),
    ...(values['max-requests-inflight'] ? { maxInFlight: positiveInt('max-requests-inflight', values['max-requests-inflight']) } : {}),
  });
  const { port } = await server.start();
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  const kc = { server: `https://127.0.0.1:${port}`, caPem: pki.ca.certPem, certPem: pki.adminClient.certPem, keyPem: pki.adminClient.keyPem };
  await writeKubeconfig(kubeconfig, kc);
  if (values['write-kubeconfig']) await writeKubeconfig(resolve(values['write-kubeconfig']), kc);
  const controllers = values['disable-controllers'] ? undefined
    : startControllers(kubeconfig, values.controllers?.split(',').map((c) => c.trim()).filter(Boolean), leaderElect, {
      ...(values['max-endpoints-per-slice'] ? { maxEndpointsPerSlice: positiveInt('max-endpoints-per-slice', values['max-endpoints-per-slice']) } : {}),
    });
  log.info({ port, dataDir, datastore: backend, kubeconfig, startupMs: Math.round(performance.now() - started) }, 'k8ts server ready');

  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (sig: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal: sig }, 'shutting down');
      (controllers?.stop() ?? Promise.resolve())
        .then(() => server.stop())
        .then(() => store.close())
        .finally(() => resolveStop());
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
