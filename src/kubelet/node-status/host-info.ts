/**
 * What the host says about itself, read from node:os, /proc, /etc, /sys and
 * statfs of the kubelet's root directory: the inputs of the node's
 * capacity, addresses and nodeInfo. What is unreadable (an unprivileged
 * /sys/class/dmi/id/product_uuid) is left empty, as upstream's cadvisor does.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { filesystemStats } from './host-usage.js';
import { goArch, parseDefaultRouteInterface, parseIdFile, parseMemInfo, parseOsRelease, pickInternalIP } from './host-parse.js';

export interface HostInfo {
  hostname: string;
  /** Logical CPUs. */
  cpus: number;
  /** MemTotal, bytes. */
  memoryBytes: number;
  /** Size of the filesystem holding the kubelet root directory, bytes. */
  ephemeralStorageBytes: number;
  /** `uname -r`. */
  kernelVersion: string;
  /** PRETTY_NAME of /etc/os-release. */
  osImage: string;
  machineID: string;
  systemUUID: string;
  bootID: string;
  /** GOOS. */
  operatingSystem: string;
  /** GOARCH. */
  architecture: string;
  /** Absent when the host has no usable IPv4 address. */
  internalIP?: string;
}

export interface ReadHostOptions {
  /** The kubelet root directory; its filesystem is the node's ephemeral storage. */
  rootDir: string;
  /** --node-ip: used as the InternalIP instead of the detected one. */
  nodeIP?: string;
  /** /proc, /etc, /sys prefix for tests. @default '' */
  hostRoot?: string;
}

async function readOr(path: string, fallback: string): Promise<string> {
  try { return await readFile(path, 'utf8'); } catch { return fallback; }
}

export async function readHostInfo(opts: ReadHostOptions): Promise<HostInfo> {
  const r = opts.hostRoot ?? '';
  const [meminfo, osRelease, usrOsRelease, machineId, bootId, productUuid, route, storage] = await Promise.all([
    readOr(`${r}/proc/meminfo`, ''),
    readOr(`${r}/etc/os-release`, ''),
    readOr(`${r}/usr/lib/os-release`, ''),
    readOr(`${r}/etc/machine-id`, ''),
    readOr(`${r}/proc/sys/kernel/random/boot_id`, ''),
    readOr(`${r}/sys/class/dmi/id/product_uuid`, ''),
    readOr(`${r}/proc/net/route`, ''),
    filesystemStats(opts.rootDir).then((f) => f.capacityBytes),
  ]);
  const internalIP = opts.nodeIP ?? pickInternalIP(os.networkInterfaces(), parseDefaultRouteInterface(route));
  return {
    hostname: os.hostname().toLowerCase(),
    // All online CPUs, as cadvisor's NumCores (not this process's affinity).
    cpus: os.cpus().length || os.availableParallelism(),
    memoryBytes: parseMemInfo(meminfo)['MemTotal'] ?? os.totalmem(),
    ephemeralStorageBytes: storage,
    kernelVersion: os.release(),
    osImage: parseOsRelease(osRelease || usrOsRelease),
    machineID: parseIdFile(machineId),
    systemUUID: parseIdFile(productUuid),
    bootID: parseIdFile(bootId),
    operatingSystem: process.platform,
    architecture: goArch(process.arch, os.endianness()),
    ...(internalIP ? { internalIP } : {}),
  };
}

/**
 * The address a node would report as its InternalIP when not told one:
 * that of the default route's interface (as upstream's kubelet picks it).
 * The API server advertises it too, so pods reach it through the
 * `kubernetes` Service. Undefined when the host has no such address.
 */
export function defaultHostIP(): string | undefined {
  let route = '';
  try {
    route = readFileSync('/proc/net/route', 'utf8');
  } catch {
    // not Linux: the first non-internal address, as pickInternalIP falls back to
  }
  return pickInternalIP(os.networkInterfaces(), parseDefaultRouteInterface(route));
}
