/**
 * The CRI v1 methods, decoded from ./api.proto (copied beside the compiled
 * code by the build) on first use.
 */
import type protobuf from 'protobufjs';
import { loadProtos } from '../../grpc/codec.js';
import { method, type Method } from '../../grpc/connection.js';

let root: protobuf.Root | undefined;

function criRoot(): protobuf.Root {
  return root ??= loadProtos([new URL('./api.proto', import.meta.url)]);
}

export function runtimeMethod<Req, Res>(name: string): Method<Req, Res> {
  return method<Req, Res>(criRoot(), 'runtime.v1.RuntimeService', name);
}

export function imageMethod<Req, Res>(name: string): Method<Req, Res> {
  return method<Req, Res>(criRoot(), 'runtime.v1.ImageService', name);
}
