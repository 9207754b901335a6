/** containerd's own gRPC methods (content, images, leases), from the .proto files beside this one. */
import type protobuf from 'protobufjs';
import { loadProtos } from '../../grpc/codec.js';
import { method, type Method } from '../../grpc/connection.js';

let root: protobuf.Root | undefined;

export function containerdMethod<Req, Res>(service: 'content' | 'images' | 'leases', name: string): Method<Req, Res> {
  root ??= loadProtos(['descriptor', 'content', 'images', 'leases'].map((f) => new URL(`./${f}.proto`, import.meta.url)));
  const svc = { content: 'Content', images: 'Images', leases: 'Leases' }[service];
  return method<Req, Res>(root, `containerd.services.${service}.v1.${svc}`, name);
}
