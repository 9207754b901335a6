/**
 * `k8ts server --disable ITEM` (k3s's flag, repeatable or comma-separated):
 * packaged components not to run. Each item maps to the controllers that make
 * it up, returned as `--controllers` removals (`-NAME`). Unlike k3s, a
 * component already deployed (the local-path StorageClass) is not deleted.
 */
import { UsageError } from './usage-error.js';

const COMPONENTS: Readonly<Record<string, readonly string[]>> = {
  // k3s's local-storage: the local-path StorageClass and its provisioner.
  'local-storage': ['local-path-provisioner'],
  servicelb: [],
  // k3s's coredns: here the built-in cluster DNS and its kube-dns Service.
  coredns: [],
};

/** True when `--disable` names `item` (checked by parseDisableFlag). */
export function disables(values: readonly string[] | undefined, item: string): boolean {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).includes(item);
}

/** The cloud controller manager's share: k3s's servicelb is its service load balancers. */
const CLOUD_COMPONENTS: Readonly<Record<string, readonly string[]>> = {
  servicelb: ['service-lb-controller'],
};

export function parseDisableFlag(values: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const item of (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const controllers = COMPONENTS[item];
    if (!controllers) throw new UsageError(`invalid --disable ${JSON.stringify(item)}: valid items: ${Object.keys(COMPONENTS).join(', ')}`);
    out.push(...controllers.map((c) => `-${c}`));
  }
  return out;
}

/** The cloud controller manager's `--controllers` removals for the same items (checked by parseDisableFlag). */
export function parseDisableCloudFlag(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).flatMap((item) => (CLOUD_COMPONENTS[item] ?? []).map((c) => `-${c}`));
}
