/**
 * networking.k8s.io/v1 NetworkPolicy (upstream pkg/registry/networking/networkpolicy/strategy.go,
 * SetDefaults_NetworkPolicy / SetDefaults_NetworkPolicyPort, ValidateNetworkPolicySpec).
 */
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec } from 'kubernetes-types/networking/v1.js';
import type { WithMeta } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, forbiddenField, invalidValue, notSupported, required } from '../../../api/field-errors.js';
import { isValidCIDR } from '../../../api/validation/names.js';
import { validateLabelSelector } from '../../../api/validation/label-selector.js';
import { PROTOCOLS, validatePortNumOrName } from '../../../api/validation/container.js';
import type { Strategy } from '../strategy.js';

const POLICY_TYPES = ['Ingress', 'Egress'];

/** policyTypes [Ingress] (+ Egress when there are egress rules); port protocol TCP. */
export function defaultNetworkPolicy(np: NetworkPolicy): void {
  const spec = (np.spec ??= { podSelector: {} });
  for (const r of spec.ingress ?? []) for (const p of r.ports ?? []) p.protocol ??= 'TCP';
  for (const r of spec.egress ?? []) for (const p of r.ports ?? []) p.protocol ??= 'TCP';
  if (!spec.policyTypes?.length) {
    spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function validatePort(port: NetworkPolicyPort, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) {
    errs.push(notSupported(path.child('protocol'), port.protocol, PROTOCOLS));
  }
  if (port.port !== undefined) {
    errs.push(...validatePortNumOrName(port.port, path.child('port')));
    if (port.endPort !== undefined) {
      if (typeof port.port !== 'number') errs.push(required(path.child('endPort'), 'may not be specified when `port` is non-numeric'));
      else if (port.endPort < port.port) errs.push(invalidValue(path.child('endPort'), port.endPort, 'must be greater than or equal to `port`'));
    }
  } else if (port.endPort !== undefined) {
    errs.push(required(path.child('endPort'), 'may not be specified when `port` is not specified'));
  }
  return errs;
}

function validatePeer(peer: NetworkPolicyPeer, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (peer.podSelector) { n++; errs.push(...validateLabelSelector(peer.podSelector, path.child('podSelector'))); }
  if (peer.namespaceSelector) { n++; errs.push(...validateLabelSelector(peer.namespaceSelector, path.child('namespaceSelector'))); }
  if (peer.ipBlock) {
    n++;
    const bp = path.child('ipBlock');
    const cidr = peer.ipBlock.cidr ?? '';
    if (!cidr) errs.push(required(bp.child('cidr')));
    else errs.push(...isValidCIDR(cidr).map((m) => invalidValue(bp.child('cidr'), cidr, m)));
    (peer.ipBlock.except ?? []).forEach((e, i) => {
      errs.push(...isValidCIDR(e).map((m) => invalidValue(bp.child('except').index(i), e, m)));
    });
  }
  if (n === 0) errs.push(required(path, 'must specify a peer'));
  else if (n > 1 && peer.ipBlock) errs.push(forbiddenField(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

export function validateNetworkPolicySpec(spec: NetworkPolicySpec | undefined, path: FieldPath): FieldError[] {
  const s: NetworkPolicySpec = spec ?? { podSelector: {} };
  const errs: FieldError[] = [...validateLabelSelector(s.podSelector, path.child('podSelector'))];
  (s.ingress ?? []).forEach((r, i) => {
    const rp = path.child('ingress').index(i);
    (r.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, rp.child('ports').index(j))));
    (r.from ?? []).forEach((p, j) => errs.push(...validatePeer(p, rp.child('from').index(j))));
  });
  (s.egress ?? []).forEach((r, i) => {
    const rp = path.child('egress').index(i);
    (r.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, rp.child('ports').index(j))));
    (r.to ?? []).forEach((p, j) => errs.push(...validatePeer(p, rp.child('to').index(j))));
  });
  const types = s.policyTypes ?? [];
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t)) errs.push(notSupported(path.child('policyTypes').index(i), t, POLICY_TYPES));
  });
  if (types.length > POLICY_TYPES.length) {
    errs.push(invalidValue(path.child('policyTypes'), types, 'may not specify more than two policyTypes'));
  }
  return errs;
}

const np = (o: WithMeta): NetworkPolicy => o as unknown as NetworkPolicy;

export const networkPolicyStrategy: Strategy = {
  tracksGeneration: true,
  defaults: (obj) => defaultNetworkPolicy(np(obj)),
  validate: (obj) => validateNetworkPolicySpec(np(obj).spec, FieldPath.root('spec')),
};
