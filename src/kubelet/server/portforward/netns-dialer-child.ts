/**
 * The child half of NetnsDialer: started by `nsenter --net=<path>` inside a
 * pod's network namespace, it dials localhost ports there on request and
 * hands each connected socket to the parent over the IPC channel. A socket
 * made here stays in this namespace wherever its descriptor goes.
 */
import { dialLocalhost } from './localhost-dial.js';

process.on('message', (m: { id: number; port: number }) => {
  dialLocalhost(m.port).then(
    (s) => { process.send!({ id: m.id }, s); },
    (e: Error) => { process.send!({ id: m.id, error: e.message }); },
  );
});
// The kubelet is gone, or let go of this namespace.
process.on('disconnect', () => process.exit(0));
