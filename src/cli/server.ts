/**
 * `k8ts server`: flags, then wiring of the store, the PKI, the join token,
 * the API server, the admin kubeconfig, the control plane threads and, as
 * k3s does, an agent for the server's own node. Signals stop it cleanly.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { createLogger } from '../api/log.js';
import { openStore } from '../storage/index.js';
import { ensurePki, issueKubeletClientCertificate, issueKubeletServingCertificate, writeKubeconfig } from '../apiserver/pki/index.js';
import { ensureTokenFile, joinSecretOf } from '../apiserver/authn/index.js';
import { isIP } from 'node:net';
import { defaultHostIP, missingNodeRequirements } from '../kubelet/index.js';
import { ApiServer } from '../apiserver/server.js';
import { CORE_STRATEGIES } from '../apiserver/registry/core/index.js';
import { GROUP_STRATEGIES, CONVERSIONS } from '../apiserver/registry/groups.js';
import { admitPod } from '../api/defaults/pod.js';
import { nonNegativeInt, oneOf, parseBool, parseDuration, port as parsePort, positiveInt } from './flags.js';
import { parseFlags } from './parse-flags.js';
import { parseControllersFlag } from './controllers-flag.js';
import { NODE_IPAM_FLAGS, NODE_IPAM_FLAGS_HELP, nodeIpamConfig } from './node-ipam-flags.js';
import { disables, parseDisableCloudFlag, parseDisableFlag } from './disable-flag.js';
import { PROXY_FLAGS, PROXY_FLAGS_HELP, proxyModeOf } from './proxy-flags.js';
import { startComponentThread, type ComponentSpec, type ComponentThread } from './component-thread.js';
import type { ControllerManagerConfig } from '../controllers/index.js';
import { installProcessGuard } from './process-guard.js';
import { startAgent, type RunningAgent } from './agent.js';
import { NODE_FLAGS, NODE_FLAGS_HELP, flannelFlagValues, nodeFlagValues, type NodeFlagValues } from './node-flags.js';
import { UsageError } from './usage-error.js';

/** The labels k3s puts on a server's node (pkg/agent/run.go). */
const SERVER_NODE_LABELS = { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' };

const HELP = `Usage: k8ts server [flags]

Runs the control plane and, as root, a node of its own (as \`k8ts agent\`
does, with the node flags below; its state under <data-dir>/agent). Other
nodes join with \`k8ts agent --server https://HOST:PORT --token TOKEN\`, the
token being in <data-dir>/token.

Flags:
  --data-dir DIR                     State, certificates and kubeconfig (default /var/lib/k8ts as root, else ~/.k8ts)
  --secure-port N                    HTTPS port (default 6443; 0 picks a free port)
  --bind-address A                   Address to listen on (default 0.0.0.0)
  --advertise-address IP             The address pods reach the API server at through the \`kubernetes\` Service, and the
                                     cluster DNS listens on (default --node-ip, else the default route's interface address)
  --cluster-dns-port N               The cluster DNS's port on --advertise-address, behind the kube-dns Service's port 53
                                     (default 10053)
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
  --disable ITEM                     Do not run a packaged component (repeatable; valid items: local-storage, servicelb, coredns)
  --disable-controllers              Serve the API only: no controllers and no scheduler (for testing your own controllers, as envtest does)
  --disable-scheduler                Do not run the scheduler
  --disable-cloud-controller         Do not run the cloud controller manager (LoadBalancer Services on the nodes' addresses)
  --scheduler-config FILE            KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1, YAML or JSON) for the scheduler
  --max-endpoints-per-slice N        Endpoints in one EndpointSlice before another is made (default 100)
  --leader-elect BOOL                Run the controllers only while holding their Lease in kube-system (default true)
  --node-monitor-grace-period DURATION  A node whose Lease is not renewed for this long becomes NotReady/Unknown (default 40s)
  --node-monitor-period DURATION     How often the node lifecycle controller checks nodes (default 5s)
${NODE_IPAM_FLAGS_HELP}  --default-not-ready-toleration-seconds N    tolerationSeconds of the not-ready NoExecute toleration added to pods (default 300)
  --default-unreachable-toleration-seconds N  tolerationSeconds of the unreachable NoExecute toleration added to pods (default 300)
  --simulated-nodes N                Register N simulated nodes (sim-node-0 ...) that run pods as kwok does (default 0);
                                     their podCIDRs come from --cluster-cidr (a /16 holds 256 /24s)
  --sim-heartbeat-interval DURATION  Lease renewal period of the simulated nodes (default 10s)
  --token SECRET                     The secret of the join token (default: random, kept in <data-dir>/token)
  --disable-agent                    Run the control plane only, no node of its own (the default when not root)
${NODE_FLAGS_HELP}  --flannel-backend NAME             The own node's pod routes to the other nodes: vxlan (default), host-gw, or none
${PROXY_FLAGS_HELP}`;

export function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/k8ts' : join(homedir(), '.k8ts');
}

export async function runServer(argv: string[]): Promise<number> {
  const started = performance.now();
  const { values } = parseFlags({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      'secure-port': { type: 'string' },
      'bind-address': { type: 'string' },
      'advertise-address': { type: 'string' },
      'cluster-dns-port': { type: 'string' },
      'flannel-backend': { type: 'string' },
      ...PROXY_FLAGS,
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
      disable: { type: 'string', multiple: true },
      'disable-controllers': { type: 'boolean' },
      'disable-scheduler': { type: 'boolean' },
      'disable-cloud-controller': { type: 'boolean' },
      'scheduler-config': { type: 'string' },
      controllers: { type: 'string' },
      'leader-elect': { type: 'string' },
      'node-monitor-grace-period': { type: 'string' },
      'node-monitor-period': { type: 'string' },
      ...NODE_IPAM_FLAGS,
      'default-not-ready-toleration-seconds': { type: 'string' },
      'default-unreachable-toleration-seconds': { type: 'string' },
      'simulated-nodes': { type: 'string' },
      'sim-heartbeat-interval': { type: 'string' },
      'max-endpoints-per-slice': { type: 'string' },
      token: { type: 'string' },
      'disable-agent': { type: 'boolean' },
      ...NODE_FLAGS,
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
  const securePort = parsePort('secure-port', values['secure-port'] ?? '6443');
  const backend = oneOf('datastore', values.datastore ?? 'sqlite', ['sqlite', 'memory']);
  const leaderElect = parseBool('leader-elect', values['leader-elect'] ?? 'true');
  const controllerConfig: Partial<ControllerManagerConfig> = {
    ...nodeIpamConfig(values, values['service-cluster-ip-range'] ?? '10.43.0.0/16'),
    ...(values['max-endpoints-per-slice'] ? { maxEndpointsPerSlice: positiveInt('max-endpoints-per-slice', values['max-endpoints-per-slice']) } : {}),
    ...(values['node-monitor-grace-period'] ? { nodeMonitorGracePeriodMs: parseDuration(values['node-monitor-grace-period'], 'node-monitor-grace-period') } : {}),
    ...(values['node-monitor-period'] ? { nodeMonitorPeriodMs: parseDuration(values['node-monitor-period'], 'node-monitor-period') } : {}),
  };
  const tolerationSeconds = {
    ...(values['default-not-ready-toleration-seconds'] !== undefined
      ? { notReadyTolerationSeconds: nonNegativeInt('default-not-ready-toleration-seconds', values['default-not-ready-toleration-seconds']) } : {}),
    ...(values['default-unreachable-toleration-seconds'] !== undefined
      ? { unreachableTolerationSeconds: nonNegativeInt('default-unreachable-toleration-seconds', values['default-unreachable-toleration-seconds']) } : {}),
  };
  const sync = oneOf('sqlite-synchronous', values['sqlite-synchronous'] ?? process.env['K8TS_SQLITE_SYNCHRONOUS'] ?? 'full', ['full', 'normal']);
  const historyRetentionMs = values['history-retention'] ? parseDuration(values['history-retention'], 'history-retention') : undefined;
  const limits = {
    ...(values['min-request-timeout'] ? { minRequestTimeoutSeconds: positiveInt('min-request-timeout', values['min-request-timeout']) } : {}),
    ...(values['default-watch-cache-size'] ? { watchCacheSize: positiveInt('default-watch-cache-size', values['default-watch-cache-size']) } : {}),
    ...(values['max-watch-buffer-bytes'] ? { maxWatchBufferBytes: positiveInt('max-watch-buffer-bytes', values['max-watch-buffer-bytes']) } : {}),
    ...(values['max-requests-inflight'] ? { maxInFlight: positiveInt('max-requests-inflight', values['max-requests-inflight']) } : {}),
  };
  const disabled = parseDisableFlag(values.disable);
  const chosen = values.controllers !== undefined ? parseControllersFlag(values.controllers) : undefined;
  const controllers = chosen || disabled.length ? [...(chosen ?? ['*']), ...disabled] : undefined;
  const simCount = values['simulated-nodes'] ? nonNegativeInt('simulated-nodes', values['simulated-nodes']) : 0;
  const simHeartbeatMs = values['sim-heartbeat-interval'] ? parseDuration(values['sim-heartbeat-interval'], 'sim-heartbeat-interval') : undefined;
  const node = nodeFlagValues(values);
  const flannel = flannelFlagValues(values);
  const proxyMode = proxyModeOf(values);
  const advertiseAddress = values['advertise-address'] ?? node.nodeIP ?? defaultHostIP() ?? '127.0.0.1';
  if (!isIP(advertiseAddress)) throw new UsageError(`invalid --advertise-address ${JSON.stringify(advertiseAddress)}: want an IP address`);
  const clusterDnsPort = parsePort('cluster-dns-port', values['cluster-dns-port'] ?? '10053');
  let tokenSecret: string | undefined;
  if (values.token !== undefined) {
    try {
      tokenSecret = joinSecretOf(values.token);
    } catch (e) {
      throw new UsageError(`invalid --token: ${(e as Error).message}`);
    }
  }
  const withAgent = !values['disable-agent'] && agentCanRun(node, log);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  // The server's /metrics includes theirs; filled once they start.
  const components: ComponentThread[] = [];
  const pki = await ensurePki(dataDir, { sans: values['tls-san'] ?? [] });
  const { token } = await ensureTokenFile(dataDir, pki.ca.certPem, tokenSecret);
  const store = await openStore({
    backend, dataDir, sqliteSynchronous: sync, ...(historyRetentionMs !== undefined ? { historyRetentionMs } : {}),
  });
  const server = new ApiServer({
    store,
    tls: { certPem: pki.serving.certPem, keyPem: pki.serving.keyPem, caPem: pki.ca.certPem },
    securePort,
    bindAddress: values['bind-address'] ?? '0.0.0.0',
    advertiseAddress,
    serviceCidr: values['service-cluster-ip-range'] ?? '10.43.0.0/16',
    strategies: { ...CORE_STRATEGIES, ...GROUP_STRATEGIES },
    conversions: CONVERSIONS,
    admitPod: (pod) => admitPod(pod as Parameters<typeof admitPod>[0], tolerationSeconds),
    logger: log,
    extraMetrics: components,
    nodeJoin: {
      token,
      issueKubeletClientCertificate: (nodeName) => issueKubeletClientCertificate(pki.ca, nodeName),
      issueKubeletServingCertificate: (nodeName, ips) => issueKubeletServingCertificate(pki.ca, nodeName, ips),
    },
    // Kubelet serving certificates must verify against the cluster CA (as k3s's --kubelet-certificate-authority).
    kubeletClient: { certPem: pki.kubeletClient.certPem, keyPem: pki.kubeletClient.keyPem, caPem: pki.ca.certPem },
    ...limits,
  });
  installProcessGuard(log, server.metrics.uncaught);
  const { port } = await server.start();
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  const kc = { server: `https://127.0.0.1:${port}`, caPem: pki.ca.certPem, certPem: pki.adminClient.certPem, keyPem: pki.adminClient.keyPem };
  await writeKubeconfig(kubeconfig, kc);
  if (values['write-kubeconfig']) await writeKubeconfig(resolve(values['write-kubeconfig']), kc);
  // The controller manager and the scheduler share one thread; simulated nodes (a test load) get their own.
  const controlPlane: ComponentSpec[] = [];
  if (!values['disable-controllers']) {
    controlPlane.push({ name: 'controller-manager', args: { kubeconfig, leaderElect, config: controllerConfig, ...(controllers ? { controllers } : {}) } });
    if (!values['disable-scheduler']) {
      controlPlane.push({ name: 'scheduler', args: { kubeconfig, leaderElect, ...(values['scheduler-config'] ? { configPath: resolve(values['scheduler-config']) } : {}) } });
    }
    // As k3s: the built-in provider's cloud controller manager, in the same thread.
    const cloudControllers = parseDisableCloudFlag(values.disable);
    if (!values['disable-cloud-controller']) {
      controlPlane.push({ name: 'cloud-controller-manager', args: { kubeconfig, provider: 'k8ts', leaderElect, ...(cloudControllers.length ? { controllers: ['*', ...cloudControllers] } : {}) } });
    }
  }
  if (controlPlane.length > 0) components.push(startComponentThread(controlPlane));
  // The cluster DNS answers every pod's lookups: a thread of its own, off the API's and the controllers'.
  const clusterDNS = node.clusterDNS?.[0];
  if (!disables(values.disable, 'coredns') && clusterDNS) {
    const dnsThread = startComponentThread([{
      name: 'cluster-dns',
      args: {
        kubeconfig, host: advertiseAddress, port: clusterDnsPort, clusterIP: clusterDNS,
        clusterDomain: node.clusterDomain ?? 'cluster.local', resolvConf: node.resolvConf || '/etc/resolv.conf',
      },
    }]);
    // As a CoreDNS pod that cannot start: the cluster runs on, without names, and says why.
    await dnsThread.started.then(() => components.push(dnsThread), (err: unknown) => {
      log.error({ err: (err as Error).message, listen: `${advertiseAddress}:${clusterDnsPort}` },
        'cluster DNS not started (change --cluster-dns-port or --advertise-address, or --disable coredns)');
    });
  }
  // Simulated nodes are clients like any other; they register in the background and log when all are in.
  if (simCount > 0) {
    components.push(startComponentThread([{
      name: 'simulated-nodes',
      args: {
        kubeconfig, count: simCount, ...(simHeartbeatMs !== undefined ? { heartbeatIntervalMs: simHeartbeatMs } : {}),
      },
    }]));
  }
  await Promise.all(components.map((c) => c.started));
  // The server's own node, with a kubelet's identity (system:node:<name>), not the admin's.
  let agent: RunningAgent | undefined;
  if (withAgent) {
    const nodeCert = issueKubeletClientCertificate(pki.ca, node.nodeName);
    agent = await startAgent({
      // The kubelet server accepts the cluster's client certificates, as the API server's kubelet client will present.
      clientCaFile: join(pki.dir, 'server-ca.crt'),
      ...node, dataDir, nodeLabels: SERVER_NODE_LABELS, flannel,
      ...(proxyMode ? { proxy: { mode: proxyMode, clusterCidrs: [flannel.clusterCidr] } } : {}),
      connection: { server: kc.server, ca: Buffer.from(pki.ca.certPem), cert: Buffer.from(nodeCert.certPem), key: Buffer.from(nodeCert.keyPem) },
    });
  }
  log.info({
    port, dataDir, datastore: backend, kubeconfig, node: withAgent ? node.nodeName : null, startupMs: Math.round(performance.now() - started),
  }, 'k8ts server ready');
  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (sig: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal: sig }, 'shutting down');
      (agent?.stop() ?? Promise.resolve())
        .then(() => Promise.all(components.map((c) => c.stop())))
        .then(() => server.stop())
        .then(() => store.close())
        .finally(() => resolveStop());
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

/**
 * Whether this server can run its own node: not as non-root (one log line,
 * and the server goes on without it); as root, every node requirement must
 * be met, else it throws naming what is missing and --disable-agent.
 */
function agentCanRun(node: NodeFlagValues, log: ReturnType<typeof createLogger>): boolean {
  if (process.getuid?.() !== 0) {
    log.info('no node of its own: the agent needs root (run as root for one, or pass --disable-agent to say so)');
    return false;
  }
  // Another CRI runtime brings its own runc and CNI.
  const missing = node.containerRuntimeEndpoint ? [] : missingNodeRequirements();
  if (missing.length > 0) {
    throw new Error(`cannot run this server's node: missing ${missing.join('; ')}; install them, or pass --disable-agent for the control plane alone`);
  }
  return true;
}
