/**
 * The cluster DNS server alone in a process, for bench/dns.ts (which pins it
 * to one core with taskset). Prints one JSON line `{"ready":true,"port":N}`
 * once its informers have synced; stops on SIGTERM.
 *
 *   node dist/bench/dns-server-process.js --kubeconfig PATH [--port N] [--host 127.0.0.1]
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../src/api/log.js';
import { RestClient } from '../src/client/index.js';
import { startClusterDns } from '../src/dns/index.js';

const { values } = parseArgs({ options: { kubeconfig: { type: 'string' }, port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } } });
if (!values.kubeconfig) throw new Error('--kubeconfig is required');
const stop = new AbortController();
const dns = await startClusterDns({
  client: RestClient.fromKubeconfig(values.kubeconfig, { component: 'dns-bench' }),
  listen: { host: values.host!, port: Number(values.port) }, clusterDomain: 'cluster.local', upstreams: [],
  log: createLogger('dns', { level: 'warn' }), signal: stop.signal,
});
if (!(await dns.synced)) throw new Error('informers did not sync');
process.stdout.write(JSON.stringify({ ready: true, port: dns.port }) + '\n');
process.once('SIGTERM', () => { stop.abort(); void dns.stop().then(() => process.exit(0)); });
