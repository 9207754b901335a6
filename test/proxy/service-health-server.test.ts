/** healthCheckNodePort servers (compat §1.6): status, headers and the tab-indented body; port changes; a port in use is reported. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { ServiceHealthServer } from '../../src/proxy/healthcheck/service-health-server.js';
import { freePort } from '../harness/free-port.js';

test('503 without local endpoints, 200 with, on any path; the body as upstream prints it', async () => {
  let healthy = true;
  const hs = new ServiceHealthServer({ bindAddress: '127.0.0.1', proxyHealthy: () => healthy });
  const port = await freePort('127.0.0.1');
  try {
    await hs.syncServices(new Map([['ns1/web', port]]));
    let res = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await res.text(), '{\n\t"service": {\n\t\t"namespace": "ns1",\n\t\t"name": "web"\n\t},\n\t"localEndpoints": 0,\n\t"serviceProxyHealthy": true\n}');
    hs.syncEndpoints(new Map([['ns1/web', 2]]));
    res = await fetch(`http://127.0.0.1:${port}/any/path`);
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(await res.text()) as { localEndpoints: number }).localEndpoints, 2);
    healthy = false;
    res = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(res.status, 503, 'an unhealthy proxy answers 503 even with local endpoints');
    assert.equal((JSON.parse(await res.text()) as { serviceProxyHealthy: boolean }).serviceProxyHealthy, false);

    const moved = await freePort('127.0.0.1');
    await hs.syncServices(new Map([['ns1/web', moved]]));
    assert.deepEqual([...hs.ports()], [['ns1/web', moved]]);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'the old port is closed');
    await hs.syncServices(new Map());
    assert.equal(hs.ports().size, 0);
  } finally {
    await hs.close();
  }
});

test('a port in use is reported, not thrown, and other services still get their servers', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  const busyPort = (busy.address() as { port: number }).port;
  const reported: string[] = [];
  const hs = new ServiceHealthServer({ bindAddress: '127.0.0.1', onListenError: (key, port, err) => reported.push(`${key} ${port} ${(err as NodeJS.ErrnoException).code}`) });
  const free = await freePort('127.0.0.1');
  try {
    await hs.syncServices(new Map([['ns/a', busyPort], ['ns/b', free]]));
    assert.deepEqual(reported, [`ns/a ${busyPort} EADDRINUSE`]);
    assert.deepEqual([...hs.ports()], [['ns/b', free]]);
  } finally {
    await hs.close();
    busy.close();
  }
});
