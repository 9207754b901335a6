/** The in-tree plugins by name (upstream's plugins/registry.go). */
import type { Handle, Plugin } from '../framework/interface.js';
import { newDefaultBinder } from './default-binder.js';
import { newDefaultPreemption, type DefaultPreemptionArgs } from './default-preemption.js';
import { newImageLocality } from './image-locality.js';
import { newInterPodAffinity, type InterPodAffinityArgs } from './inter-pod-affinity.js';
import { newNodeAffinity, type NodeAffinityArgs } from './node-affinity.js';
import { newNodeName } from './node-name.js';
import { newNodePorts } from './node-ports.js';
import { newBalancedAllocation, type BalancedAllocationArgs } from './node-resources-balanced-allocation.js';
import { newNodeResourcesFit, type NodeResourcesFitArgs } from './node-resources-fit.js';
import { newNodeUnschedulable } from './node-unschedulable.js';
import { newPodTopologySpread, type PodTopologySpreadArgs } from './pod-topology-spread.js';
import { newPrioritySort } from './priority-sort.js';
import { newTaintToleration } from './taint-toleration.js';
import { newVolumeBinding, type VolumeBindingArgs } from './volume-binding.js';
import { newVolumeZone } from './volume-zone.js';

export type PluginFactory = (args: Record<string, unknown>, handle: Handle) => Plugin;

export const IN_TREE_PLUGINS: Readonly<Record<string, PluginFactory>> = {
  PrioritySort: () => newPrioritySort(),
  NodeName: () => newNodeName(),
  NodeUnschedulable: () => newNodeUnschedulable(),
  TaintToleration: () => newTaintToleration(),
  NodeAffinity: (a) => newNodeAffinity(a as NodeAffinityArgs),
  NodePorts: () => newNodePorts(),
  NodeResourcesFit: (a) => newNodeResourcesFit(a as NodeResourcesFitArgs),
  NodeResourcesBalancedAllocation: (a) => newBalancedAllocation(a as BalancedAllocationArgs),
  ImageLocality: (a, h) => newImageLocality(a, h),
  InterPodAffinity: (a, h) => newInterPodAffinity(a as InterPodAffinityArgs, h),
  PodTopologySpread: (a, h) => newPodTopologySpread(a as PodTopologySpreadArgs, h),
  VolumeBinding: (a, h) => newVolumeBinding(a as VolumeBindingArgs, h),
  VolumeZone: (a, h) => newVolumeZone(a, h),
  DefaultPreemption: (a, h) => newDefaultPreemption(a as DefaultPreemptionArgs, h),
  DefaultBinder: (a, h) => newDefaultBinder(a, h),
};

/** Which extension points each in-tree plugin implements (config resolution needs this before building plugins). */
export const PLUGIN_POINTS: Readonly<Record<string, readonly string[]>> = {
  PrioritySort: ['queueSort'],
  NodeName: ['filter'],
  NodeUnschedulable: ['filter'],
  TaintToleration: ['filter', 'preScore', 'score'],
  NodeAffinity: ['preFilter', 'filter', 'preScore', 'score'],
  NodePorts: ['preFilter', 'filter'],
  NodeResourcesFit: ['preFilter', 'filter', 'score'],
  NodeResourcesBalancedAllocation: ['score'],
  ImageLocality: ['score'],
  InterPodAffinity: ['preFilter', 'filter', 'preScore', 'score'],
  PodTopologySpread: ['preFilter', 'filter', 'preScore', 'score'],
  VolumeBinding: ['preFilter', 'filter', 'reserve', 'preBind'],
  VolumeZone: ['preFilter', 'filter'],
  DefaultPreemption: ['postFilter'],
  DefaultBinder: ['bind'],
};
