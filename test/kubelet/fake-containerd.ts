/**
 * A stand-in for the containerd binary in supervisor tests: takes
 * containerd's flags, serves CRI Version on the -a socket, logs a line to
 * stdout. FAKE_CONTAINERD=exit makes it exit 3 at once, =ignore-term makes
 * it ignore SIGTERM, =slow waits 1 s before serving.
 */
import { rmSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { runtimeMethod } from '../../src/kubelet/runtime/cri/proto.js';

type Obj = Record<string, unknown>;

const args = process.argv.slice(2);
const socket = args[args.indexOf('-a') + 1]!;
const mode = process.env['FAKE_CONTAINERD'] ?? '';
process.stdout.write(`fake containerd ${args.join(' ')}\n`);
if (mode === 'exit') {
  process.stderr.write('fatal: told to exit\n');
  process.exit(3);
}
if (mode === 'ignore-term') process.on('SIGTERM', () => process.stdout.write('ignoring SIGTERM\n'));
else process.on('SIGTERM', () => process.exit(0));

const m = runtimeMethod<Obj, Obj>('Version');
const server = new grpc.Server();
server.addService({
  Version: {
    path: m.path, requestStream: false, responseStream: false,
    requestSerialize: m.request.serialize, requestDeserialize: m.request.deserialize,
    responseSerialize: m.response.serialize, responseDeserialize: m.response.deserialize,
  },
}, {
  Version: (_call: grpc.ServerUnaryCall<Obj, Obj>, cb: grpc.sendUnaryData<Obj>) => {
    cb(null, { version: '0.1.0', runtimeName: 'fake', runtimeVersion: String(process.pid), runtimeApiVersion: 'v1' });
  },
});
setTimeout(() => {
  rmSync(socket, { force: true });
  server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) => {
    if (err) { process.stderr.write(`${err.message}\n`); process.exit(1); }
  });
}, mode === 'slow' ? 1000 : 0);
