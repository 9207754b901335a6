/**
 * A handler's port as a number (upstream's probe.ResolveContainerPort): an
 * int is itself, a numeric string is its number, other strings name one
 * of the container's ports.
 */
import type { Container } from 'kubernetes-types/core/v1.js';

export function resolveContainerPort(port: number | string | undefined, container: Container): number {
  if (typeof port === 'number') {
    if (port > 0 && port < 65536) return port;
    throw new Error(`invalid port number: ${port}`);
  }
  if (port === undefined || port === '') throw new Error('port is not set');
  if (/^\d+$/.test(port)) return resolveContainerPort(Number(port), container);
  const named = (container.ports ?? []).find((p) => p.name === port);
  if (!named) throw new Error(`couldn't find port: ${port} in ${container.name}`);
  return named.containerPort;
}
