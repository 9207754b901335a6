/**
 * One container of a pod (upstream's validateContainerCommon and its helpers):
 * name, image, ports, env, volumeMounts, resources, probes, pull policy.
 */
import type { Container, ContainerPort, EnvVar, HTTPGetAction, Probe, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { FieldError, FieldPath } from '../field-errors.js';
import { duplicate, forbiddenField, invalidValue, notSupported, required } from '../field-errors.js';
import {
  inclusiveRangeError, isConfigMapKey, isDNS1123Label, isEnvVarName, isValidPortName, isValidPortNum,
} from './names.js';
import { validateResourceRequirements } from './resources.js';

export const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
export const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

export interface ContainerContext {
  /** Names of the pod's volumes; mounts must name one of them. */
  volumes: Set<string>;
  hostNetwork: boolean;
  /** Probes' successThreshold must be 1 for liveness and startup. */
  isInit?: boolean;
}

export const nonNegative = (v: number | undefined, path: FieldPath): FieldError[] =>
  v !== undefined && v < 0 ? [invalidValue(path, v, 'must be greater than or equal to 0')] : [];

/** An int-or-string port: a number in 1-65535 or an IANA port name. */
export function validatePortNumOrName(port: number | string | undefined, path: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalidValue(path, port, m));
  if (typeof port === 'string' && port !== '') return isValidPortName(port).map((m) => invalidValue(path, port, m));
  return [required(path)];
}

function validatePorts(ports: ContainerPort[] | undefined, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = path.index(i);
    if (port.name) {
      errs.push(...isValidPortName(port.name).map((m) => invalidValue(p.child('name'), port.name, m)));
      if (names.has(port.name)) errs.push(duplicate(p.child('name'), port.name));
      names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(p.child('containerPort')));
    else errs.push(...isValidPortNum(port.containerPort).map((m) => invalidValue(p.child('containerPort'), port.containerPort, m)));
    if (port.hostPort) errs.push(...isValidPortNum(port.hostPort).map((m) => invalidValue(p.child('hostPort'), port.hostPort, m)));
    if (!port.protocol) errs.push(required(p.child('protocol')));
    else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(p.child('protocol'), port.protocol, PROTOCOLS));
    if (ctx.hostNetwork && port.hostPort !== undefined && port.hostPort !== port.containerPort) {
      errs.push(invalidValue(p.child('hostPort'), port.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
    }
  });
  return errs;
}

const FIELD_REF_PATHS = [
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid',
  'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];

function validateEnvVar(ev: EnvVar, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!ev.name) errs.push(required(path.child('name')));
  else errs.push(...isEnvVarName(ev.name).map((m) => invalidValue(path.child('name'), ev.name, m)));
  const from = ev.valueFrom;
  if (!from) return errs;
  const vp = path.child('valueFrom');
  const sources = (['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'] as const)
    .filter((k) => (from as Record<string, unknown>)[k] !== undefined);
  if (sources.length === 0) {
    errs.push(invalidValue(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (sources.length > 1) {
    errs.push(invalidValue(vp, '', 'may not have more than one field specified at a time'));
  }
  if (ev.value) errs.push(invalidValue(vp, '', 'may not be specified when `value` is not empty'));
  if (from.fieldRef) {
    const fp = from.fieldRef.fieldPath;
    const fpp = vp.child('fieldRef', 'fieldPath');
    if (!fp) errs.push(required(fpp));
    else {
      const base = fp.replace(/\['[^']*'\]$/, '');
      if (!FIELD_REF_PATHS.includes(base)) errs.push(notSupported(fpp, fp, FIELD_REF_PATHS));
    }
  }
  if (from.resourceFieldRef && !from.resourceFieldRef.resource) errs.push(required(vp.child('resourceFieldRef', 'resource')));
  for (const k of ['configMapKeyRef', 'secretKeyRef'] as const) {
    const ref = from[k];
    if (!ref) continue;
    if (!ref.key) errs.push(required(vp.child(k, 'key')));
    else errs.push(...isConfigMapKey(ref.key).map((m) => invalidValue(vp.child(k, 'key'), ref.key, m)));
  }
  return errs;
}

function validateMounts(mounts: VolumeMount[] | undefined, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const p = path.index(i);
    if (!m.name) errs.push(required(p.child('name')));
    else if (!ctx.volumes.has(m.name)) errs.push({ type: 'FieldValueNotFound', field: p.child('name').toString(), value: m.name });
    if (!m.mountPath) errs.push(required(p.child('mountPath')));
    else if (paths.has(m.mountPath)) errs.push(invalidValue(p.child('mountPath'), m.mountPath, 'must be unique'));
    if (m.mountPath) paths.add(m.mountPath);
    if (m.subPath !== undefined && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      errs.push(invalidValue(p.child('subPath'), m.subPath,
        m.subPath.startsWith('/') ? 'must be a relative path' : "must not contain '..'"));
    }
  });
  return errs;
}

function validateHTTPGet(h: HTTPGetAction, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!h.path) errs.push(required(path.child('path')));
  errs.push(...validatePortNumOrName(h.port, path.child('port')));
  if (h.scheme !== undefined && h.scheme !== 'HTTP' && h.scheme !== 'HTTPS') {
    errs.push(notSupported(path.child('scheme'), h.scheme, ['HTTP', 'HTTPS']));
  }
  return errs;
}

/** A probe: exactly one handler, non-negative timings. */
export function validateProbe(probe: Probe | undefined, path: FieldPath): FieldError[] {
  if (!probe) return [];
  const errs: FieldError[] = [];
  const handlers = (['exec', 'httpGet', 'tcpSocket', 'grpc'] as const).filter((k) => probe[k] !== undefined);
  if (handlers.length === 0) errs.push(required(path, 'must specify a handler type'));
  for (const k of handlers.slice(1)) errs.push(forbiddenField(path.child(k), 'may not specify more than 1 handler type'));
  if (probe.exec && (probe.exec.command ?? []).length === 0) errs.push(required(path.child('exec', 'command')));
  if (probe.httpGet) errs.push(...validateHTTPGet(probe.httpGet, path.child('httpGet')));
  if (probe.tcpSocket) errs.push(...validatePortNumOrName(probe.tcpSocket.port, path.child('tcpSocket', 'port')));
  if (probe.grpc) errs.push(...isValidPortNum(probe.grpc.port).map((m) => invalidValue(path.child('grpc', 'port'), probe.grpc?.port, m)));
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...nonNegative(probe[k], path.child(k)));
  }
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(invalidValue(path.child('terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

/** Everything about one container but the uniqueness of its name (see validateContainers). */
export function validateContainer(c: Container, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(path.child('name')));
  else errs.push(...isDNS1123Label(c.name).map((m) => invalidValue(path.child('name'), c.name, m)));
  if (!c.image) errs.push(required(path.child('image')));
  else if (c.image.trim() !== c.image) errs.push(invalidValue(path.child('image'), c.image, 'must not have leading or trailing whitespace'));
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === '') errs.push(required(path.child('imagePullPolicy')));
  else if (!PULL_POLICIES.includes(c.imagePullPolicy)) errs.push(notSupported(path.child('imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES));
  if (c.terminationMessagePolicy !== undefined && !TERMINATION_MESSAGE_POLICIES.includes(c.terminationMessagePolicy)) {
    errs.push(notSupported(path.child('terminationMessagePolicy'), c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES));
  }
  errs.push(...validatePorts(c.ports, ctx, path.child('ports')));
  (c.env ?? []).forEach((ev, i) => errs.push(...validateEnvVar(ev, path.child('env').index(i))));
  (c.envFrom ?? []).forEach((ef, i) => {
    const p = path.child('envFrom').index(i);
    if (ef.prefix) errs.push(...isEnvVarName(ef.prefix).map((m) => invalidValue(p.child('prefix'), ef.prefix, m)));
    const n = (ef.configMapRef ? 1 : 0) + (ef.secretRef ? 1 : 0);
    if (n === 0) errs.push(invalidValue(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
    if (n > 1) errs.push(invalidValue(p, '', 'may not have more than one field specified at a time'));
  });
  errs.push(...validateMounts(c.volumeMounts, ctx, path.child('volumeMounts')));
  errs.push(...validateResourceRequirements(c.resources, path.child('resources')));
  errs.push(...validateProbe(c.livenessProbe, path.child('livenessProbe')));
  errs.push(...validateProbe(c.readinessProbe, path.child('readinessProbe')));
  errs.push(...validateProbe(c.startupProbe, path.child('startupProbe')));
  for (const k of ['livenessProbe', 'startupProbe'] as const) {
    const st = c[k]?.successThreshold;
    if (st !== undefined && st !== 1) errs.push(invalidValue(path.child(k, 'successThreshold'), st, 'must be 1'));
  }
  if (c.readinessProbe?.terminationGracePeriodSeconds !== undefined) {
    errs.push(invalidValue(path.child('readinessProbe', 'terminationGracePeriodSeconds'),
      c.readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

/** `must be between lo and 2147483647, inclusive` (int32 fields such as activeDeadlineSeconds). */
export const INT32_RANGE = (lo: number): string => inclusiveRangeError(lo, 2147483647);
