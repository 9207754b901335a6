/**
 * A failed gRPC call, typed: the status code (numeric and by name), the
 * server's message, and the method that failed. Callers branch on `code`
 * (NotFound, AlreadyExists, Unavailable, DeadlineExceeded, ...), never on
 * message text.
 */
import { status as Status } from '@grpc/grpc-js';

/** gRPC status names, as in google.golang.org/grpc/codes. */
export type GrpcCodeName =
  | 'OK' | 'Canceled' | 'Unknown' | 'InvalidArgument' | 'DeadlineExceeded' | 'NotFound'
  | 'AlreadyExists' | 'PermissionDenied' | 'ResourceExhausted' | 'FailedPrecondition'
  | 'Aborted' | 'OutOfRange' | 'Unimplemented' | 'Internal' | 'Unavailable' | 'DataLoss'
  | 'Unauthenticated';

const NAMES: readonly GrpcCodeName[] = [
  'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound',
  'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition',
  'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss',
  'Unauthenticated',
];

export class GrpcError extends Error {
  override readonly name = 'GrpcError';
  /** The numeric gRPC status code. */
  readonly code: number;
  readonly codeName: GrpcCodeName;
  /** The server's message (grpc `details`), without the method or code. */
  readonly details: string;
  /** The full method path, e.g. /runtime.v1.RuntimeService/StartContainer. */
  readonly method: string;

  constructor(method: string, code: number, details: string, opts: { cause?: unknown } = {}) {
    const codeName = NAMES[code] ?? 'Unknown';
    super(`${method}: ${codeName}: ${details}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.codeName = codeName;
    this.details = details;
    this.method = method;
  }
}

/** Wraps whatever a grpc-js call failed with; a non-gRPC failure becomes Unknown. */
export function toGrpcError(method: string, err: unknown): GrpcError {
  if (err instanceof GrpcError) return err;
  const e = err as { code?: unknown; details?: unknown; message?: unknown };
  const code = typeof e?.code === 'number' ? e.code : Status.UNKNOWN;
  const details = typeof e?.details === 'string' && e.details !== '' ? e.details
    : typeof e?.message === 'string' ? e.message : String(err);
  return new GrpcError(method, code, details, { cause: err });
}

export function isGrpcCode(err: unknown, name: GrpcCodeName): err is GrpcError {
  return err instanceof GrpcError && err.codeName === name;
}

export const isNotFound = (err: unknown): err is GrpcError => isGrpcCode(err, 'NotFound');
export const isAlreadyExists = (err: unknown): err is GrpcError => isGrpcCode(err, 'AlreadyExists');
