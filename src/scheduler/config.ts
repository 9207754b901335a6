/**
 * KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) as upstream
 * shapes it: global settings, and profiles that name a schedulerName, the
 * plugins enabled at each extension point (multiPoint or per point, with
 * score weights) and per-plugin args. Loading applies upstream's defaults and
 * rejects unknown plugins, bad weights and unknown fields with clear errors.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export const API_VERSION = 'kubescheduler.config.k8s.io/v1';
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export const EXTENSION_POINTS = ['queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'preBind', 'bind', 'postBind'] as const;
export type ExtensionPoint = typeof EXTENSION_POINTS[number];

export interface PluginRef { name: string; weight?: number }
export interface PluginSet { enabled?: PluginRef[]; disabled?: PluginRef[] }
export type Plugins = Partial<Record<ExtensionPoint | 'multiPoint', PluginSet>>;

export interface Profile {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: { name: string; args?: Record<string, unknown> }[];
}

export interface KubeSchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  /** 0: adaptive (50% - nodes/125, at least 5%, at least 100 nodes). @default 0 */
  percentageOfNodesToScore?: number;
  /** @default 1 */
  podInitialBackoffSeconds?: number;
  /** @default 10 */
  podMaxBackoffSeconds?: number;
  /** Binding cycles in flight at once (upstream bounds filtering with it and runs each binding in a goroutine of its own). @default 128 */
  parallelism?: number;
  leaderElection?: { leaderElect?: boolean; resourceNamespace?: string; resourceName?: string; leaseDuration?: string; renewDeadline?: string; retryPeriod?: string };
  profiles?: Profile[];
}

/** Upstream's default plugin set (MultiPoint), with score weights. */
export const DEFAULT_PLUGINS: PluginRef[] = [
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'VolumeBinding' },
  { name: 'VolumeZone' },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
];

export class SchedulerConfigError extends Error {}

const TOP_FIELDS = new Set(['apiVersion', 'kind', 'percentageOfNodesToScore', 'podInitialBackoffSeconds', 'podMaxBackoffSeconds',
  'parallelism', 'leaderElection', 'profiles', 'clientConnection', 'healthzBindAddress', 'metricsBindAddress', 'enableProfiling',
  'enableContentionProfiling', 'extenders', 'delayCacheUntilActive']);
const PROFILE_FIELDS = new Set(['schedulerName', 'percentageOfNodesToScore', 'plugins', 'pluginConfig']);

function fail(msg: string): never { throw new SchedulerConfigError(msg); }

/** Applies defaults and checks `cfg` against the known plugins; returns a new object. Throws SchedulerConfigError. */
export function validateSchedulerConfig(raw: unknown, knownPlugins: ReadonlySet<string>): Required<Pick<KubeSchedulerConfiguration,
  'percentageOfNodesToScore' | 'podInitialBackoffSeconds' | 'podMaxBackoffSeconds' | 'parallelism' | 'profiles'>> & KubeSchedulerConfiguration {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('configuration must be an object');
  const cfg = raw as KubeSchedulerConfiguration & Record<string, unknown>;
  if (cfg.apiVersion !== undefined && cfg.apiVersion !== API_VERSION) fail(`apiVersion: unsupported value ${JSON.stringify(cfg.apiVersion)} (want ${API_VERSION})`);
  if (cfg.kind !== undefined && cfg.kind !== 'KubeSchedulerConfiguration') fail(`kind: unsupported value ${JSON.stringify(cfg.kind)} (want KubeSchedulerConfiguration)`);
  for (const k of Object.keys(cfg)) if (!TOP_FIELDS.has(k)) fail(`unknown field ${JSON.stringify(k)}`);
  const pct = (v: unknown, path: string): number | undefined => {
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 100) fail(`${path}: Invalid value: ${JSON.stringify(v)}: not in valid range [0-100]`);
    return v as number;
  };
  const posInt = (v: unknown, path: string, dflt: number): number => {
    if (v === undefined) return dflt;
    if (!Number.isInteger(v) || (v as number) <= 0) fail(`${path}: Invalid value: ${JSON.stringify(v)}: must be greater than 0`);
    return v as number;
  };
  const initial = posInt(cfg.podInitialBackoffSeconds, 'podInitialBackoffSeconds', 1);
  const max = posInt(cfg.podMaxBackoffSeconds, 'podMaxBackoffSeconds', 10);
  if (max < initial) fail('podMaxBackoffSeconds: Invalid value: must be greater than or equal to PodInitialBackoffSeconds');
  const profiles = (cfg.profiles?.length ? cfg.profiles : [{}]).map((p, i) => {
    const path = `profiles[${i}]`;
    for (const k of Object.keys(p)) if (!PROFILE_FIELDS.has(k)) fail(`${path}: unknown field ${JSON.stringify(k)}`);
    const plugins = p.plugins ?? {};
    for (const [point, set] of Object.entries(plugins)) {
      if (point !== 'multiPoint' && !(EXTENSION_POINTS as readonly string[]).includes(point)) fail(`${path}.plugins: unknown extension point ${JSON.stringify(point)}`);
      for (const kind of ['enabled', 'disabled'] as const) {
        (set?.[kind] ?? []).forEach((ref, j) => {
          const where = `${path}.plugins.${point}.${kind}[${j}]`;
          if (!ref?.name) fail(`${where}.name: Required value`);
          if (!(kind === 'disabled' && ref.name === '*') && !knownPlugins.has(ref.name)) fail(`${where}.name: unknown plugin ${JSON.stringify(ref.name)}`);
          if (ref.weight !== undefined) {
            if (!Number.isInteger(ref.weight) || ref.weight <= 0 || ref.weight > 100) {
              fail(`${where}.weight: Invalid value: ${JSON.stringify(ref.weight)}: must be an integer in [1, 100]`);
            }
          }
        });
      }
    }
    (p.pluginConfig ?? []).forEach((pc, j) => {
      if (!knownPlugins.has(pc.name)) fail(`${path}.pluginConfig[${j}].name: unknown plugin ${JSON.stringify(pc.name)}`);
    });
    return { ...p, schedulerName: p.schedulerName ?? DEFAULT_SCHEDULER_NAME, percentageOfNodesToScore: pct(p.percentageOfNodesToScore, `${path}.percentageOfNodesToScore`) };
  });
  const names = new Set<string>();
  for (const p of profiles) {
    if (names.has(p.schedulerName)) fail(`profiles: Duplicate value: ${JSON.stringify(p.schedulerName)}`);
    names.add(p.schedulerName);
  }
  return {
    ...cfg,
    percentageOfNodesToScore: pct(cfg.percentageOfNodesToScore, 'percentageOfNodesToScore') ?? 0,
    podInitialBackoffSeconds: initial,
    podMaxBackoffSeconds: max,
    parallelism: posInt(cfg.parallelism, 'parallelism', 128),
    profiles,
  };
}

/** Reads a YAML or JSON file. Validation happens when the scheduler starts (it knows the plugins), or with validateSchedulerConfig. */
export function loadSchedulerConfig(path: string): KubeSchedulerConfiguration {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new SchedulerConfigError(`reading scheduler config ${path}: ${(e as Error).message}`); }
  let doc: unknown;
  try { doc = parseYaml(text); } catch (e) { throw new SchedulerConfigError(`parsing scheduler config ${path}: ${(e as Error).message}`); }
  return doc as KubeSchedulerConfiguration;
}

export interface ResolvedPlugin { name: string; weight: number }

/**
 * The plugins enabled at one extension point of a profile: the defaults
 * (multiPoint), changed by the profile's multiPoint, then by that point's own
 * enabled/disabled lists. `implementsPoint` says whether a plugin has the point.
 */
export function pluginsFor(profile: Profile, point: ExtensionPoint, implementsPoint: (name: string) => boolean): ResolvedPlugin[] {
  const plugins = profile.plugins ?? {};
  const disabled = (set: PluginSet | undefined): Set<string> => new Set((set?.disabled ?? []).map((r) => r.name));
  const mpDisabled = disabled(plugins.multiPoint);
  const ptDisabled = disabled(plugins[point]);
  const out = new Map<string, number>();
  const add = (refs: PluginRef[], fromDefaults: boolean): void => {
    for (const r of refs) {
      if (!implementsPoint(r.name)) continue;
      if (fromDefaults && (mpDisabled.has('*') || mpDisabled.has(r.name))) continue;
      out.set(r.name, r.weight ?? out.get(r.name) ?? 1);
    }
  };
  add(DEFAULT_PLUGINS, true);
  add(plugins.multiPoint?.enabled ?? [], false);
  if (ptDisabled.has('*')) out.clear();
  for (const n of ptDisabled) out.delete(n);
  for (const r of plugins[point]?.enabled ?? []) {
    if (!implementsPoint(r.name)) throw new SchedulerConfigError(`plugin ${JSON.stringify(r.name)} does not support extension point ${JSON.stringify(point)}`);
    out.set(r.name, r.weight ?? out.get(r.name) ?? 1);
  }
  return [...out].map(([name, weight]) => ({ name, weight }));
}
