/**
 * The Statuses a failed patch becomes, as the apiserver's patch handler
 * (k8s.io/apiserver/pkg/endpoints/handlers/patch.go) reports them.
 */
import { StatusError, badRequest } from '../errors.js';

/**
 * 422 from `errors.NewGenericServerResponse(422, ...)`: a patch that decoded but
 * cannot be applied (JSON patch op failed, list of lists, retainKeys mismatch).
 * The detail travels as a cause of type UnexpectedServerResponse.
 */
export function patchRejected(detail: string, cause?: unknown): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    details: { causes: [{ reason: 'UnexpectedServerResponse', message: detail }] },
    cause,
  });
}

/** 400: a patch document that cannot be decoded or is malformed. */
export function patchMalformed(detail: string): StatusError {
  return badRequest(detail);
}

/** 413: more than 10000 JSON patch operations (upstream's maxJSONPatchOperations). */
export function tooManyPatchOperations(max: number, got: number): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge',
    `The allowed maximum operations in a JSON patch is ${max}, got ${got}`);
}
