/**
 * Container defaults (upstream's SetDefaults_Container, _ContainerPort,
 * _Probe, _HTTPGetAction, _ObjectFieldSelector in pkg/apis/core/v1/defaults.go),
 * plus the empty `resources: {}` that Go's serialisation always shows.
 * Every function fills only unset fields, so running it twice changes nothing.
 */
import type { Container, EnvVar, HTTPGetAction, Lifecycle, Probe } from 'kubernetes-types/core/v1.js';

/**
 * The tag of an image reference, as upstream's parsers.ParseImageName sees it:
 * `latest` when there is neither tag nor digest, '' when there is only a digest.
 */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  if (colon >= 0) return name.slice(colon + 1);
  return at < 0 ? 'latest' : '';
}

export function defaultHTTPGetAction(h: HTTPGetAction): void {
  h.path ??= '/';
  h.scheme ??= 'HTTP';
}

export function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) defaultHTTPGetAction(p.httpGet);
}

function defaultLifecycle(l: Lifecycle | undefined): void {
  if (l?.postStart?.httpGet) defaultHTTPGetAction(l.postStart.httpGet);
  if (l?.preStop?.httpGet) defaultHTTPGetAction(l.preStop.httpGet);
}

/** fieldRef.apiVersion v1 and resourceFieldRef.divisor "0" (how Go prints a zero Quantity). */
export function defaultEnvVar(ev: EnvVar): void {
  if (ev.valueFrom?.fieldRef) ev.valueFrom.fieldRef.apiVersion ??= 'v1';
  if (ev.valueFrom?.resourceFieldRef) ev.valueFrom.resourceFieldRef.divisor ??= '0';
}

export function defaultContainer(c: Container): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const port of c.ports ?? []) port.protocol ??= 'TCP';
  for (const ev of c.env ?? []) defaultEnvVar(ev);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultLifecycle(c.lifecycle);
}
