/**
 * A manifest's bytes to the static pods they describe (upstream's
 * pkg/kubelet/config/common.go tryDecodeSinglePod / tryDecodePodList): YAML
 * or JSON, one v1 Pod (a URL may also serve a v1 PodList); type-checked as
 * the API server's decode would, defaulted as the API server would, given
 * the kubelet's static pod defaults, then validated.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parse as parseYaml } from 'yaml';
import { decodeWalk, definitionNode, unmarshalTypeMessage } from '../../api/decode/index.js';
import { defaultPod } from '../../api/defaults/index.js';
import { FieldPath, type FieldError } from '../../api/field-errors.js';
import { isPlainObject } from '../../api/object.js';
import { validateObjectMeta, validatePodSpec } from '../../api/validation/index.js';
import { applyStaticPodDefaults, type StaticPodDefaultsOptions } from './static-pod-defaults.js';

/** Upstream's maxConfigLength: a manifest or URL body larger than this is refused. */
export const MAX_CONFIG_LENGTH = 10 * 1024 * 1024;

export interface DecodeManifestOptions extends StaticPodDefaultsOptions {
  /** Accept a v1 PodList too (a URL source does). @default false */
  allowList?: boolean;
}

/**
 * The pods of `data`, defaulted and valid. Throws an Error whose message
 * says what is wrong (`invalid pod: ...`) for anything else; never returns
 * a partial result.
 */
export function decodeManifest(data: string, opts: DecodeManifestOptions): Pod[] {
  if (data.length > MAX_CONFIG_LENGTH) throw new Error(`manifest larger than ${MAX_CONFIG_LENGTH} bytes`);
  let doc: unknown;
  try {
    doc = parseYaml(data);
  } catch (e) {
    throw new Error(`not YAML or JSON: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { cause: e });
  }
  if (!isPlainObject(doc)) throw new Error(`want a v1 Pod object, got ${doc === null ? 'nothing' : Array.isArray(doc) ? 'a list' : typeof doc}`);
  const { apiVersion, kind } = doc;
  if (apiVersion !== 'v1') throw new Error(`want apiVersion v1, got ${JSON.stringify(apiVersion ?? null)}`);
  if (kind === 'PodList' && opts.allowList) {
    const items = doc['items'] ?? [];
    if (!Array.isArray(items)) throw new Error('invalid pod list: items is not a list');
    return items.map((item, i) => {
      if (!isPlainObject(item)) throw new Error(`invalid pod list: items[${i}] is not an object`);
      return decodePod({ ...item, apiVersion: 'v1', kind: 'Pod' }, opts);
    });
  }
  if (kind !== 'Pod') throw new Error(`want kind Pod${opts.allowList ? ' or PodList' : ''}, got ${JSON.stringify(kind ?? null)}`);
  return [decodePod(doc, opts)];
}

function decodePod(obj: Record<string, unknown>, opts: StaticPodDefaultsOptions): Pod {
  const { mismatch } = decodeWalk(definitionNode('io.k8s.api.core.v1.Pod'), obj, 'Pod');
  if (mismatch) throw new Error(`invalid pod: ${unmarshalTypeMessage(mismatch)}`);
  const decoded = obj as Pod;
  if (!decoded.metadata?.name) throw new Error('invalid pod: name is needed for the pod');
  defaultPod(decoded);
  const pod = applyStaticPodDefaults(decoded, opts);
  const errs: FieldError[] = [
    ...validateObjectMeta(pod.metadata!, { namespaced: true, nameRule: 'dns1123Subdomain' }),
    ...validatePodSpec(pod.spec!, FieldPath.root('spec')),
  ];
  if (errs.length) throw new Error(`invalid pod ${pod.metadata!.name}: ${errs.map(formatFieldError).join('; ')}`);
  return pod;
}

function formatFieldError(e: FieldError): string {
  return `${e.field}: ${e.detail ?? e.type}${e.value !== undefined ? ` (${JSON.stringify(e.value)})` : ''}`;
}
