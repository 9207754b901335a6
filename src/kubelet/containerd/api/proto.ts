/** containerd's own gRPC methods (content, images, leases), from the .proto files beside this one. */
import type protobuf from 'protobufjs';
import { loadProtos } from '../../grpc/codec.js';
import { method, type Method } from '../../grpc/connection.js';

let root: protobuf.Root | undefined;
const methods = new Map<string, Method<unknown, unknown>>();

/** The method `name` of a containerd service, resolved once. */
export function containerdMethod<Req, Res>(service: 'content' | 'images' | 'leases', name: string): Method<Req, Res> {
  const key = `${service}/${name}`;
  let m = methods.get(key);
  if (!m) {
    root ??= loadProtos(['descriptor', 'content', 'images', 'leases'].map((f) => new URL(`./${f}.proto`, import.meta.url)));
    const svc = { content: 'Content', images: 'Images', leases: 'Leases' }[service];
    m = method<unknown, unknown>(root, `containerd.services.${service}.v1.${svc}`, name);
    methods.set(key, m);
  }
  return m as Method<Req, Res>;
}
