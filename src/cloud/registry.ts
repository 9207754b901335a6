/**
 * Cloud providers by name (upstream's cloudprovider.RegisterCloudProvider /
 * InitCloudProvider). A provider is added with registerCloudProvider; the
 * built-in ones register in index.ts.
 */
import type { CloudProvider } from './cloud-provider.js';

/** Builds a provider from the text of --cloud-config (undefined without one); throws on a bad config. */
export type CloudProviderFactory = (config: string | undefined) => CloudProvider;

const providers = new Map<string, CloudProviderFactory>();

/** Throws if `name` is taken, as upstream's registry refuses duplicates. */
export function registerCloudProvider(name: string, factory: CloudProviderFactory): void {
  if (providers.has(name)) throw new Error(`cloud provider ${JSON.stringify(name)} was registered twice`);
  providers.set(name, factory);
}

export function cloudProviderNames(): string[] {
  return [...providers.keys()].sort();
}

/** The provider registered as `name`; throws naming the known ones when there is none. */
export function initCloudProvider(name: string, config?: string): CloudProvider {
  const factory = providers.get(name);
  if (!factory) throw new Error(`unknown cloud provider ${JSON.stringify(name)}; known: ${cloudProviderNames().join(', ')}`);
  return factory(config);
}
