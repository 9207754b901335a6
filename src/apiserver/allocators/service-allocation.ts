/**
 * ClusterIPs and NodePorts for Services: allocated on create, carried over on
 * update when the client leaves them out (upstream's PatchAllocatedValues),
 * allocated or released when the type changes, released on delete.
 */
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { WithMeta } from '../../api/object.js';
import { invalid } from '../../api/errors.js';
import { invalidValue } from '../../api/field-errors.js';
import type { Store } from '../../storage/store.js';
import type { RegistryHooks } from '../registry/generic-store.js';
import { AllocationError, KeyAllocator } from './key-allocator.js';
import { formatIpv4, parseCidr, parseIpv4, type Ipv4Cidr } from './cidr.js';

type Svc = WithMeta<Service & { [k: string]: unknown }>;

export interface ServiceAllocationOptions {
  /** @default '10.43.0.0/16' */
  serviceCidr: string;
  /** @default [30000, 32767] */
  nodePortRange?: [number, number];
}

function needsClusterIP(s: Service): boolean {
  return s.spec?.type !== 'ExternalName' && s.spec?.clusterIP !== 'None';
}

function needsNodePorts(s: Service): boolean {
  const t = s.spec?.type;
  return t === 'NodePort' || (t === 'LoadBalancer' && s.spec?.allocateLoadBalancerNodePorts !== false);
}

const subject = (name?: string) => ({ group: '', resource: 'services', kind: 'Service', name });

export class ServiceAllocation {
  readonly cidr: Ipv4Cidr;
  private readonly ips: KeyAllocator;
  private readonly ports: KeyAllocator;
  private readonly portRange: [number, number];

  constructor(store: Store, opts: ServiceAllocationOptions) {
    this.cidr = parseCidr(opts.serviceCidr);
    const cidr = this.cidr;
    // Index i is address base+1+i: neither the network nor the broadcast address.
    this.ips = new KeyAllocator(store, {
      prefix: '/registry/k8ts.io/serviceips/',
      size: cidr.size - 2,
      toValue: (i) => formatIpv4(cidr.base + 1 + i),
      toIndex: (v) => {
        const n = parseIpv4(v);
        if (n === undefined) return undefined;
        const i = n - cidr.base - 1;
        return i >= 0 && i < cidr.size - 2 ? i : undefined;
      },
      reserved: new Set([0]),
    });
    this.portRange = opts.nodePortRange ?? [30000, 32767];
    const [lo, hi] = this.portRange;
    this.ports = new KeyAllocator(store, {
      prefix: '/registry/k8ts.io/nodeports/',
      size: hi - lo + 1,
      toValue: (i) => String(lo + i),
      toIndex: (v) => {
        const n = Number(v);
        return Number.isInteger(n) && n >= lo && n <= hi ? n - lo : undefined;
      },
    });
  }

  /** The first address of the range, kept for the `kubernetes` service. */
  get kubernetesServiceIP(): string {
    return formatIpv4(this.cidr.base + 1);
  }

  hooks(): RegistryHooks {
    return {
      beforeCreate: (obj) => this.allocate(obj as Svc, undefined),
      mutateUpdate: (obj, old) => carryAllocated(obj as Svc, old as Svc),
      beforeUpdate: (obj, old) => this.allocate(obj as Svc, old as Svc),
      afterDelete: (obj) => this.releaseAll(obj as Svc),
    };
  }

  /** Allocates what obj needs and old did not hold; releases what old held and obj dropped. */
  private async allocate(obj: Svc, old: Svc | undefined): Promise<() => Promise<void>> {
    const owner = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const claimedIPs: string[] = [];
    const claimedPorts: string[] = [];
    const undo = async (): Promise<void> => {
      for (const ip of claimedIPs) await this.ips.release(ip);
      for (const p of claimedPorts) await this.ports.release(p);
    };
    const spec = (obj.spec ??= {});
    try {
      const oldIPs = new Set(old?.spec?.clusterIPs ?? (old?.spec?.clusterIP && old.spec.clusterIP !== 'None' ? [old.spec.clusterIP] : []));
      if (needsClusterIP(obj)) {
        if (spec.clusterIP && spec.clusterIP !== 'None') {
          if (!oldIPs.has(spec.clusterIP)) {
            await this.ips.allocate(spec.clusterIP, owner).catch((e: unknown) => { throw this.ipError(obj, spec.clusterIP!, e); });
            claimedIPs.push(spec.clusterIP);
          }
        } else {
          spec.clusterIP = await this.ips.allocateNext(owner);
          claimedIPs.push(spec.clusterIP);
        }
        spec.clusterIPs = [spec.clusterIP];
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
      }
      const oldPorts = new Set((old?.spec?.ports ?? []).map((p) => p.nodePort).filter((n): n is number => !!n));
      if (needsNodePorts(obj)) {
        for (const [i, p] of (spec.ports ?? []).entries()) {
          if (p.nodePort) {
            if (!oldPorts.has(p.nodePort)) {
              await this.ports.allocate(String(p.nodePort), owner).catch((e: unknown) => { throw this.portError(obj, i, p, e); });
              claimedPorts.push(String(p.nodePort));
            }
          } else {
            p.nodePort = Number(await this.ports.allocateNext(owner));
            claimedPorts.push(String(p.nodePort));
          }
        }
      } else {
        for (const p of spec.ports ?? []) delete p.nodePort;
      }
    } catch (e) {
      await undo();
      throw e;
    }
    // Values the new object no longer holds go back to the pool.
    if (old) {
      const keepIPs = new Set(spec.clusterIPs ?? []);
      for (const ip of old.spec?.clusterIPs ?? []) if (ip !== 'None' && !keepIPs.has(ip)) await this.ips.release(ip);
      const keepPorts = new Set((spec.ports ?? []).map((p) => p.nodePort));
      for (const p of old.spec?.ports ?? []) if (p.nodePort && !keepPorts.has(p.nodePort)) await this.ports.release(String(p.nodePort));
    }
    return undo;
  }

  private async releaseAll(obj: Svc): Promise<void> {
    for (const ip of obj.spec?.clusterIPs ?? []) if (ip !== 'None') await this.ips.release(ip);
    for (const p of obj.spec?.ports ?? []) if (p.nodePort) await this.ports.release(String(p.nodePort));
  }

  private ipError(obj: Svc, ip: string, e: unknown): Error {
    if (!(e instanceof AllocationError)) return e as Error;
    const why = e.reason === 'out-of-range'
      ? `failed to allocate IP ${ip}: provided IP is not in the valid range. The range of valid IPs is ${this.cidr.text}`
      : `failed to allocate IP ${ip}: provided IP is already allocated`;
    return invalid(subject(obj.metadata.name), [invalidValue('spec.clusterIPs', [ip], why)]);
  }

  private portError(obj: Svc, i: number, p: ServicePort, e: unknown): Error {
    if (!(e instanceof AllocationError)) return e as Error;
    const why = e.reason === 'out-of-range'
      ? `provided port is not in the valid range. The range of valid ports is ${this.portRange[0]}-${this.portRange[1]}`
      : 'provided port is already allocated';
    return invalid(subject(obj.metadata.name), [invalidValue(`spec.ports[${i}].nodePort`, p.nodePort, why)]);
  }
}

/** Keeps the allocated clusterIP(s) and nodePorts that an update leaves out. */
function carryAllocated(obj: Svc, old: Svc): void {
  const spec = (obj.spec ??= {});
  const o = old.spec ?? {};
  if (needsClusterIP(obj) && !spec.clusterIP && o.clusterIP && o.clusterIP !== 'None') {
    spec.clusterIP = o.clusterIP;
    spec.clusterIPs ??= o.clusterIPs;
    spec.ipFamilies ??= o.ipFamilies;
    spec.ipFamilyPolicy ??= o.ipFamilyPolicy;
  }
  if (needsNodePorts(obj)) {
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const same = (o.ports ?? []).find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))
        ?? ((spec.ports?.length === 1 && o.ports?.length === 1) ? o.ports[0] : undefined);
      if (same?.nodePort) p.nodePort = same.nodePort;
    }
  }
}
