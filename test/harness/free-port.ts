/**
 * A TCP port that was free a moment ago, on `host` (default all addresses):
 * for flags that need a number up front (a kubelet or registry port).
 */
import { createServer, type AddressInfo } from 'node:net';

export function freePort(host = '0.0.0.0'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().once('error', reject).listen(0, host, () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
