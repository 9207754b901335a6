/**
 * The CRI client: the kubelet's RuntimeService and ImageService contracts,
 * their gRPC implementation over a unix socket, and the message types.
 */
export type { RuntimeService, ImageService } from './services.js';
export type * from './types.js';
export { connectCri, waitForRuntime, CRI_API_VERSION, type CriClient, type ConnectOptions, type WaitOptions } from './connect.js';
export { GrpcError, isNotFound, isAlreadyExists, isGrpcCode, type GrpcCodeName } from '../../grpc/errors.js';
